#include "gateway/json_body.hpp"

#include "gateway/http_error.hpp"

namespace streamify::gateway {

namespace {

std::string checked(const nlohmann::json& value, const char* name) {
  if (!value.is_string())
    throw http_error(400, "wrong_type",
                     std::string{name} + " must be a string");
  auto s = value.get<std::string>();
  if (s.find('\0') != std::string::npos)
    throw http_error(422, "invalid_field",
                     std::string{name} + " must not contain NUL characters");
  return s;
}

} // namespace

nlohmann::json parse_object(const std::string& body) {
  auto obj = nlohmann::json::parse(body, nullptr, false);
  if (obj.is_discarded())
    throw http_error(400, "malformed_json", "the body is not valid JSON");
  if (!obj.is_object())
    throw http_error(400, "wrong_type", "the body must be a JSON object");
  return obj;
}

std::string required_string(const nlohmann::json& obj, const char* name) {
  auto i = obj.find(name);
  if (i == obj.end())
    throw http_error(400, "missing_field", std::string{name} + " is required");
  return checked(*i, name);
}

std::optional<std::string> optional_string(const nlohmann::json& obj,
                                           const char* name) {
  auto i = obj.find(name);
  if (i == obj.end() || i->is_null())
    return std::nullopt;
  return checked(*i, name);
}

} // namespace streamify::gateway
