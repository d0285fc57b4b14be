#define CAF_SUITE auth_api

#include <caf/test/unit_test.hpp>

#include "actors/auth/jwt.hpp"
#include "tests/integration/shared_node.hpp"

using namespace streamify::test;
using nlohmann::json;

namespace {

int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

json without_request_id(json body) {
  body.erase("request_id");
  return body;
}

int64_t metric(test_node& node, const std::string& name) {
  auto text = node.get("/metrics").raw;
  auto pos = text.find("\n" + name + " ");
  if (pos == std::string::npos)
    return -1;
  return std::stoll(text.substr(pos + name.size() + 2));
}

} // namespace

CAF_TEST(register answers 201 with a token and the user) {
  auto& node = shared_node();
  auto email = unique_email("Reg");
  auto r = node.post("/api/auth/register", {{"email", email},
                                            {"password", "correct horse"},
                                            {"display_name", "Ann"},
                                            {"role", "creator"}});
  CAF_REQUIRE_EQUAL(r.status, 201);
  CAF_CHECK(r.body["token"].is_string());
  CAF_CHECK_EQUAL(r.body["user"]["email"], email);
  CAF_CHECK_EQUAL(r.body["user"]["role"], "creator");
  CAF_CHECK_EQUAL(r.body["user"]["display_name"], "Ann");
  CAF_CHECK_EQUAL(r.body["user"]["id"].get<std::string>().size(), 32u);
  CAF_CHECK(r.body["user"]["created_at"].is_string());
  CAF_CHECK(!r.body["user"].contains("password_hash"));
  CAF_CHECK(!r.header("X-Request-Id").empty());
}

CAF_TEST(a taken email is 409 whatever its letter case) {
  auto& node = shared_node();
  auto email = unique_email("dup");
  json body{{"email", email}, {"password", "correct horse"},
            {"display_name", "Ann"}, {"role", "viewer"}};
  CAF_REQUIRE_EQUAL(node.post("/api/auth/register", body).status, 201);
  CAF_CHECK_EQUAL(node.post("/api/auth/register", body).status, 409);
  std::string upper = email;
  for (auto& c : upper)
    c = static_cast<char>(std::toupper(c));
  body["email"] = upper;
  auto r = node.post("/api/auth/register", body);
  CAF_CHECK_EQUAL(r.status, 409);
  CAF_CHECK_EQUAL(r.body["error"], "email_taken");
  CAF_CHECK_EQUAL(shared_databases().query(
                    "auth", "SELECT count(*) FROM users WHERE email_lower = '"
                              + email + "'"),
                  "1");
}

CAF_TEST(invalid sign-up values are 422 and missing or mistyped fields 400) {
  auto& node = shared_node();
  json good{{"email", unique_email()}, {"password", "correct horse"},
            {"display_name", "Ann"}, {"role", "viewer"}};
  for (auto [field, value] : std::vector<std::pair<std::string, json>>{
         {"email", "not-an-email"}, {"password", "short"},
         {"display_name", ""}, {"role", "admin"},
         {"display_name", std::string("a\0b", 3)}}) {
    auto body = good;
    body[field] = value;
    auto r = node.post("/api/auth/register", body);
    CAF_CHECK_EQUAL(r.status, 422);
    CAF_CHECK(r.body["error"].is_string());
  }
  auto missing = good;
  missing.erase("password");
  CAF_CHECK_EQUAL(node.post("/api/auth/register", missing).status, 400);
  auto wrong_type = good;
  wrong_type["email"] = 42;
  CAF_CHECK_EQUAL(node.post("/api/auth/register", wrong_type).status, 400);
}

