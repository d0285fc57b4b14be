#include "gateway/request_params.hpp"

#include <algorithm>
#include <string>

#include "actors/common/idempotency_key.hpp"
#include "gateway/http_error.hpp"

namespace streamify::gateway {

namespace {

constexpr int64_t default_limit = 20;
constexpr int64_t max_limit = 100;

} // namespace

std::string required_idempotency_key(const httplib::Request& req) {
  if (!req.has_header("Idempotency-Key"))
    throw http_error(400, "idempotency_key_required",
                     "an Idempotency-Key header is required");
  return optional_idempotency_key(req);
}

std::string optional_idempotency_key(const httplib::Request& req) {
  if (!req.has_header("Idempotency-Key"))
    return {};
  auto key = req.get_header_value("Idempotency-Key");
  if (!valid_idempotency_key(key))
    throw http_error(400, "invalid_idempotency_key",
                     "the Idempotency-Key must be 1-200 printable characters");
  return key;
}

int64_t list_limit(const httplib::Request& req, int below_one_status) {
  if (!req.has_param("limit"))
    return default_limit;
  const auto& text = req.get_param_value("limit");
  if (text.empty() || text.size() > 9
      || text.find_first_not_of("0123456789") != std::string::npos)
    throw http_error(400, "invalid_limit",
                     "limit must be a whole number from 1 to 100");
  auto limit = std::stoll(text);
  if (limit < 1)
    throw http_error(below_one_status, "invalid_limit",
                     "limit must be a whole number from 1 to 100");
  return std::min<int64_t>(limit, max_limit);
}

} // namespace streamify::gateway
