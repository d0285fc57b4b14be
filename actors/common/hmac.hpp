#pragma once

#include <optional>
#include <string>

namespace streamify {

// HMAC-SHA256 of `data` under `key`: 32 raw bytes.
std::string hmac_sha256(const std::string& key, const std::string& data);

// Base64url without padding, as in a JWT's parts and the stream tokens.
std::string b64url(const std::string& in);

// Nothing when `in` is not base64url without padding.
std::optional<std::string> b64url_decode(const std::string& in);

} // namespace streamify
