#include <caf/actor_registry.hpp>
#include <caf/actor_system.hpp>
#include <caf/send.hpp>

#include "actors/analytics/messages.hpp"

namespace streamify::analytics {

void track(caf::actor_system& sys, activity_event event) {
  if (auto relay = sys.registry().get<caf::actor>(registry_name))
    caf::anon_send(relay, activity_atom::value, std::move(event));
}

} // namespace streamify::analytics
