#include "tests/sim/faulty_link.hpp"

#include <string>

#include <caf/event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/billing/messages.hpp"

namespace streamify::sim {

namespace {

using self_ptr = caf::stateful_actor<faulty_link_state>*;
using action = std::function<void()>;

void count(self_ptr self, const char* direction, const char* fault) {
  ++self->state.stats->faults[std::string{direction} + '_' + fault];
}

// Sends `send` now, never, twice, later or after the next message, and lets
// messages parked before this one go right after it.
void transmit(self_ptr self, const char* direction, action send) {
  auto& st = self->state;
  auto earlier = std::move(st.parked);
  st.parked.clear();
  const auto& f = *st.faults;
  if (f.healed) {
    send();
  } else if (st.rng.chance(f.drop)) {
    count(self, direction, "dropped");
  } else if (st.rng.chance(f.duplicate)) {
    count(self, direction, "duplicated");
    send();
    send();
  } else if (st.rng.chance(f.delay)) {
    count(self, direction, "delayed");
    auto id = st.next_hold++;
    st.held.emplace(id, std::move(send));
    self->delayed_send(self,
                       std::chrono::milliseconds(
                         st.rng.between(1, f.max_delay_ms)),
                       link_release_atom::value, id);
  } else if (st.rng.chance(f.reorder)) {
    count(self, direction, "reordered");
    st.parked.push_back(std::move(send));
    self->delayed_send(self, std::chrono::seconds(2),
                       link_unpark_atom::value);
  } else {
    send();
  }
  for (auto& a : earlier)
    a();
}

template <class T>
void answer(self_ptr self, caf::typed_response_promise<T> rp,
            caf::expected<T> x) {
  transmit(self, "reply", [rp, x]() mutable {
    auto copy = rp; // each copy delivers once: a duplicate reaches the asker
    if (x)
      copy.deliver(*x);
    else
      copy.deliver(x.error());
  });
}

template <class T, class Atom, class Request>
caf::result<T> relay(self_ptr self, Atom atom, Request req) {
  auto rp = self->make_response_promise<T>();
  transmit(self, "request", [self, rp, atom, req] {
    self->request(self->state.upstream, self->state.timeout, atom, req)
      .then([self, rp](T& x) { answer<T>(self, rp, std::move(x)); },
            [self, rp](caf::error& err) {
              answer<T>(self, rp, std::move(err));
            });
  });
  return rp;
}

} // namespace

caf::behavior faulty_link(self_ptr self, caf::actor upstream,
                          std::shared_ptr<link_faults> faults,
                          std::shared_ptr<sim_stats> stats, uint64_t seed) {
  auto& st = self->state;
  st.upstream = std::move(upstream);
  st.faults = std::move(faults);
  st.stats = std::move(stats);
  st.rng = sim_rng{seed};
  return {
    [self](billing::charge_atom atom, billing::charge_request& req) {
      return relay<billing::charge_result>(self, atom, std::move(req));
    },
    [self](billing::deposit_atom atom, billing::deposit_request& req) {
      return relay<billing::deposit_result>(self, atom, std::move(req));
    },
    [self](link_release_atom, uint64_t id) {
      auto& held = self->state.held;
      if (auto i = held.find(id); i != held.end()) {
        auto send = std::move(i->second);
        held.erase(i);
        send();
      }
    },
    [self](link_unpark_atom) {
      auto parked = std::move(self->state.parked);
      self->state.parked.clear();
      for (auto& a : parked)
        a();
    },
  };
}

} // namespace streamify::sim
