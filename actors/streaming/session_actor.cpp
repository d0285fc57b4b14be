#include "actors/streaming/session_actor.hpp"

#include <algorithm>

#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>
#include <spdlog/spdlog.h>

#include "actors/analytics/messages.hpp"
#include "actors/billing/messages.hpp"
#include "actors/common/errc.hpp"
#include "actors/common/free_viewing.hpp"

namespace streamify::streaming {

namespace {

using self_ptr = session_actor::stateful_pointer<session_actor_state>;
using promise = caf::typed_response_promise<session_view>;
using grant_promise = caf::typed_response_promise<span_grant>;


int64_t now_ms(self_ptr self) {
  return self->state.peers.clk->now_ms();
}

// Copies the billing state into the row that is persisted and shown.
const persistence::session_row& snapshot(self_ptr self) {
  auto& st = self->state;
  auto& r = st.row;
  r.state = to_string(st.bill.state);
  r.minutes_paid = st.bill.minutes_paid;
  r.billed_ms = st.bill.billed_ms;
  r.position_ms = st.bill.position_ms;
  r.playing = st.bill.playing;
  r.last_heartbeat_ms = st.bill.last_heartbeat_ms;
  r.last_seq = st.bill.last_seq;
  r.delivered = st.window.delivered().encode();
  st.stats.label("state", r.state);
  st.stats.label("minutes_paid", std::to_string(r.minutes_paid));
  st.stats.label("last_heartbeat_ms", std::to_string(r.last_heartbeat_ms));
  return r;
}

session_view view(self_ptr self) {
  return to_view(snapshot(self), self->state.settings);
}

void publish(self_ptr self) {
  auto& st = self->state;
  auto state = to_string(st.bill.state);
  if (state == st.published_state
      && st.bill.minutes_paid == st.published_minutes)
    return;
  st.published_state = state;
  st.published_minutes = st.bill.minutes_paid;
  self->send(st.peers.role, session_changed_atom::value,
             entitlement_update{st.row.id, st.row.viewer_id, state,
                                st.bill.minutes_paid});
}

void save(self_ptr self) {
  auto& st = self->state;
  st.last_saved_ms = now_ms(self);
  self->request(st.peers.store, st.settings.store_timeout, save_atom::value,
                snapshot(self))
    .then([](bool) {},
          [self](caf::error& err) {
            self->state.last_saved_ms = 0; // the next heartbeat writes again
            spdlog::warn("session {}: not saved: {}", self->state.row.id,
                         self->system().render(err));
          });
}

void save_if_due(self_ptr self) {
  auto& st = self->state;
  if (now_ms(self) - st.last_saved_ms >= st.settings.save_interval_ms)
    save(self);
}

// Tells analytics where the session stands, without waiting; a "position"
// sample may be dropped there, a "session" event is not.
void report(self_ptr self, const char* kind) {
  const auto& r = snapshot(self);
  analytics::track(self->system(),
                   {kind, r.id, r.video_id, r.viewer_id, r.owner_id, r.title,
                    "", r.started_at_ms, r.duration_ms, r.billed_ms,
                    r.position_ms, r.view_counted,
                    self->state.bill.state == session_state::ended});
}

void count_view(self_ptr self) {
  auto& st = self->state;
  if (st.row.view_counted || st.row.viewer_id == st.row.owner_id)
    return;
  bool paid_minute_0 = st.bill.charges && st.bill.minutes_paid >= 1;
  bool free_reached = !st.bill.charges && free_view_reached(st.bill);
  if (!paid_minute_0 && !free_reached)
    return;
  st.row.view_counted = true;
  report(self, "session");
  if (st.peers.catalog)
    caf::anon_send(st.peers.catalog, catalog::view_counted_atom::value,
                   st.row.video_id, st.row.id);
}

// Runs what arrived while a charge was in flight, until the next charge.
void run_deferred(self_ptr self) {
  auto& st = self->state;
  while (!st.charging && !st.deferred.empty()) {
    auto next = std::move(st.deferred.front());
    st.deferred.pop_front();
    next();
  }
}

// Charges every due minute in order, stopping at the first failure, then
// calls `done` with that failure (or none). Each minute's key is fixed by
// session and index, so a retry after a timeout never charges twice.
void charge_due(self_ptr self, std::function<void(caf::error)> done) {
  auto& st = self->state;
  auto minute = due_minute(st.bill, st.settings.billing);
  if (!minute) {
    done(caf::error{});
    return;
  }
  if (!st.peers.billing) {
    on_billing_unreachable(st.bill, st.settings.billing);
    done(fail(errc::unavailable, "billing_unavailable",
              "the wallet is unreachable, try again shortly"));
    return;
  }
  st.charging = true;
  billing::charge_request req{st.row.viewer_id, st.row.owner_id, st.row.id,
                              st.row.video_id,  *minute,         st.row.price_cents,
                              st.row.fee_bps};
  self->request(st.peers.billing, st.settings.billing_timeout,
                billing::charge_atom::value, std::move(req))
    .then(
      [self, done](billing::charge_result& res) {
        auto& st = self->state;
        st.charging = false;
        on_charged(st.bill);
        st.row.charged_cents += res.amount_cents;
        st.row.balance_cents = res.balance_cents;
        count_view(self);
        charge_due(self, done);
      },
      [self, done](caf::error& err) {
        auto& st = self->state;
        st.charging = false;
        if (err == errc::payment_required) {
          on_insufficient_funds(st.bill, st.settings.billing);
          done(std::move(err));
          return;
        }
        on_billing_unreachable(st.bill, st.settings.billing);
        spdlog::warn("session {}: minute {} not charged: {}", st.row.id,
                     st.bill.minutes_paid, self->system().render(err));
        done(fail(errc::unavailable, "billing_unavailable",
                  "the wallet did not answer, try again shortly"));
      });
}

void finish(self_ptr self, const std::string& reason) {
  auto& st = self->state;
  st.bill.state = session_state::ended;
  st.row.end_reason = reason;
  st.row.ended_at_ms = now_ms(self);
  if (reason == "timeout") // a sweep after a restart may come much later
    st.row.ended_at_ms = std::min(st.row.ended_at_ms,
                                  st.bill.last_heartbeat_ms
                                    + st.settings.billing.idle_timeout_ms);
  publish(self);
  auto final_view = view(self);
  self->send(st.peers.role, session_ended_atom::value, final_view);
  if (!st.confirmed) {
    self->quit(); // nothing was paid or stored
    return;
  }
  report(self, "session");
  self->request(st.peers.store, st.settings.store_timeout, save_atom::value,
                snapshot(self))
    .then([self](bool) { self->quit(); },
          [self](caf::error& err) {
            spdlog::error("session {}: end not saved: {}", self->state.row.id,
                          self->system().render(err));
            self->quit();
          });
}

void confirm(self_ptr self) {
  self->state.confirmed = true;
  report(self, "session");
  count_view(self);
  save(self);
  publish(self);
}

void start(self_ptr self, promise rp) {
  auto& st = self->state;
  if (st.confirmed || st.bill.state == session_state::ended) {
    rp.deliver(view(self));
    return;
  }
  charge_due(self, [self, rp](caf::error err) mutable {
    if (!err) {
      confirm(self);
      rp.deliver(view(self));
    } else if (err == errc::payment_required) {
      rp.deliver(std::move(err)); // the role forgets the session
      self->quit();
      return;
    } else {
      rp.deliver(std::move(err));
    }
    run_deferred(self);
  });
}

void beat(self_ptr self, const heartbeat_request& req, promise rp) {
  auto& st = self->state;
  heartbeat hb{req.position_ms, req.playing, std::nullopt};
  if (req.seq)
    hb.seq = *req.seq;
  if (st.bill.state == session_state::ended || is_stale(st.bill, hb)) {
    rp.deliver(view(self));
    return;
  }
  if (!st.confirmed) {
    rp.deliver(fail(errc::unavailable, "session_starting",
                    "the session's first minute is not confirmed yet"));
    return;
  }
  apply_heartbeat(st.bill, hb, now_ms(self), st.settings.billing);
  report(self, "position");
  auto paid_before = st.bill.minutes_paid;
  auto counted_before = st.row.view_counted;
  count_view(self);
  charge_due(self, [self, rp, paid_before,
                    counted_before](caf::error err) mutable {
    auto& st = self->state;
    if (st.bill.minutes_paid != paid_before
        || st.row.view_counted != counted_before)
      save(self);
    else
      save_if_due(self);
    publish(self);
    if (err && err != errc::payment_required)
      rp.deliver(std::move(err));
    else
      rp.deliver(view(self));
    run_deferred(self);
  });
}

// Grants a span under the paid-window rule; a grant that received anything
// new is persisted before it is answered, so a restart cannot widen the
// window. Free sessions (free video, the owner) may receive everything.
void claim(self_ptr self, time_span span, grant_promise rp) {
  auto& st = self->state;
  if (st.bill.state == session_state::ended) {
    rp.deliver(fail(errc::gone, "session_ended", "the session has ended"));
    return;
  }
  if (!st.confirmed) {
    rp.deliver(fail(errc::unavailable, "session_starting",
                    "the session's first minute is not confirmed yet"));
    return;
  }
  if (st.bill.state == session_state::payment_required) {
    rp.deliver(fail(errc::payment_required, "payment_required",
                    "deposit funds to continue watching"));
    return;
  }
  if (span.begin_ms < 0 || span.end_ms <= span.begin_ms) {
    rp.deliver(fail(errc::invalid, "invalid_span", "the span is empty"));
    return;
  }
  if (!st.bill.charges) {
    rp.deliver(span_grant{0, std::max(st.row.duration_ms, span.end_ms)});
    return;
  }
  auto before = st.window.delivered().total_ms();
  auto granted = st.window.claim(span, st.bill.minutes_paid);
  if (!granted) {
    rp.deliver(fail(errc::payment_required, "beyond_paid_window",
                    "this part of the video is past what the session has "
                    "paid for"));
    return;
  }
  span_grant out{granted->begin_ms, granted->end_ms};
  if (st.window.delivered().total_ms() == before) {
    rp.deliver(out);
    return;
  }
  st.last_saved_ms = now_ms(self);
  self->request(st.peers.store, st.settings.store_timeout, save_atom::value,
                snapshot(self))
    .then([rp, out](bool) mutable { rp.deliver(out); },
          [self, rp](caf::error& err) mutable {
            self->state.last_saved_ms = 0;
            spdlog::warn("session {}: grant not saved: {}", self->state.row.id,
                         self->system().render(err));
            rp.deliver(fail(errc::unavailable, "session_store_unavailable",
                            "the session could not be saved, try again"));
          });
}

void check_idle(self_ptr self) {
  auto& st = self->state;
  if (st.bill.state == session_state::ended)
    return;
  auto left = idle_left_ms(st.bill, now_ms(self), st.settings.billing);
  if (left <= 0)
    finish(self, "timeout");
  else
    self->delayed_send(self, std::chrono::milliseconds(left),
                       idle_check_atom::value);
}

// Runs `f` now, or after the charge in flight.
template <class F>
void when_idle(self_ptr self, F f) {
  if (self->state.charging)
    self->state.deferred.emplace_back(std::move(f));
  else
    f();
}

} // namespace

session_view to_view(const persistence::session_row& row,
                     const session_settings& settings) {
  return session_view{row.id,
                      row.viewer_id,
                      row.video_id,
                      row.state,
                      row.price_cents,
                      row.minutes_paid,
                      row.charged_cents,
                      row.billed_ms,
                      row.position_ms,
                      row.balance_cents,
                      settings.billing.heartbeat_interval_ms / 1000,
                      row.end_reason,
                      settings.window.rate_permille};
}

session_actor::behavior_type
session(self_ptr self, persistence::session_row row, bool resumed,
        session_settings settings, session_peers peers) {
  auto& st = self->state;
  st.settings = std::move(settings);
  st.peers = std::move(peers);
  st.bill.state = parse_session_state(row.state).value_or(session_state::active);
  st.bill.charges = !is_free(row.price_cents, row.viewer_id, row.owner_id);
  st.bill.duration_ms = row.duration_ms;
  st.bill.minutes_paid = row.minutes_paid;
  st.bill.billed_ms = row.billed_ms;
  st.bill.position_ms = row.position_ms;
  st.bill.playing = row.playing;
  st.bill.last_heartbeat_ms = row.last_heartbeat_ms;
  st.bill.last_seq = row.last_seq;
  auto delivered = span_set::decode(row.delivered);
  if (!delivered)
    spdlog::error("session {}: unreadable delivered spans '{}'", row.id,
                  row.delivered);
  auto window = st.settings.window;
  window.minute_ms = st.settings.billing.minute_ms;
  st.window = paid_window{window, row.duration_ms,
                          delivered.value_or(span_set{})};
  st.row = std::move(row);
  st.confirmed = resumed;
  st.last_saved_ms = resumed ? now_ms(self) : 0;
  st.published_state = to_string(st.bill.state);
  st.published_minutes = st.bill.minutes_paid;
  st.stats = actor_stats::node().enroll("session", st.row.id);
  st.stats.label("viewer", st.row.viewer_id);
  st.stats.label("video", st.row.video_id);
  snapshot(self);
  check_idle(self);
  return {
    [self](start_atom) -> caf::result<session_view> {
      record_message(self->state.stats, self);
      auto rp = self->make_response_promise<session_view>();
      when_idle(self, [self, rp] { start(self, rp); });
      return rp;
    },
    [self](heartbeat_atom,
           heartbeat_request& req) -> caf::result<session_view> {
      record_message(self->state.stats, self);
      auto rp = self->make_response_promise<session_view>();
      when_idle(self, [self, rp, req] { beat(self, req, rp); });
      return rp;
    },
    [self](end_atom) -> caf::result<session_view> {
      record_message(self->state.stats, self);
      auto rp = self->make_response_promise<session_view>();
      when_idle(self, [self, rp]() mutable {
        if (self->state.bill.state != session_state::ended)
          finish(self, "viewer");
        rp.deliver(view(self));
      });
      return rp;
    },
    [self](get_session_atom) -> caf::result<session_view> {
      record_message(self->state.stats, self);
      return view(self);
    },
    [self](claim_atom, int64_t begin_ms,
           int64_t end_ms) -> caf::result<span_grant> {
      record_message(self->state.stats, self);
      auto rp = self->make_response_promise<span_grant>();
      when_idle(self, [self, rp, begin_ms, end_ms] {
        claim(self, {begin_ms, end_ms}, rp);
      });
      return rp;
    },
    [self](catalog::video_deleted_atom) {
      record_message(self->state.stats, self);
      when_idle(self, [self] {
        if (self->state.bill.state != session_state::ended)
          finish(self, "video_deleted");
      });
    },
    [self](idle_check_atom) {
      record_message(self->state.stats, self);
      when_idle(self, [self] { check_idle(self); });
    },
  };
}

} // namespace streamify::streaming
