#include "actors/common/hmac.hpp"

#include <algorithm>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

namespace streamify {

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

} // namespace

std::string hmac_sha256(const std::string& key, const std::string& data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac,
       &len);
  return std::string(reinterpret_cast<char*>(mac), len);
}

std::string b64url(const std::string& in) {
  std::string out(sodium_base64_encoded_len(in.size(), b64_variant), '\0');
  sodium_bin2base64(out.data(), out.size(),
                    reinterpret_cast<const unsigned char*>(in.data()),
                    in.size(), b64_variant);
  out.resize(out.size() - 1); // drop the terminating NUL
  return out;
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

} // namespace streamify
