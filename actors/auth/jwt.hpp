#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace streamify::auth {

struct token_claims {
  std::string sub;  // user id
  std::string role; // viewer, creator or admin
  int64_t exp = 0;  // seconds since the epoch
};

// JWT with HS256. Verification accepts only the exact algorithm, a valid
// signature (compared in constant time) and an unexpired `exp`.
// Base64url without padding, as in a JWT's three parts.
std::string b64url(const std::string& in);

std::string sign_token(const token_claims& claims, const std::string& secret,
                       int64_t issued_at_s);

std::optional<token_claims> verify_token(const std::string& token,
                                         const std::string& secret,
                                         int64_t now_s);

} // namespace streamify::auth
