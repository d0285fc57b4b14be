// Stream tokens: arbitrary text never verifies; sign/verify round-trips for
// its own session and viewer only, until its expiry; one byte changed never
// verifies.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "actors/streaming/stream_token.hpp"
#include "tests/fuzz/fuzz_require.hpp"

using namespace streamify::streaming;

namespace {

const std::string secret = "fuzz-secret-0123456789abcdef0123456789";
const std::string session = "0123456789abcdef0123456789abcdef";
const std::string viewer = "fedcba9876543210fedcba9876543210";
constexpr int64_t now = 1'800'000'000;

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  FUZZ_REQUIRE(!verify_stream_token(text, session, viewer, now, secret));
  if (size < 3)
    return 0;

  auto exp = now + 1 + data[0] * 7;
  std::string other(reinterpret_cast<const char*>(data + 3), size - 3);
  auto token = sign_stream_token(session, viewer, exp, secret);
  FUZZ_REQUIRE(verify_stream_token(token, session, viewer, now, secret));
  FUZZ_REQUIRE(!verify_stream_token(token, session, viewer, exp, secret));
  if (other != session)
    FUZZ_REQUIRE(!verify_stream_token(token, other, viewer, now, secret));
  if (other != viewer)
    FUZZ_REQUIRE(!verify_stream_token(token, session, other, now, secret));

  auto pos = data[1] % token.size();
  auto changed = token;
  changed[pos] = static_cast<char>(changed[pos] ^ (1 + data[2] % 255));
  FUZZ_REQUIRE(!verify_stream_token(changed, session, viewer, now, secret));
  return 0;
}
