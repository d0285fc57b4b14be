#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "nodes/inspector_client.hpp"

namespace streamify::node {

// actor-inspector's command line.
struct inspector_options {
  std::string host = "127.0.0.1";
  uint16_t port = 7190;
  std::string secret;
  bool json = false;
  int timeout_s = 10;
  std::string command;
  std::vector<std::string> args;            // positional after the command
  std::map<std::string, std::string> flags; // node, by, limit, user, video, yes
};

// Runs one command against the discovered nodes and prints its answer;
// returns the exit code (0 fine, 1 money is off or a node was skipped) or
// throws client_error.
int run_command(inspector_client& client, const inspector_options& o,
                const std::vector<cluster_node>& nodes);

} // namespace streamify::node
