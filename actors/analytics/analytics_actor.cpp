#include "actors/analytics/analytics_actor.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>
#include <spdlog/spdlog.h>

#include "actors/billing/messages.hpp"
#include "actors/common/status_probe.hpp"

namespace streamify::analytics {

namespace {

using self_ptr = analytics_actor::stateful_pointer<analytics_state>;

persistence::money_event to_money(const billing::outbox_event& e) {
  return {e.transaction_id, e.kind,          e.user_id,       e.creator_id,
          e.session_id,     e.video_id,      e.minute_index,  e.amount_cents,
          e.creator_cents,  e.fee_cents,     e.created_at_ms};
}

// Ends a cycle: at once again when there is more to do, else after the
// poll interval.
void cycle_done(self_ptr self, bool more) {
  auto& st = self->state;
  st.busy = false;
  if (more)
    self->send(self, poll_atom::value);
  else
    self->delayed_send(self, st.settings.poll_interval, poll_atom::value);
}

void apply(self_ptr self, std::vector<persistence::money_event> money,
           std::string next_cursor) {
  auto& st = self->state;
  persistence::analytics_batch batch;
  batch.money = std::move(money);
  if (next_cursor != st.cursor)
    batch.outbox_cursor = next_cursor;
  if (batch.money.empty() && batch.outbox_cursor.empty()) {
    cycle_done(self, false);
    return;
  }
  auto full_page = static_cast<int64_t>(batch.money.size())
                   >= st.settings.outbox_page;
  self->request(st.writer, st.settings.request_timeout, apply_atom::value, batch)
    .then(
      [self, batch, full_page](bool) {
        auto& st = self->state;
        if (!batch.outbox_cursor.empty())
          st.cursor = batch.outbox_cursor;
        ++st.batches_applied;
        st.outbox_rows_applied += static_cast<int64_t>(batch.money.size());
        cycle_done(self, full_page);
      },
      [self](caf::error& err) {
        ++self->state.batch_failures;
        spdlog::warn("analytics: outbox rows not applied, read again next "
                     "time: {}",
                     self->system().render(err));
        cycle_done(self, false);
      });
}

// Commits a relay's events in one transaction and only then says so.
caf::result<bool> apply_relayed(self_ptr self, relayed_activity& relayed) {
  auto& st = self->state;
  st.drops[relayed.relay_id]
    = {relayed.positions_dropped, relayed.events_dropped};
  auto count = static_cast<int64_t>(relayed.events.size());
  persistence::analytics_batch batch;
  batch.activity = std::move(relayed.events);
  auto rp = self->make_response_promise<bool>();
  self->request(st.writer, st.settings.request_timeout, apply_atom::value,
                std::move(batch))
    .then(
      [self, rp, count](bool) mutable {
        ++self->state.batches_applied;
        self->state.events_applied += count;
        rp.deliver(true);
      },
      [self, rp](caf::error& err) mutable {
        ++self->state.batch_failures;
        rp.deliver(std::move(err));
      });
  return rp;
}

int64_t total_dropped(self_ptr self, int64_t relay_drops::*kind) {
  int64_t sum = 0;
  for (const auto& [relay, drops] : self->state.drops)
    sum += drops.*kind;
  return sum;
}

void read_outbox(self_ptr self) {
  auto& st = self->state;
  if (!st.billing) {
    apply(self, {}, st.cursor);
    return;
  }
  billing::outbox_query query{st.cursor, st.settings.outbox_page};
  self->request(st.billing, st.settings.request_timeout,
                billing::outbox_atom::value, std::move(query))
    .then(
      [self](billing::outbox_page& page) {
        std::vector<persistence::money_event> money;
        for (const auto& e : page.items)
          money.push_back(to_money(e));
        apply(self, std::move(money), page.next_cursor);
      },
      [self](caf::error& err) {
        spdlog::debug("analytics: outbox not read: {}",
                      self->system().render(err));
        apply(self, {}, self->state.cursor);
      });
}

void cycle(self_ptr self) {
  auto& st = self->state;
  if (st.busy)
    return;
  st.busy = true;
  if (st.cursor_loaded) {
    read_outbox(self);
    return;
  }
  self->request(st.writer, st.settings.request_timeout, cursor_atom::value)
    .then(
      [self](std::string& cursor) {
        self->state.cursor = std::move(cursor);
        self->state.cursor_loaded = true;
        read_outbox(self);
      },
      [self](caf::error&) {
        ++self->state.batch_failures;
        cycle_done(self, false);
      });
}

// Forwards a query to the reader and its answer back.
template <class Out, class... Ts>
caf::result<Out> ask_reader(self_ptr self, Ts... xs) {
  auto rp = self->make_response_promise<Out>();
  self->request(self->state.reader, self->state.settings.request_timeout, xs...)
    .then([rp](Out& x) mutable { rp.deliver(std::move(x)); },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

} // namespace

analytics_actor::behavior_type
analytics_role(self_ptr self, analytics_settings settings, caf::actor billing,
               analytics_worker_actor writer, analytics_worker_actor reader) {
  auto& st = self->state;
  st.settings = std::move(settings);
  st.billing = std::move(billing);
  st.writer = std::move(writer);
  st.reader = std::move(reader);
  self->link_to(st.writer); // the workers end with the role
  self->link_to(st.reader);
  self->send(self, poll_atom::value);
  self->state.stats = actor_stats::node().enroll("analytics", "analytics");
  return {
    [self](relayed_atom, relayed_activity& relayed) -> caf::result<bool> {
      record_message(self->state.stats, self);
      return apply_relayed(self, relayed);
    },
    [self](poll_atom) { cycle(self); },
    [self](creator_atom, std::string& creator,
           day_range range) -> caf::result<creator_report> {
      record_message(self->state.stats, self);
      return ask_reader<creator_report>(self, creator_atom::value,
                                        std::move(creator), range);
    },
    [self](video_stats_atom, std::string& video,
           day_range range) -> caf::result<video_report> {
      record_message(self->state.stats, self);
      return ask_reader<video_report>(self, video_stats_atom::value,
                                      std::move(video), range);
    },
    [self](platform_atom) -> caf::result<platform_report> {
      record_message(self->state.stats, self);
      return ask_reader<platform_report>(self, platform_atom::value);
    },
    [self](status_atom) -> caf::result<role_status> {
      record_message(self->state.stats, self);
      auto& st = self->state;
      role_status status{"analytics", false, "", {}};
      status.gauges = {
        {"positions_dropped_total",
         total_dropped(self, &relay_drops::positions)},
        {"events_dropped_total", total_dropped(self, &relay_drops::events)},
        {"batches_applied_total", st.batches_applied},
        {"batch_failures_total", st.batch_failures},
        {"outbox_rows_applied_total", st.outbox_rows_applied},
        {"events_applied_total", st.events_applied},
      };
      return status_after_ping(self, st.reader, ping_atom::value, status);
    },
  };
}

} // namespace streamify::analytics
