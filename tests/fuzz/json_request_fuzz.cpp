// A request body through the gateway's JSON field parsing and the auth
// validators: only the contract's 400/422 ever come out, accepted values obey
// the rules, and the validators take arbitrary bytes too.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "actors/auth/validation.hpp"
#include "gateway/http_error.hpp"
#include "gateway/json_body.hpp"
#include "tests/fuzz/fuzz_require.hpp"

namespace auth = streamify::auth;
namespace gw = streamify::gateway;

namespace {

bool has_control(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

void check_validators(const std::string& s) {
  if (auth::check_email(s).empty())
    FUZZ_REQUIRE(s.size() >= 3 && s.size() <= 254 && !has_control(s)
            && std::count(s.begin(), s.end(), '@') == 1 && s.front() != '@'
            && s.back() != '.');
  if (auth::check_password(s).empty())
    FUZZ_REQUIRE(s.size() <= 1024 && auth::utf8_length(s) >= 8
            && s.find('\0') == std::string::npos);
  if (auth::check_display_name(s).empty())
    FUZZ_REQUIRE(auth::utf8_length(s) >= 1 && auth::utf8_length(s) <= 100
            && !has_control(s));
  if (auth::check_signup_role(s).empty())
    FUZZ_REQUIRE(s == "viewer" || s == "creator");
}

void check_field(const nlohmann::json& obj, const char* name, bool required) {
  try {
    auto value = required ? gw::required_string(obj, name)
                          : gw::optional_string(obj, name).value_or("");
    FUZZ_REQUIRE(value.find('\0') == std::string::npos);
    check_validators(value);
  } catch (const gw::http_error& e) {
    FUZZ_REQUIRE(e.status == 400 || e.status == 422);
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string body(reinterpret_cast<const char*>(data), size);
  check_validators(body);
  nlohmann::json obj;
  try {
    obj = gw::parse_object(body);
  } catch (const gw::http_error& e) {
    FUZZ_REQUIRE(e.status == 400
            && (e.code == "malformed_json" || e.code == "wrong_type"));
    return 0;
  }
  FUZZ_REQUIRE(obj.is_object());
  FUZZ_REQUIRE(gw::parse_object(obj.dump()) == obj);
  for (auto name : {"email", "password", "display_name", "role"})
    check_field(obj, name, true);
  for (auto name : {"current_password", "new_password", "title"})
    check_field(obj, name, false);
  return 0;
}
