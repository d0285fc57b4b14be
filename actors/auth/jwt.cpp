#include "actors/auth/jwt.hpp"

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>

#include "actors/common/hmac.hpp"

namespace streamify::auth {

namespace {

const std::string& header_b64() {
  static const std::string h = b64url(R"({"alg":"HS256","typ":"JWT"})");
  return h;
}

} // namespace

std::string sign_token(const token_claims& claims, const std::string& secret,
                       int64_t issued_at_s) {
  nlohmann::json payload{{"sub", claims.sub},
                         {"role", claims.role},
                         {"iat", issued_at_s},
                         {"exp", claims.exp}};
  auto signing_input = header_b64() + "." + b64url(payload.dump());
  return signing_input + "." + b64url(hmac_sha256(secret, signing_input));
}

std::optional<token_claims> verify_token(const std::string& token,
                                         const std::string& secret,
                                         int64_t now_s) {
  if (token.size() > 4096)
    return std::nullopt;
  auto dot1 = token.find('.');
  auto dot2 = dot1 == std::string::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string::npos || token.find('.', dot2 + 1) != token.npos)
    return std::nullopt;
  auto header = b64url_decode(token.substr(0, dot1));
  auto payload = b64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1));
  auto signature = b64url_decode(token.substr(dot2 + 1));
  if (!header || !payload || !signature)
    return std::nullopt;
  auto expected = hmac_sha256(secret, token.substr(0, dot2));
  if (signature->size() != expected.size()
      || CRYPTO_memcmp(signature->data(), expected.data(), expected.size())
           != 0)
    return std::nullopt;
  auto h = nlohmann::json::parse(*header, nullptr, false);
  auto p = nlohmann::json::parse(*payload, nullptr, false);
  if (!h.is_object() || !p.is_object() || h.value("alg", "") != "HS256")
    return std::nullopt;
  auto sub = p.find("sub");
  auto role = p.find("role");
  auto exp = p.find("exp");
  if (sub == p.end() || !sub->is_string() || role == p.end()
      || !role->is_string() || exp == p.end() || !exp->is_number_integer())
    return std::nullopt;
  token_claims claims{sub->get<std::string>(), role->get<std::string>(),
                      exp->get<int64_t>()};
  if (claims.exp <= now_s)
    return std::nullopt;
  return claims;
}

} // namespace streamify::auth
