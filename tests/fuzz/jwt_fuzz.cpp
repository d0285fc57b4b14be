// JWT parsing and verification: arbitrary text never verifies under the
// secret; verify(sign(claims)) gives the claims back; a signed token with one
// byte changed, with `alg: none`, or past its `exp` never verifies.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "actors/auth/jwt.hpp"
#include "tests/fuzz/fuzz_require.hpp"

using namespace streamify::auth;

namespace {

const std::string secret = "fuzz-secret-0123456789abcdef0123456789";
constexpr int64_t now = 1'800'000'000;

std::string printable(const uint8_t* data, size_t size) {
  std::string s;
  for (size_t i = 0; i < size; ++i)
    s += static_cast<char>(0x20 + data[i] % 0x5f);
  return s;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  FUZZ_REQUIRE(!verify_token(text, secret, now));
  if (size < 4)
    return 0;

  auto split = 4 + data[0] % (size - 3);
  token_claims claims{printable(data + 4, split - 4),
                      data[1] % 2 ? "creator" : "viewer",
                      now + 1 + data[2] * 3600};
  auto token = sign_token(claims, secret, now);
  auto back = verify_token(token, secret, now);
  FUZZ_REQUIRE(back && back->sub == claims.sub && back->role == claims.role
          && back->exp == claims.exp);
  FUZZ_REQUIRE(!verify_token(token, secret, claims.exp));
  FUZZ_REQUIRE(!verify_token(token, secret + "x", now));

  auto pos = (split < size ? data[split] : data[3]) % token.size();
  auto changed = token;
  changed[pos] = static_cast<char>(changed[pos] ^ (1 + data[3] % 255));
  FUZZ_REQUIRE(!verify_token(changed, secret, now));

  auto dot = token.find('.');
  auto unsigned_token = b64url(R"({"alg":"none","typ":"JWT"})")
                        + token.substr(dot, token.rfind('.') - dot + 1);
  FUZZ_REQUIRE(!verify_token(unsigned_token, secret, now));
  return 0;
}
