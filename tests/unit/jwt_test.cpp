#define CAF_SUITE jwt

#include "actors/auth/jwt.hpp"

#include <caf/test/unit_test.hpp>
#include <sodium.h>

using namespace streamify::auth;

namespace {

const std::string secret = "jwt-test-secret";

std::string b64(const std::string& in) {
  std::string out(sodium_base64_encoded_len(
                    in.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(),
                    reinterpret_cast<const unsigned char*>(in.data()),
                    in.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.pop_back();
  return out;
}

std::string part(const std::string& token, int i) {
  size_t start = 0;
  for (int k = 0; k < i; ++k)
    start = token.find('.', start) + 1;
  auto end = token.find('.', start);
  return token.substr(start, end == std::string::npos ? end : end - start);
}

} // namespace

CAF_TEST(a signed token verifies with its claims) {
  auto t = sign_token({"u1", "viewer", 2000}, secret, 1000);
  auto c = verify_token(t, secret, 1500);
  CAF_REQUIRE(c.has_value());
  CAF_CHECK_EQUAL(c->sub, "u1");
  CAF_CHECK_EQUAL(c->role, "viewer");
}

CAF_TEST(expired tokens and other keys are refused) {
  auto t = sign_token({"u1", "viewer", 2000}, secret, 1000);
  CAF_CHECK(!verify_token(t, secret, 2000));
  CAF_CHECK(!verify_token(t, "another secret", 1500));
}

CAF_TEST(an edited role breaks the signature) {
  auto t = sign_token({"u1", "viewer", 2000}, secret, 1000);
  auto forged_payload = b64(R"({"sub":"u1","role":"admin","iat":1000,"exp":2000})");
  auto forged = part(t, 0) + "." + forged_payload + "." + part(t, 2);
  CAF_CHECK(!verify_token(forged, secret, 1500));
}

CAF_TEST(alg none and malformed tokens are refused) {
  auto payload = b64(R"({"sub":"u1","role":"admin","iat":1000,"exp":2000})");
  CAF_CHECK(!verify_token(b64(R"({"alg":"none","typ":"JWT"})") + "." + payload
                            + ".",
                          secret, 1500));
  for (auto bad : {"", "a.b", "a.b.c.d", "..", "!!.??.**"})
    CAF_CHECK(!verify_token(bad, secret, 1500));
}

CAF_TEST(a byte outside the base64url alphabet never verifies) {
  auto t = sign_token({"u1", "viewer", 2000}, secret, 1000);
  for (auto pos : {size_t{0}, t.find('.') + 1, t.rfind('.') + 1, t.size() - 1}) {
    for (auto replacement : {'\xc6', '\xdf', '+', '/', '='}) {
      auto altered = t;
      if (altered[pos] == replacement)
        continue;
      altered[pos] = replacement;
      CAF_CHECK(!verify_token(altered, secret, 1500));
    }
  }
}
