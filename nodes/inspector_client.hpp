#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/common/inspector_messages.hpp"

namespace streamify::node {

// A failure actor-inspector reports on stderr before exiting with `code`.
struct client_error : std::runtime_error {
  client_error(const std::string& what, int exit_code)
    : std::runtime_error(what), code(exit_code) {}
  int code;
};

// One node of the cluster as actor-inspector found it.
struct cluster_node {
  std::string name;
  std::string admin_endpoint;
  std::string cluster_endpoint;
  std::vector<std::string> roles;
  bool reachable = false;
  int64_t uptime_ms = 0;
  std::string build;
  admin::inspector_actor handle;

  bool hosts(const std::string& role) const;
};

// actor-inspector's side of the admin endpoints: connects, asks with a
// timeout and turns every failure into a client_error naming the node.
class inspector_client {
public:
  inspector_client(caf::actor_system& sys, std::string secret,
                   caf::timespan timeout);

  // The node at host:port and every node reachable from it through the
  // peers each one reports. Throws when the first node cannot be asked.
  std::vector<cluster_node> discover(const std::string& host, uint16_t port);

  template <class Result, class... Ts>
  Result ask(const cluster_node& node, Ts&&... xs) {
    caf::scoped_actor self{sys_};
    Result out;
    caf::error failure;
    self->request(node.handle, timeout_, std::forward<Ts>(xs)...)
      .receive([&](Result& r) { out = std::move(r); },
               [&](caf::error& err) { failure = std::move(err); });
    if (failure)
      throw client_error(node.name + ": " + describe(failure), 2);
    return out;
  }

  const std::string& secret() const { return secret_; }

private:
  admin::inspector_actor connect(const std::string& endpoint);
  std::string describe(const caf::error& err) const;

  caf::actor_system& sys_;
  std::string secret_;
  caf::timespan timeout_;
};

} // namespace streamify::node
