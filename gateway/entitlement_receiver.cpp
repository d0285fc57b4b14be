#include "gateway/entitlement_receiver.hpp"

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>

namespace streamify::gateway {

using namespace streamify::streaming;

entitlement_listener::behavior_type
entitlement_receiver(entitlement_listener::pointer,
                     std::shared_ptr<entitlement_cache> cache) {
  return {
    [cache](session_changed_atom, const entitlement_update& u) {
      cache->observe(u.session_id, u.viewer_id, u.state, u.minutes_paid,
                     std::chrono::steady_clock::now());
    },
  };
}

entitlement_subscription::entitlement_subscription(
  caf::actor_system& sys, std::shared_ptr<entitlement_cache> cache)
  : receiver_(sys.spawn(entitlement_receiver, std::move(cache))) {
}

entitlement_subscription::~entitlement_subscription() {
  caf::anon_send_exit(receiver_, caf::exit_reason::user_shutdown);
}

void entitlement_subscription::subscribe_to(const streaming_actor& role) {
  if (!role)
    return;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (role.address() == subscribed_)
      return;
    subscribed_ = role.address();
  }
  caf::anon_send(role, subscribe_atom::value, receiver_);
}

} // namespace streamify::gateway
