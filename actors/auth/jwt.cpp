#include "actors/auth/jwt.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

namespace streamify::auth {

namespace {

constexpr int b64_variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

// libsodium 1.0.18 decodes some bytes outside the alphabet as letters, which
// would let a token be altered and still verify: check the alphabet first.
bool b64url_alphabet(const std::string& in) {
  return std::all_of(in.begin(), in.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
           || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

std::optional<std::string> b64url_decode(const std::string& in) {
  if (!b64url_alphabet(in))
    return std::nullopt;
  std::string out(in.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()),
                        out.size(), in.data(), in.size(), nullptr, &len,
                        nullptr, b64_variant)
      != 0)
    return std::nullopt;
  out.resize(len);
  return out;
}

std::string hmac_sha256(const std::string& key, const std::string& data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac,
       &len);
  return std::string(reinterpret_cast<char*>(mac), len);
}

const std::string& header_b64() {
  static const std::string h = b64url(R"({"alg":"HS256","typ":"JWT"})");
  return h;
}

} // namespace

std::string b64url(const std::string& in) {
  std::string out(sodium_base64_encoded_len(in.size(), b64_variant), '\0');
  sodium_bin2base64(out.data(), out.size(),
                    reinterpret_cast<const unsigned char*>(in.data()),
                    in.size(), b64_variant);
  out.resize(out.size() - 1); // drop the terminating NUL
  return out;
}

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
