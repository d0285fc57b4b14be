#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/expected.hpp>

#include "actors/billing/messages.hpp"
#include "actors/streaming/messages.hpp"

namespace streamify::sim {

// Where the answers to the players' requests go, by player (or deposit)
// number.
struct client_events {
  std::function<void(uint64_t, caf::expected<streaming::session_view>)> started;
  std::function<void(uint64_t, caf::expected<streaming::session_view>)> beaten;
  std::function<void(uint64_t, caf::expected<billing::deposit_result>)>
    deposited;
};

// The players' side: asks the streaming role to start, beat and end
// sessions, and `deposits` (the faulty link) for deposits, with a timeout
// per request, and reports each answer.
caf::behavior sim_client(caf::event_based_actor* self,
                         streaming::streaming_actor role, caf::actor deposits,
                         std::shared_ptr<client_events> events);

} // namespace streamify::sim
