#pragma once

#include <memory>
#include <mutex>

#include <caf/actor_addr.hpp>
#include <caf/fwd.hpp>

#include "actors/streaming/messages.hpp"
#include "gateway/entitlement_cache.hpp"

namespace streamify::gateway {

// Writes the streaming role's pushed session states into the cache the HTTP
// threads read.
streaming::entitlement_listener::behavior_type
entitlement_receiver(streaming::entitlement_listener::pointer self,
                     std::shared_ptr<entitlement_cache> cache);

// The gateway's receiver and its subscription to the streaming role, renewed
// whenever the directory hands out another role handle (a role that moved or
// came back). The receiver stops with this object.
class entitlement_subscription {
public:
  entitlement_subscription(caf::actor_system& sys,
                           std::shared_ptr<entitlement_cache> cache);
  ~entitlement_subscription();
  entitlement_subscription(const entitlement_subscription&) = delete;
  entitlement_subscription& operator=(const entitlement_subscription&) = delete;

  void subscribe_to(const streaming::streaming_actor& role);

private:
  streaming::entitlement_listener receiver_;
  std::mutex mtx_;
  caf::actor_addr subscribed_;
};

} // namespace streamify::gateway
