#include "actors/auth/validation.hpp"

#include <algorithm>

namespace streamify::auth {

namespace {

bool has_control(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

} // namespace

size_t utf8_length(const std::string& s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string check_email(const std::string& email) {
  if (email.size() < 3 || email.size() > 254)
    return "email must be 3 to 254 characters";
  if (has_control(email) || email.find(' ') != std::string::npos)
    return "email must not contain spaces or control characters";
  auto at = email.find('@');
  if (at == std::string::npos || at == 0 || email.find('@', at + 1) != email.npos)
    return "email must have one @ with a name before it";
  auto domain = email.substr(at + 1);
  auto dot = domain.find('.');
  if (domain.empty() || dot == 0 || dot == std::string::npos
      || domain.back() == '.')
    return "email must end in a domain such as example.com";
  return {};
}

std::string check_password(const std::string& password) {
  auto len = utf8_length(password);
  if (len < 8 || password.size() > 1024)
    return "password must be 8 to 1024 characters";
  if (password.find('\0') != std::string::npos)
    return "password must not contain NUL characters";
  return {};
}

std::string check_display_name(const std::string& name) {
  auto len = utf8_length(name);
  if (len < 1 || len > 100)
    return "display_name must be 1 to 100 characters";
  if (has_control(name))
    return "display_name must not contain control characters";
  if (name.find_first_not_of(' ') == std::string::npos)
    return "display_name must not be blank";
  return {};
}

std::string check_signup_role(const std::string& role) {
  if (role != "viewer" && role != "creator")
    return "role must be \"viewer\" or \"creator\"";
  return {};
}

} // namespace streamify::auth
