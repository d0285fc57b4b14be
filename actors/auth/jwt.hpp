#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "actors/common/hmac.hpp"

namespace streamify::auth {

struct token_claims {
  std::string sub;  // user id
  std::string role; // viewer, creator or admin
  int64_t exp = 0;  // seconds since the epoch
};

// A JWT's three parts are base64url without padding.
using streamify::b64url;

// JWT with HS256. Verification accepts only the exact algorithm, a valid
// signature (compared in constant time) and an unexpired `exp`.

std::string sign_token(const token_claims& claims, const std::string& secret,
                       int64_t issued_at_s);

std::optional<token_claims> verify_token(const std::string& token,
                                         const std::string& secret,
                                         int64_t now_s);

} // namespace streamify::auth
