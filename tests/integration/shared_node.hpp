#pragma once

#include <memory>
#include <string>

#include "tests/support/test_node.hpp"

namespace streamify::test {

// One node (and its databases) shared by the tests of a binary that need no
// special options; started on first use.
test_databases& shared_databases();
test_node& shared_node();

// Registers a fresh account and returns {token, user}.
nlohmann::json sign_up(test_node& node, const std::string& role = "viewer",
                       const std::string& password = "correct horse");

std::string unique_email(const std::string& tag = "user");

} // namespace streamify::test
