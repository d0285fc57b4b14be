#include "tests/integration/security_corpus.hpp"

#include <nlohmann/json.hpp>

#include "tests/integration/session_support.hpp"

namespace streamify::test {

using nlohmann::json;

namespace {

enum class kind { string, integer, number, boolean };

struct field {
  const char* name;
  kind type;
  bool required;
  // Statuses for a hostile or overlong string in this field (empty: the
  // field accepts any text, so such values are not refused and not sent).
  std::set<int> refuses_text;
};

struct json_endpoint {
  const char* method;
  std::string path;
  std::string token;
  json valid; // a body the endpoint refuses only for the mutated field
  std::vector<field> fields;
  bool idempotency_key = false;
};

std::string bearer(const std::string& token) {
  return "Bearer " + token;
}

bad_request make(const json_endpoint& e, std::string what, std::string body,
                 std::set<int> allowed) {
  bad_request r{e.method + std::string{" "} + e.path + ": " + what, e.method,
                e.path, std::move(body)};
  if (!e.token.empty())
    r.headers.emplace("Authorization", bearer(e.token));
  if (e.idempotency_key)
    r.headers.emplace("Idempotency-Key", key());
  r.allowed = std::move(allowed);
  return r;
}

// Whole-body damage: not JSON, not an object, truncated, nested too deep.
void add_malformed(std::vector<bad_request>& out, const json_endpoint& e) {
  auto valid = e.valid.dump();
  std::vector<std::string> bodies{
    "", "{", "{\"a\":", "not json", "null", "[]", "\"text\"", "42",
    "{\"a\":1}}", "{\"a\":1,}", "\xef\xbb\xbf[]", "{\"a\":\"\xff\xfe\"}",
    std::string("{\"a\0\":1}", 9), valid.substr(0, valid.size() / 2),
    std::string(20000, '[') + std::string(20000, ']')};
  for (const auto& b : bodies)
    out.push_back(make(e, "malformed body " + printable(b), b, {400}));
}

void add_field_cases(std::vector<bad_request>& out, const json_endpoint& e,
                     const field& f) {
  auto with = [&](json value) {
    auto b = e.valid;
    b[f.name] = std::move(value);
    return b.dump(-1, ' ', false, json::error_handler_t::replace);
  };
  std::string name = f.name;
  // Each base body is refused for some value too: which check speaks first
  // is the endpoint's choice.
  const std::set<int> type_error{400, 422, 401, 403, 404};
  if (f.required) {
    auto b = e.valid;
    b.erase(f.name);
    out.push_back(make(e, "missing " + name, b.dump(), type_error));
    out.push_back(make(e, name + " null", with(nullptr), type_error));
  }
  std::vector<json> wrong_types{json::array({1}), json::object({{"x", 1}})};
  if (f.type != kind::string)
    wrong_types.push_back("12");
  if (f.type != kind::boolean)
    wrong_types.push_back(true);
  if (f.type == kind::string || f.type == kind::boolean)
    wrong_types.push_back(12);
  if (f.type == kind::integer)
    wrong_types.push_back(1.5);
  for (const auto& v : wrong_types)
    out.push_back(make(e, name + " of the wrong type " + v.dump(), with(v),
                       type_error));
  if (f.type == kind::string) {
    // Raw invalid UTF-8 inside the string: not JSON at all.
    auto b = with("@@@");
    b.replace(b.find("@@@"), 3, "\xc3\x28\xff");
    out.push_back(make(e, name + " with invalid UTF-8", b, {400}));
    out.push_back(make(e, name + " with a NUL byte",
                       with(std::string("a\0b", 3)), {422}));
    if (!f.refuses_text.empty()) {
      out.push_back(make(e, name + " overlong", with(std::string(70000, 'x')),
                         f.refuses_text));
      for (const auto& h : hostile_strings())
        out.push_back(make(e, name + " = " + json(h.substr(0, 30)).dump(),
                           with(h), f.refuses_text));
    }
  }
  if (f.type == kind::integer || f.type == kind::number) {
    // Positive values may be valid (a position); integers beyond their
    // range, beyond 2^53 or beyond int64 never are.
    std::vector<const char*> numbers{"-1", "-9223372036854775808", "-1e308"};
    if (f.type == kind::integer)
      numbers.insert(numbers.end(), {"9223372036854775808", "9007199254740993",
                                     "18446744073709551616", "1e308"});
    for (auto text : numbers) {
      auto b = with("@@@");
      b.replace(b.find("\"@@@\""), 5, text);
      out.push_back(make(e, name + " = " + text, b, {400, 422}));
    }
  }
}

std::vector<json_endpoint> json_endpoints(const security_cast& c,
                                          const std::string& session) {
  const std::set<int> invalid{422};
  return {
    {"POST", "/api/auth/register", "",
     {{"email", "corpus@example.com"}, {"password", "short"},
      {"display_name", "Corpus"}, {"role", "viewer"}},
     {{"email", kind::string, true, invalid},
      {"password", kind::string, true, {}},
      {"display_name", kind::string, true, {}},
      {"role", kind::string, true, invalid}}},
    {"POST", "/api/auth/login", "",
     {{"email", c.stranger.email}, {"password", "not the password"}},
     {{"email", kind::string, true, {401, 429}},
      {"password", kind::string, true, {401, 429}}}},
    {"PATCH", "/api/auth/me", c.stranger.token,
     {{"current_password", "not the password"}, {"new_password", "new password 1"}},
     {{"current_password", kind::string, false, {403}},
      {"new_password", kind::string, false, {}},
      {"display_name", kind::string, false, {}}}},
    {"PATCH", "/api/videos/" + c.video, c.creator.token,
     {{"price_per_minute_cents", -5}},
     {{"title", kind::string, false, {}},
      {"category", kind::string, false, invalid},
      {"price_per_minute_cents", kind::integer, false, {}}}},
    {"POST", "/api/wallet/deposits", c.stranger.token, {{"amount_cents", 0}},
     {{"amount_cents", kind::integer, true, {}}}, true},
    {"POST", "/api/sessions", c.stranger.token, {{"video_id", "nope"}},
     {{"video_id", kind::string, true, {404, 422}}}},
    {"POST", "/api/sessions/" + session + "/heartbeat", c.stranger.token,
     {{"position_s", -1}, {"playing", true}},
     {{"position_s", kind::number, true, {}},
      {"playing", kind::boolean, true, {}},
      {"seq", kind::integer, false, {}}}},
    {"POST", "/api/admin/sessions/nope/refund", c.admin.token,
     {{"reason", "corpus"}},
     {{"reason", kind::string, true, {404, 422}}}, true},
  };
}

} // namespace

const std::vector<std::string>& hostile_strings() {
  static const std::vector<std::string> strings{
    "' OR '1'='1", "'; DROP TABLE users; --", "\" OR \"\"=\"",
    "1); SELECT pg_sleep(10); --", "../../../../etc/passwd",
    "..\\..\\..\\windows\\win.ini", "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "<script>alert(1)</script>", "{{7*7}}${7*7}", "\u202e\u200b",
    "admin\r\nSet-Cookie: x=1"};
  return strings;
}

std::string url_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += hex[ch >> 4];
      out += hex[ch & 15];
    }
  }
  return out;
}

std::vector<bad_request> json_corpus(const security_cast& c,
                                     const std::string& session) {
  std::vector<bad_request> out;
  for (const auto& e : json_endpoints(c, session)) {
    add_malformed(out, e);
    for (const auto& f : e.fields)
      add_field_cases(out, e, f);
  }
  return out;
}

std::string printable(const std::string& s) {
  return json(s.substr(0, 24)).dump(-1, ' ', true, json::error_handler_t::replace);
}

bad_request plain(std::string what, std::string method, std::string path,
                  const std::string& token, std::set<int> allowed,
                  std::string body) {
  bad_request r{std::move(what), std::move(method), std::move(path),
                std::move(body)};
  if (!token.empty())
    r.headers.emplace("Authorization", bearer(token));
  r.allowed = std::move(allowed);
  return r;
}

std::vector<bad_request> bad_input_corpus(const security_cast& c,
                                          const std::string& session) {
  auto out = json_corpus(c, session);
  auto more = request_corpus(c, session);
  out.insert(out.end(), more.begin(), more.end());
  return out;
}

} // namespace streamify::test
