#include "tests/integration/shared_node.hpp"

#include <atomic>
#include <stdexcept>

#include <unistd.h>

namespace streamify::test {

test_databases& shared_databases() {
  static test_databases dbs;
  return dbs;
}

test_node& shared_node() {
  static test_node node{shared_databases()};
  return node;
}

std::string unique_email(const std::string& tag) {
  static std::atomic<int> n{0};
  return tag + std::to_string(::getpid()) + "-" + std::to_string(++n)
         + "@example.com";
}

nlohmann::json sign_up(test_node& node, const std::string& role,
                       const std::string& password) {
  auto r = node.post("/api/auth/register",
                     {{"email", unique_email(role)},
                      {"password", password},
                      {"display_name", "Test " + role},
                      {"role", role}});
  if (r.status != 201)
    throw std::runtime_error("sign-up failed with " + std::to_string(r.status)
                             + ": " + r.raw);
  return r.body;
}

} // namespace streamify::test
