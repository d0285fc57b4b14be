#include "actors/streaming/stream_token.hpp"

#include <openssl/crypto.h>

#include "actors/common/hmac.hpp"

namespace streamify::streaming {

namespace {

std::string signature(const std::string& session_id,
                      const std::string& viewer_id, const std::string& exp,
                      const std::string& jwt_secret) {
  auto key = hmac_sha256(jwt_secret, "streamify stream token v1");
  return b64url(hmac_sha256(key, session_id + '\n' + viewer_id + '\n' + exp));
}

} // namespace

std::string sign_stream_token(const std::string& session_id,
                              const std::string& viewer_id, int64_t exp_s,
                              const std::string& jwt_secret) {
  auto exp = std::to_string(exp_s);
  return exp + '.' + signature(session_id, viewer_id, exp, jwt_secret);
}

bool verify_stream_token(const std::string& token,
                         const std::string& session_id,
                         const std::string& viewer_id, int64_t now_s,
                         const std::string& jwt_secret) {
  auto dot = token.find('.');
  if (dot == std::string::npos || dot == 0 || dot > 18)
    return false;
  int64_t exp = 0;
  for (size_t i = 0; i < dot; ++i) {
    if (token[i] < '0' || token[i] > '9')
      return false;
    exp = exp * 10 + (token[i] - '0');
  }
  auto expected = signature(session_id, viewer_id, token.substr(0, dot),
                            jwt_secret);
  auto given = token.substr(dot + 1);
  if (given.size() != expected.size()
      || CRYPTO_memcmp(given.data(), expected.data(), given.size()) != 0)
    return false;
  return now_s < exp;
}

std::string stream_url(const std::string& session_id,
                       const std::string& viewer_id, int64_t now_s,
                       const std::string& jwt_secret) {
  return "/api/sessions/" + session_id + "/stream?st="
         + sign_stream_token(session_id, viewer_id, now_s + stream_token_ttl_s,
                             jwt_secret);
}

std::string hls_url(const std::string& session_id,
                    const std::string& viewer_id, int64_t now_s,
                    const std::string& jwt_secret) {
  return "/api/sessions/" + session_id + "/hls/"
         + sign_stream_token(session_id, viewer_id,
                             now_s + stream_token_ttl_s, jwt_secret)
         + "/master.m3u8";
}

} // namespace streamify::streaming