CAF_TEST(login works case-insensitively and failures look alike) {
  auto& node = shared_node();
  auto email = unique_email("Login");
  CAF_REQUIRE_EQUAL(node.post("/api/auth/register",
                              {{"email", email},
                               {"password", "correct horse"},
                               {"display_name", "Ann"},
                               {"role", "viewer"}})
                      .status,
                    201);
  std::string lower = email;
  for (auto& c : lower)
    c = static_cast<char>(std::tolower(c));
  auto ok = node.post("/api/auth/login",
                      {{"email", lower}, {"password", "correct horse"}});
  CAF_REQUIRE_EQUAL(ok.status, 200);
  CAF_CHECK(ok.body["token"].is_string());
  auto before = metric(node, "streamify_auth_password_verifications_total");
  auto wrong = node.post("/api/auth/login",
                         {{"email", email}, {"password", "wrong password"}});
  auto unknown = node.post("/api/auth/login", {{"email", unique_email("nobody")},
                                               {"password", "wrong password"}});
  CAF_CHECK_EQUAL(wrong.status, 401);
  CAF_CHECK_EQUAL(unknown.status, 401);
  CAF_CHECK_EQUAL(without_request_id(wrong.body),
                  without_request_id(unknown.body));
  // The unknown email ran the same password hashing work as the wrong one.
  CAF_CHECK_EQUAL(metric(node, "streamify_auth_password_verifications_total"),
                  before + 2);
}

CAF_TEST(me needs a valid unexpired untampered token) {
  auto& node = shared_node();
  auto account = sign_up(node);
  auto token = account["token"].get<std::string>();
  auto me = node.get("/api/auth/me", token);
  CAF_REQUIRE_EQUAL(me.status, 200);
  CAF_CHECK_EQUAL(me.body, account["user"]);
  CAF_CHECK_EQUAL(node.get("/api/auth/me").status, 401);
  auto id = account["user"]["id"].get<std::string>();
  using streamify::auth::sign_token;
  auto expired = sign_token({id, "viewer", now_s() - 10},
                            test_node::jwt_secret, now_s() - 100);
  auto r = node.get("/api/auth/me", expired);
  CAF_CHECK_EQUAL(r.status, 401);
  CAF_CHECK(r.body["error"].is_string());
  CAF_CHECK_EQUAL(node.get("/api/auth/me", sign_token({id, "admin", now_s() + 60},
                                                      "another secret", now_s()))
                    .status,
                  401);
  auto tampered = token;
  tampered[tampered.size() - 3] = tampered[tampered.size() - 3] == 'A' ? 'B' : 'A';
  CAF_CHECK_EQUAL(node.get("/api/auth/me", tampered).status, 401);
}

CAF_TEST(profile and password updates) {
  auto& node = shared_node();
  auto account = sign_up(node);
  auto token = account["token"].get<std::string>();
  auto email = account["user"]["email"].get<std::string>();
  auto renamed = node.patch("/api/auth/me", {{"display_name", "Renamed"}}, token);
  CAF_REQUIRE_EQUAL(renamed.status, 200);
  CAF_CHECK_EQUAL(renamed.body["display_name"], "Renamed");
  auto me = node.get("/api/auth/me", token);
  CAF_CHECK_EQUAL(me.body["display_name"], "Renamed");
  auto wrong = node.patch("/api/auth/me", {{"current_password", "not the one"},
                                           {"new_password", "brand new pw"}},
                          token);
  CAF_CHECK_EQUAL(wrong.status, 403);
  CAF_CHECK_EQUAL(node.post("/api/auth/login",
                            {{"email", email}, {"password", "brand new pw"}})
                    .status,
                  401);
  auto ok = node.patch("/api/auth/me", {{"current_password", "correct horse"},
                                        {"new_password", "brand new pw"}},
                       token);
  CAF_CHECK_EQUAL(ok.status, 200);
  CAF_CHECK_EQUAL(node.post("/api/auth/login",
                            {{"email", email}, {"password", "brand new pw"}})
                    .status,
                  200);
  CAF_CHECK_EQUAL(node.patch("/api/auth/me", {{"display_name", 7}}, token).status,
                  400);
  CAF_CHECK_EQUAL(node.patch("/api/auth/me", {{"display_name", ""}}, token).status,
                  422);
}
