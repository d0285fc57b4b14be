#include "tests/integration/security_support.hpp"

#include <unistd.h>

#include <filesystem>
#include <pqxx/pqxx>
#include <stdexcept>

#include <sodium.h>

#include "actors/auth/jwt.hpp"
#include "tests/integration/billing_support.hpp"
#include "tests/integration/session_support.hpp"

namespace streamify::test {

using nlohmann::json;

namespace {

int64_t now_s() {
  return static_cast<int64_t>(::time(nullptr));
}

account join(test_node& node, const std::string& role,
             int64_t deposit_cents) {
  account a;
  a.email = unique_email("security-" + role);
  a.password = "security password " + role;
  auto r = node.post("/api/auth/register", {{"email", a.email},
                                            {"password", a.password},
                                            {"display_name", "Sec " + role},
                                            {"role", role}});
  if (r.status != 201)
    throw std::runtime_error("sign-up failed: " + r.raw);
  a.id = r.body["user"]["id"];
  a.token = r.body["token"];
  deposit(node, a.token, deposit_cents);
  return a;
}

std::string make_data_dir() {
  auto dir = std::filesystem::temp_directory_path().string()
             + "/streamify-security-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  return dir;
}

} // namespace

security_cast::~security_cast() {
  std::error_code ignored;
  if (!data_dir.empty())
    std::filesystem::remove_all(data_dir, ignored);
}

security_cast& cast() {
  static security_cast c;
  if (c.node)
    return c;
  c.data_dir = make_data_dir();
  static test_node node{c.dbs,
                        {"--storage.data-dir=" + c.data_dir,
                         "--http.rate-limit=0", "--http.header-timeout=2",
                         "--streaming.idle-timeout=3600"}};
  c.node = &node;
  // Distinctive balances: a refused answer that names one has leaked it.
  c.viewer = join(node, "viewer", 76'543);
  c.stranger = join(node, "viewer", 12'347);
  c.creator = join(node, "creator", 54'321);
  c.other_creator = join(node, "creator", 98'761);
  auto admin = make_admin(node, c.dbs);
  c.admin.id = admin["user"]["id"];
  c.admin.email = admin["user"]["email"];
  c.admin.token = admin["token"];
  c.admin.password = "admin password"; // make_admin's
  deposit(node, c.admin.token, 5'000);
  c.video = upload(node, c.creator.token, 25);
  c.victim = upload(node, c.creator.token, 25);
  auto s = node.post("/api/sessions", {{"video_id", c.video}}, c.viewer.token,
                     {{"Idempotency-Key", key()}});
  if (s.status != 201)
    throw std::runtime_error("session start failed: " + s.raw);
  c.session = s.body["id"];
  for (auto* a : {&c.viewer, &c.stranger, &c.creator, &c.other_creator, &c.admin})
    a->balance_cents = balance(node, a->token);
  auto url = s.body["stream_url"].get<std::string>();
  c.stream_st = url.substr(url.find("st=") + 3);
  return c;
}

std::string forge_token(const std::string& sub, const std::string& role,
                        int64_t exp, const std::string& secret) {
  return auth::sign_token({sub, role, exp}, secret, now_s() - 7200);
}

std::string edit_role(const std::string& token, const std::string& role) {
  auto dot1 = token.find('.');
  auto dot2 = token.rfind('.');
  std::string payload(token.size(), '\0');
  size_t len = 0;
  sodium_base642bin(reinterpret_cast<unsigned char*>(payload.data()),
                    payload.size(), token.data() + dot1 + 1, dot2 - dot1 - 1,
                    nullptr, &len, nullptr,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  payload.resize(len);
  auto claims = json::parse(payload);
  claims["role"] = role;
  return token.substr(0, dot1 + 1) + auth::b64url(claims.dump())
         + token.substr(dot2);
}

std::string unsigned_token(const std::string& sub, const std::string& role) {
  json claims{{"sub", sub}, {"role", role}, {"iat", now_s()},
              {"exp", now_s() + 3600}};
  return auth::b64url(R"({"alg":"none","typ":"JWT"})") + "."
         + auth::b64url(claims.dump())
         + ".";
}

std::map<std::string, std::string> database_snapshot(const security_cast& c) {
  std::map<std::string, std::string> out;
  for (auto domain : {"auth", "video", "streaming", "billing", "analytics"}) {
    pqxx::connection conn{c.dbs.url(domain)};
    pqxx::nontransaction tx{conn};
    auto tables = tx.exec(
      "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) "
      "FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', "
      "'information_schema') ORDER BY 1");
    for (const auto& t : tables) {
      auto name = t[0].as<std::string>();
      auto row = tx.exec1("SELECT count(*)::text || ' ' || coalesce(md5("
                          "string_agg(t::text, ',' ORDER BY t::text)), '') "
                          "FROM " + name + " t");
      out[std::string{domain} + ":" + name] = row[0].as<std::string>();
    }
  }
  return out;
}

std::vector<std::string> secrets_in_log(const security_cast& c) {
  std::vector<std::string> secrets{test_node::jwt_secret, c.stream_st};
  for (const auto* a : {&c.viewer, &c.stranger, &c.creator, &c.other_creator,
                        &c.admin}) {
    if (!a->password.empty())
      secrets.push_back(a->password);
    secrets.push_back(a->token);
    // The signature alone is what would make a leaked token usable.
    secrets.push_back(a->token.substr(a->token.rfind('.') + 1));
  }
  auto log = c.node->log();
  std::vector<std::string> found;
  for (const auto& s : secrets)
    if (log.find(s) != std::string::npos)
      found.push_back(s);
  return found;
}

bool is_random_id(const std::string& s) {
  return s.size() == 32
         && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::string error_shape_problem(const http_reply& r) {
  if (!r.body.is_object())
    return "the body is not a JSON object: " + r.raw.substr(0, 200);
  for (auto field : {"error", "message", "request_id"})
    if (!r.body.contains(field) || !r.body[field].is_string())
      return std::string{"no string field "} + field + ": " + r.raw;
  if (r.body["request_id"] != r.header("X-Request-Id"))
    return "request_id differs from X-Request-Id: " + r.raw;
  return {};
}

} // namespace streamify::test
