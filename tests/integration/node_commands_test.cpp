#define CAF_SUITE node_commands

#include <caf/test/unit_test.hpp>

#include <pqxx/pqxx>

#include "tests/integration/shared_node.hpp"

using namespace streamify::test;

CAF_TEST(create-admin makes an admin who can log in) {
  auto& node = shared_node();
  auto email = unique_email("Admin");
  auto made = run_node_command({"--create-admin=" + email,
                                "--auth.database-url="
                                  + shared_databases().url("auth"),
                                "--auth.pwhash-ops=1", "--auth.pwhash-mem=8"},
                               {{"STREAMIFY_ADMIN_PASSWORD", "admin password"}});
  CAF_REQUIRE_EQUAL(made.rc, 0);
  auto login = node.post("/api/auth/login",
                         {{"email", email}, {"password", "admin password"}});
  CAF_REQUIRE_EQUAL(login.status, 200);
  CAF_CHECK_EQUAL(login.body["user"]["role"], "admin");
  // Public sign-up never yields an admin.
  auto r = node.post("/api/auth/register", {{"email", unique_email()},
                                            {"password", "correct horse"},
                                            {"display_name", "Mallory"},
                                            {"role", "admin"}});
  CAF_CHECK_EQUAL(r.status, 422);
}

CAF_TEST(a node refuses a schema newer than it knows) {
  test_databases dbs;
  {
    test_node first{dbs};
  }
  pqxx::connection conn{dbs.url("auth")};
  pqxx::nontransaction{conn}.exec(
    "INSERT INTO schema_migrations (version, name) VALUES (999, 'future')");
  auto args = dbs.node_args();
  args.push_back("--dev");
  args.push_back("--http.port=" + std::to_string(free_port()));
  auto refused = run_node_command(args);
  CAF_CHECK_NOT_EQUAL(refused.rc, 0);
  CAF_CHECK(refused.output.find("newer than this build knows")
            != std::string::npos);
}

CAF_TEST(a node without a jwt secret refuses to start unless dev) {
  auto refused = run_node_command({"--http.port="
                                   + std::to_string(free_port())});
  CAF_CHECK_EQUAL(refused.rc, 2);
  CAF_CHECK(refused.output.find("jwt-secret is required") != std::string::npos);
}
