#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

// Runs the actor-inspector program as an operator would.
namespace streamify::test {

struct inspector_run {
  int rc = -1;
  std::string out;
  std::string err;
  nlohmann::json json() const; // `out` parsed (null when it is no JSON)
};

// actor-inspector --port admin_port --secret secret ARGS...
inspector_run run_inspector(int admin_port, const std::string& secret,
                            const std::vector<std::string>& args);

// The line of a table that mentions `needle` (empty when none does).
std::string line_with(const std::string& table, const std::string& needle);

} // namespace streamify::test
