#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace streamify::gateway {

// Parses a request body that must be a JSON object (400 otherwise).
nlohmann::json parse_object(const std::string& body);

// Field access with the contract's statuses: missing or wrong type → 400;
// a string containing NUL → 422 (no store keeps NUL in text).
std::string required_string(const nlohmann::json& obj, const char* name);
std::optional<std::string> optional_string(const nlohmann::json& obj,
                                           const char* name);

} // namespace streamify::gateway
