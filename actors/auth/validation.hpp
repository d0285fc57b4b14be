#pragma once

#include <string>

namespace streamify::auth {

// Each returns an empty string when the value is acceptable, else a sentence
// saying what is wrong.
std::string check_email(const std::string& email);
std::string check_password(const std::string& password);
std::string check_display_name(const std::string& name);
std::string check_signup_role(const std::string& role);

// Number of UTF-8 code points (the input is valid UTF-8: it came from JSON).
size_t utf8_length(const std::string& s);

} // namespace streamify::auth
