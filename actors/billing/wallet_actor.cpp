#include "actors/billing/wallet_actor.hpp"

#include <caf/result.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>
#include <spdlog/spdlog.h>

#include "actors/billing/billing_rules.hpp"
#include "actors/common/errc.hpp"

namespace streamify::billing {

namespace {

using self_ptr = wallet_actor::stateful_pointer<wallet_state>;
using persistence::movement_outcome;

// A local outcome next to the ledger's: too many writes waiting.
constexpr uint8_t status_overloaded = 100;

movement_outcome outcome_of(uint8_t status) {
  movement_outcome o;
  o.status = status;
  return o;
}

// The error for an outcome that is not a success.
caf::error error_of(const movement_outcome& o) {
  switch (o.status) {
    case persistence::status_insufficient:
      return fail(errc::payment_required, "insufficient_funds",
                  "the wallet balance does not cover this charge");
    case persistence::status_conflict:
      return fail(errc::conflict, "idempotency_conflict",
                  "this idempotency key was used for a different request");
    case persistence::status_stale_owner:
      return fail(errc::unavailable, "wallet_moved",
                  "the wallet is owned elsewhere right now, try again");
    case status_overloaded:
      return fail(errc::overloaded, "wallet_busy",
                  "too many payments of this wallet at once, try again");
    default:
      return fail(errc::unavailable, "ledger_unavailable",
                  "the payment could not be confirmed, retry with the same "
                  "idempotency key");
  }
}

bool succeeded(const movement_outcome& o) {
  return o.status == persistence::status_applied
         || o.status == persistence::status_replayed;
}

caf::duration write_timeout(self_ptr self) {
  auto t = self->state.settings.write_timeout;
  if (t.count() <= 0)
    return caf::infinite;
  return caf::duration{t};
}

bool idle(self_ptr self) {
  auto& st = self->state;
  return st.in_flight == 0 && st.waiting.empty() && !st.claiming
         && st.keys.empty();
}

void touch(self_ptr self) {
  self->state.last_active = self->clock().now();
}

void maybe_arm(self_ptr self) {
  auto& st = self->state;
  if (!st.timer_armed && idle(self)) {
    st.timer_armed = true;
    self->delayed_send(self, st.settings.idle, tick_atom::value);
  }
}

void pump(self_ptr self);

void claim(self_ptr self) {
  auto& st = self->state;
  st.claiming = true;
  self->request(st.writer, write_timeout(self), claim_atom::value,
                st.user_id)
    .then(
      [self](persistence::wallet_claim& c) {
        self->state.claiming = false;
        self->state.epoch = c.owner_epoch;
        pump(self);
      },
      [self](caf::error&) {
        auto& st = self->state;
        st.claiming = false;
        auto jobs = std::move(st.waiting);
        st.waiting.clear();
        for (auto& j : jobs)
          j.fail(persistence::status_failed);
        touch(self);
        maybe_arm(self);
      });
}

// Starts waiting jobs while the wallet is claimed and below its in-flight
// limit; claims the wallet first when needed.
void pump(self_ptr self) {
  auto& st = self->state;
  if (st.epoch < 0) {
    if (!st.claiming && !st.waiting.empty())
      claim(self);
    return;
  }
  while (!st.waiting.empty() && st.in_flight < st.settings.max_in_flight) {
    auto j = std::move(st.waiting.front());
    st.waiting.pop_front();
    j.run(false);
  }
  maybe_arm(self);
}

// Another billing node claimed the account since `epoch` was claimed here.
// Where the shard map names the owner, this wallet does not claim it back:
// what it holds is refused (the callers retry through their maps) and only a
// later request claims the account again. Returns whether to retry instead.
bool moved_away(self_ptr self, int64_t epoch, bool retried) {
  auto& st = self->state;
  if (st.settings.reclaim_when_moved && !retried) {
    st.epoch = -1;
    return true;
  }
  if (epoch == st.epoch) {
    spdlog::warn("wallet {}: claimed by another billing node (owner_epoch "
                 "past {}), its writes here are refused",
                 st.user_id, epoch);
    st.epoch = -1;
    auto jobs = std::move(st.waiting);
    st.waiting.clear();
    for (auto& j : jobs)
      j.fail(persistence::status_stale_owner);
  }
  return false;
}

void remember(self_ptr self, const std::string& key, std::string fingerprint,
              movement_outcome o) {
  auto& st = self->state;
  if (st.settings.remembered_keys == 0)
    return;
  o.status = persistence::status_applied;
  if (st.recent
        .emplace(key, wallet_state::remembered{std::move(fingerprint),
                                                std::move(o)})
        .second)
    st.recent_order.push_back(key);
  while (st.recent_order.size() > st.settings.remembered_keys) {
    st.recent.erase(st.recent_order.front());
    st.recent_order.pop_front();
  }
}

// Answers everyone waiting for `key`: the first asker gets the outcome, the
// repeats get it as a replay.
void finish(self_ptr self, const std::string& key, const movement_outcome& o) {
  auto& st = self->state;
  auto i = st.keys.find(key);
  if (i == st.keys.end())
    return;
  auto entry = std::move(i->second);
  st.keys.erase(i);
  if (succeeded(o))
    remember(self, key, std::move(entry.fingerprint), o);
  for (size_t n = 0; n < entry.waiters.size(); ++n) {
    auto x = o;
    if (n > 0 && x.status == persistence::status_applied)
      x.status = persistence::status_replayed;
    entry.waiters[n](x);
  }
  touch(self);
}

// Answers a repeated or conflicting key from memory, or joins the write of
// the same key in flight. Returns false when the request must be written.
bool answered_from_memory(self_ptr self, const std::string& key,
                          const std::string& fingerprint,
                          wallet_state::done_fn& done) {
  auto& st = self->state;
  if (auto r = st.recent.find(key); r != st.recent.end()) {
    if (r->second.fingerprint != fingerprint) {
      done(outcome_of(persistence::status_conflict));
    } else {
      auto o = r->second.outcome;
      o.status = persistence::status_replayed;
      done(o);
    }
    return true;
  }
  if (auto k = st.keys.find(key); k != st.keys.end()) {
    if (k->second.fingerprint != fingerprint)
      done(outcome_of(persistence::status_conflict));
    else
      k->second.waiters.push_back(std::move(done));
    return true;
  }
  return false;
}

// Takes the key and the builder by value: the response handler keeps them.
void run_write(self_ptr self, std::string key, wallet_state::builder build,
               bool retried) {
  auto& st = self->state;
  ++st.in_flight;
  auto epoch = st.epoch;
  auto m = build(epoch);
  self->request(st.writer, write_timeout(self), apply_atom::value,
                std::move(m))
    .then(
      [self, key = std::move(key), build = std::move(build), epoch,
       retried](movement_outcome& o) {
        auto& st = self->state;
        --st.in_flight;
        if (o.status == persistence::status_stale_owner
            && moved_away(self, epoch, retried)) {
          // Nothing was written: claim the account again, write once more.
          st.waiting.push_front(wallet_state::job{
            [self, key, build](bool) { run_write(self, key, build, true); },
            [self, key](uint8_t status) {
              finish(self, key, outcome_of(status));
            }});
          pump(self);
          return;
        }
        finish(self, key, o);
        pump(self);
      },
      [self, key](caf::error&) {
        // Timed out or the writer is gone: the write may still commit, so
        // nothing is claimed; a retry with the same key is safe.
        --self->state.in_flight;
        finish(self, key, outcome_of(persistence::status_failed));
        pump(self);
      });
}

// A job runs once (pump pops it first), so its run may give away what it
// holds.
void enqueue_write(self_ptr self, const std::string& key,
                   std::string fingerprint, wallet_state::builder build,
                   wallet_state::done_fn done) {
  auto& st = self->state;
  if (st.waiting.size() >= st.settings.queue_limit) {
    done(outcome_of(status_overloaded));
    return;
  }
  st.keys.emplace(key, wallet_state::pending_key{std::move(fingerprint),
                                                 {std::move(done)}});
  st.waiting.push_back(wallet_state::job{
    [self, key, build = std::move(build)](bool retried) mutable {
      run_write(self, key, std::move(build), retried);
    },
    [self, key](uint8_t status) { finish(self, key, outcome_of(status)); }});
  pump(self);
}

refund_result to_refund_result(const std::string& session_id,
                               const persistence::refund_outcome& o) {
  refund_result out;
  out.session_id = session_id;
  out.replayed = o.status == persistence::status_replayed;
  for (const auto& l : o.lines)
    out.refunded_cents += l.amount_cents;
  out.items = o.lines;
  return out;
}

void run_refund(self_ptr self, refund_request req,
                caf::typed_response_promise<refund_result> rp, bool retried) {
  auto& st = self->state;
  ++st.in_flight;
  auto epoch = st.epoch;
  persistence::refund_command cmd{
    refund_request_key(req.admin_id, req.idempotency_key),
    req.fingerprint,
    req.session_id,
    req.admin_id,
    req.reason,
    st.user_id,
    epoch,
    st.clk->now_ms()};
  self->request(st.writer, write_timeout(self), refund_atom::value,
                std::move(cmd))
    .then(
      [self, req, rp, epoch, retried](persistence::refund_outcome& o) mutable {
        auto& st = self->state;
        --st.in_flight;
        touch(self);
        if (o.status == persistence::status_stale_owner
            && moved_away(self, epoch, retried)) {
          st.waiting.push_front(wallet_state::job{
            [self, req, rp](bool) { run_refund(self, req, rp, true); },
            [rp](uint8_t status) mutable {
              rp.deliver(error_of(outcome_of(status)));
            }});
          pump(self);
          return;
        }
        switch (o.status) {
          case persistence::status_applied:
          case persistence::status_replayed:
            rp.deliver(to_refund_result(req.session_id, o));
            break;
          case persistence::status_not_found:
            rp.deliver(fail(errc::not_found, "session_not_found",
                            "no charges are recorded for this session"));
            break;
          default:
            rp.deliver(error_of(outcome_of(o.status)));
        }
        pump(self);
      },
      [self, rp](caf::error&) mutable {
        --self->state.in_flight;
        touch(self);
        rp.deliver(error_of(outcome_of(persistence::status_failed)));
        pump(self);
      });
}

} // namespace

wallet_actor::behavior_type
wallet(self_ptr self, std::string user_id, wallet_settings settings,
       ledger_writer_actor writer, billing_router_actor router,
       std::shared_ptr<payment_provider> provider,
       std::shared_ptr<const clock> clk,
       std::function<std::string()> make_id) {
  auto& st = self->state;
  st.user_id = std::move(user_id);
  st.settings = settings;
  st.writer = std::move(writer);
  st.router = std::move(router);
  st.provider = std::move(provider);
  st.clk = std::move(clk);
  st.make_id = std::move(make_id);
  st.stats = actor_stats::node().enroll("wallet", st.user_id);
  touch(self);
  return {
    [self](charge_atom, charge_request& req) -> caf::result<charge_result> {
      auto& st = self->state;
      record_message(st.stats, self);
      ++st.handled;
      touch(self);
      auto rp = self->make_response_promise<charge_result>();
      wallet_state::done_fn done = [rp](const movement_outcome& o) mutable {
        if (succeeded(o))
          rp.deliver(charge_result{o.transaction_id, o.amount_cents,
                                   o.balance_after_cents,
                                   o.status == persistence::status_replayed});
        else
          rp.deliver(error_of(o));
      };
      auto key = charge_key(req.session_id, req.minute_index);
      auto fingerprint = charge_fingerprint(req);
      if (!answered_from_memory(self, key, fingerprint, done)) {
        wallet_state::builder build = [self, req](int64_t epoch) {
          auto& st = self->state;
          return charge_movement(req, st.make_id(), epoch, st.clk->now_ms());
        };
        enqueue_write(self, key, std::move(fingerprint), std::move(build),
                      std::move(done));
      }
      maybe_arm(self);
      return rp;
    },
    [self](deposit_atom, deposit_request& req) -> caf::result<deposit_result> {
      auto& st = self->state;
      record_message(st.stats, self);
      ++st.handled;
      touch(self);
      auto rp = self->make_response_promise<deposit_result>();
      wallet_state::done_fn done = [rp](const movement_outcome& o) mutable {
        if (succeeded(o))
          rp.deliver(deposit_result{o.transaction_id, o.amount_cents,
                                    o.balance_after_cents,
                                    o.status == persistence::status_replayed,
                                    o.created_at_ms});
        else
          rp.deliver(error_of(o));
      };
      auto key = deposit_key(req.user_id, req.idempotency_key);
      if (!answered_from_memory(self, key, req.fingerprint, done)) {
        // The provider is idempotent per key: asking again after a restart
        // returns the same payment, which the ledger then replays.
        auto answer = st.provider->collect(req.user_id, req.amount_cents, key);
        if (!answer.approved) {
          rp.deliver(fail(errc::payment_required, "payment_declined",
                          answer.decline_reason.empty()
                            ? "the payment provider declined the deposit"
                            : answer.decline_reason));
        } else {
          auto fingerprint = req.fingerprint;
          wallet_state::builder build
            = [self, req, ref = answer.reference](int64_t) {
                auto& st = self->state;
                return deposit_movement(req, st.make_id(), ref,
                                        st.clk->now_ms());
              };
          enqueue_write(self, key, std::move(fingerprint), std::move(build),
                        std::move(done));
        }
      }
      maybe_arm(self);
      return rp;
    },
    [self](refund_atom, refund_request& req,
           persistence::session_parties&) -> caf::result<refund_result> {
      auto& st = self->state;
      record_message(st.stats, self);
      ++st.handled;
      touch(self);
      auto rp = self->make_response_promise<refund_result>();
      if (st.waiting.size() >= st.settings.queue_limit) {
        rp.deliver(error_of(outcome_of(status_overloaded)));
        return rp;
      }
      st.waiting.push_back(wallet_state::job{
        [self, req, rp](bool retried) { run_refund(self, req, rp, retried); },
        [rp](uint8_t status) mutable {
          rp.deliver(error_of(outcome_of(status)));
        }});
      pump(self);
      return rp;
    },
    [self](tick_atom) {
      auto& st = self->state;
      record_message(st.stats, self);
      st.timer_armed = false;
      if (!idle(self))
        return; // armed again once the work is done
      auto elapsed = self->clock().now() - st.last_active;
      if (elapsed >= st.settings.idle) {
        // The router decides: it passivates us only when it has forwarded
        // nothing we have not handled yet.
        self->send(st.router, idle_atom::value, st.user_id, st.handled);
        return;
      }
      st.timer_armed = true;
      self->delayed_send(self, st.settings.idle - elapsed, tick_atom::value);
    },
    [self](stop_atom) { self->quit(); },
    [self](passivate_atom) {
      auto& st = self->state;
      record_message(st.stats, self);
      if (idle(self))
        self->send(st.router, idle_atom::value, st.user_id, st.handled);
    },
  };
}

} // namespace streamify::billing
