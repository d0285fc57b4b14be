#include "actors/analytics/activity_relay.hpp"

#include <algorithm>
#include <iterator>

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

namespace streamify::analytics {

namespace {

using self_ptr = activity_relay_actor::stateful_pointer<activity_relay_state>;

void schedule_flush(self_ptr self, caf::timespan after) {
  auto& st = self->state;
  if (st.flush_due)
    return;
  st.flush_due = true;
  self->delayed_send(self, after, flush_atom::value);
}

void keep(self_ptr self, activity_event event) {
  auto& st = self->state;
  if (event.kind == "position") {
    if (st.positions.size() >= st.settings.position_buffer) {
      if (st.pending.positions_dropped % 10'000 == 0)
        spdlog::warn("activity relay: position buffer full ({} samples), "
                     "dropping the oldest",
                     st.settings.position_buffer);
      ++st.pending.positions_dropped;
      if (st.positions.empty())
        return;
      st.positions.pop_front();
    }
    st.positions.push_back(std::move(event));
    return;
  }
  if (st.events.size() >= st.settings.event_buffer) {
    if (st.pending.events_dropped++ % 1'000 == 0)
      spdlog::error("activity relay: {} events wait for analytics, the limit;"
                    " LOST a {} event of {} ({} lost so far)",
                    st.events.size(), event.kind, event.id,
                    st.pending.events_dropped);
    return;
  }
  st.events.push_back(std::move(event));
}

// Moves up to batch_max waiting events into the empty `pending`, the
// never-dropped kinds first.
void fill_pending(self_ptr self) {
  auto& st = self->state;
  auto& out = st.pending.events;
  auto take = [&](std::deque<activity_event>& from) {
    auto n = std::min(from.size(), st.settings.batch_max - out.size());
    std::move(from.begin(), from.begin() + n, std::back_inserter(out));
    from.erase(from.begin(), from.begin() + n);
  };
  take(st.events);
  take(st.positions);
}

void send_pending(self_ptr self);

void flush(self_ptr self) {
  auto& st = self->state;
  st.flush_due = false;
  if (st.sending)
    return;
  if (st.pending.events.empty())
    fill_pending(self);
  if (!st.pending.events.empty())
    send_pending(self);
}

void acknowledged(self_ptr self) {
  auto& st = self->state;
  st.sending = false;
  st.pending.events.clear();
  if (st.failures > 0)
    spdlog::info("activity relay: analytics reachable again after {} failed "
                 "tries",
                 st.failures);
  st.failures = 0;
  st.backoff = st.settings.backoff_min;
  flush(self);
}

void failed(self_ptr self, const caf::error& err) {
  auto& st = self->state;
  st.sending = false;
  if (st.failures++ == 0)
    spdlog::warn("activity relay: analytics did not take {} events ({}); "
                 "keeping them and retrying",
                 st.pending.events.size(), self->system().render(err));
  schedule_flush(self, st.backoff);
  st.backoff = std::min(st.backoff * 2, st.settings.backoff_max);
}

void send_pending(self_ptr self) {
  auto& st = self->state;
  st.sending = true;
  self
    ->request(st.analytics, st.settings.request_timeout, relayed_atom::value,
              st.pending)
    .then([self](bool) { acknowledged(self); },
          [self](caf::error& err) { failed(self, err); });
}

} // namespace

activity_relay_actor::behavior_type
activity_relay(self_ptr self, activity_relay_settings settings,
               caf::actor analytics, std::string relay_id) {
  auto& st = self->state;
  st.settings = settings;
  st.settings.batch_max = std::max<size_t>(1, settings.batch_max);
  st.analytics = std::move(analytics);
  st.pending.relay_id = std::move(relay_id);
  st.backoff = settings.backoff_min;
  return {
    [self](activity_atom, activity_event& event) {
      keep(self, std::move(event));
      if (!self->state.sending)
        schedule_flush(self, self->state.settings.linger);
    },
    [self](flush_atom) { flush(self); },
  };
}

} // namespace streamify::analytics
