#include "actors/billing/wallet_actor.hpp"

#include <caf/result.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>
#include <spdlog/spdlog.h>

#include "actors/billing/ledger_rules.hpp"
#include "actors/common/errc.hpp"

namespace streamify::billing {

namespace {

using self_ptr = wallet_actor::stateful_pointer<wallet_state>;
using persistence::movement_outcome;

template <class Outcome>
Outcome with_status(uint8_t status) {
  Outcome o;
  o.status = status;
  return o;
}

// The error for an outcome that is not a success.
caf::error error_of(uint8_t status) {
  switch (status) {
    case persistence::status_insufficient:
      return fail(errc::payment_required, "insufficient_funds",
                  "the wallet balance does not cover this charge");
    case persistence::status_conflict:
      return fail(errc::conflict, "idempotency_conflict",
                  "this idempotency key was used for a different request");
    case persistence::status_stale_owner:
      return fail(errc::unavailable, "wallet_moved",
                  "the wallet is owned elsewhere right now, try again");
    default:
      return fail(errc::unavailable, "ledger_unavailable",
                  "the payment could not be confirmed, retry with the same "
                  "idempotency key");
  }
}

caf::error wallet_busy() {
  return fail(errc::overloaded, "wallet_busy",
              "too many payments of this wallet at once, try again");
}

bool succeeded(uint8_t status) {
  return status == persistence::status_applied
         || status == persistence::status_replayed;
}

caf::duration write_timeout(self_ptr self) {
  auto t = self->state.settings.write_timeout;
  if (t.count() <= 0)
    return caf::infinite;
  return caf::duration{t};
}

void touch(self_ptr self) {
  self->state.last_active = self->clock().now();
}

void maybe_arm(self_ptr self) {
  auto& st = self->state;
  if (!st.timer_armed && st.book.idle()) {
    st.timer_armed = true;
    self->delayed_send(self, st.settings.idle, tick_atom::value);
  }
}

void pump(self_ptr self);

void claim(self_ptr self) {
  auto& st = self->state;
  st.book.claim_started();
  self->request(st.writer, write_timeout(self), claim_atom::value,
                st.user_id)
    .then(
      [self](persistence::wallet_claim& c) {
        self->state.book.claim_succeeded(c.owner_epoch);
        pump(self);
      },
      [self](caf::error&) {
        self->state.book.claim_failed();
        touch(self);
        maybe_arm(self);
      });
}

// Starts waiting writes while the wallet is claimed and below its in-flight
// limit; claims the wallet first when needed.
void pump(self_ptr self) {
  auto& book = self->state.book;
  if (!book.claimed()) {
    if (book.should_claim())
      claim(self);
    return;
  }
  while (auto j = book.next())
    j->run(false);
  maybe_arm(self);
}

// Sends one write, built for the epoch held, to the ledger writer and hands
// its outcome to `done`. A write refused because another billing node claimed
// the account meanwhile goes once more after the wallet claims it back (one
// billing node); among several, what the wallet holds is refused.
template <class Outcome, class Atom, class Build, class Done>
void write(self_ptr self, Atom atom, Build build, Done done, bool retried) {
  auto& st = self->state;
  auto epoch = st.book.epoch();
  self->request(st.writer, write_timeout(self), atom, build(epoch))
    .then(
      [self, atom, build, done, epoch, retried](Outcome& o) mutable {
        auto& st = self->state;
        st.book.landed();
        touch(self);
        bool lost = false;
        if (o.status == persistence::status_stale_owner
            && st.book.moved_away(epoch, retried, lost)) {
          // Nothing was written: claim the account again, write once more.
          st.book.push_first(wallet_book::job{
            [self, atom, build, done](bool) {
              write<Outcome>(self, atom, build, done, true);
            },
            [done](uint8_t status) mutable {
              done(with_status<Outcome>(status));
            }});
          pump(self);
          return;
        }
        if (lost)
          spdlog::warn("wallet {}: claimed by another billing node "
                       "(owner_epoch past {}), its writes here are refused",
                       st.user_id, epoch);
        done(o);
        pump(self);
      },
      [self, done](caf::error&) mutable {
        // Timed out or the writer is gone: the write may still commit, so
        // nothing is claimed; a retry with the same key is safe.
        self->state.book.landed();
        touch(self);
        done(with_status<Outcome>(persistence::status_failed));
        pump(self);
      });
}

// Queues the write of a movement under `key`; everyone asking for the key
// meanwhile gets its outcome.
void enqueue_movement(self_ptr self, const std::string& key,
                      std::string fingerprint,
                      std::function<persistence::movement(int64_t)> build,
                      wallet_book::done_fn done) {
  auto& st = self->state;
  st.book.open(key, std::move(fingerprint), std::move(done));
  auto finish = [self, key](const movement_outcome& o) {
    self->state.book.finish(key, o);
    touch(self);
  };
  st.book.push(wallet_book::job{
    [self, build = std::move(build), finish](bool retried) {
      write<movement_outcome>(self, apply_atom::value, build, finish, retried);
    },
    [finish](uint8_t status) {
      finish(with_status<movement_outcome>(status));
    }});
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

void deliver_refund(caf::typed_response_promise<refund_result>& rp,
                    const std::string& session_id,
                    const persistence::refund_outcome& o) {
  if (succeeded(o.status))
    rp.deliver(to_refund_result(session_id, o));
  else if (o.status == persistence::status_not_found)
    rp.deliver(fail(errc::not_found, "session_not_found",
                    "no charges are recorded for this session"));
  else
    rp.deliver(error_of(o.status));
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
  st.book = wallet_book{{settings.max_in_flight, settings.queue_limit,
                         settings.remembered_keys,
                         settings.reclaim_when_moved}};
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
      wallet_book::done_fn done = [rp](const movement_outcome& o) mutable {
        if (succeeded(o.status))
          rp.deliver(charge_result{o.transaction_id, o.amount_cents,
                                   o.balance_after_cents,
                                   o.status == persistence::status_replayed});
        else
          rp.deliver(error_of(o.status));
      };
      auto key = charge_key(req.session_id, req.minute_index);
      auto fingerprint = charge_fingerprint(req);
      if (st.book.answer_from_memory(key, fingerprint, done)) {
        maybe_arm(self);
      } else if (st.book.full()) {
        rp.deliver(wallet_busy());
      } else {
        enqueue_movement(self, key, std::move(fingerprint),
                         [self, req](int64_t epoch) {
                           auto& st = self->state;
                           return charge_movement(req, st.make_id(), epoch,
                                                  st.clk->now_ms());
                         },
                         std::move(done));
      }
      return rp;
    },
    [self](deposit_atom, deposit_request& req) -> caf::result<deposit_result> {
      auto& st = self->state;
      record_message(st.stats, self);
      ++st.handled;
      touch(self);
      auto rp = self->make_response_promise<deposit_result>();
      wallet_book::done_fn done = [rp](const movement_outcome& o) mutable {
        if (succeeded(o.status))
          rp.deliver(deposit_result{o.transaction_id, o.amount_cents,
                                    o.balance_after_cents,
                                    o.status == persistence::status_replayed,
                                    o.created_at_ms});
        else
          rp.deliver(error_of(o.status));
      };
      auto key = deposit_key(req.user_id, req.idempotency_key);
      if (st.book.answer_from_memory(key, req.fingerprint, done)) {
        maybe_arm(self);
        return rp;
      }
      // The provider is idempotent per key: asking again after a restart
      // returns the same payment, which the ledger then replays.
      auto answer = st.provider->collect(req.user_id, req.amount_cents, key);
      if (!answer.approved) {
        rp.deliver(fail(errc::payment_required, "payment_declined",
                        answer.decline_reason.empty()
                          ? "the payment provider declined the deposit"
                          : answer.decline_reason));
      } else if (st.book.full()) {
        rp.deliver(wallet_busy());
      } else {
        auto fingerprint = req.fingerprint;
        enqueue_movement(self, key, std::move(fingerprint),
                         [self, req, ref = answer.reference](int64_t) {
                           auto& st = self->state;
                           return deposit_movement(req, st.make_id(), ref,
                                                   st.clk->now_ms());
                         },
                         std::move(done));
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
      if (st.book.full()) {
        rp.deliver(wallet_busy());
        return rp;
      }
      auto build = [self, req](int64_t epoch) {
        auto& st = self->state;
        return persistence::refund_command{
          refund_request_key(req.admin_id, req.idempotency_key),
          req.fingerprint,
          req.session_id,
          req.admin_id,
          req.reason,
          st.user_id,
          epoch,
          st.clk->now_ms()};
      };
      auto done = [rp, session_id = req.session_id](
                    const persistence::refund_outcome& o) mutable {
        deliver_refund(rp, session_id, o);
      };
      st.book.push(wallet_book::job{
        [self, build, done](bool retried) {
          write<persistence::refund_outcome>(self, refund_atom::value, build,
                                             done, retried);
        },
        [done](uint8_t status) mutable {
          done(with_status<persistence::refund_outcome>(status));
        }});
      pump(self);
      return rp;
    },
    [self](tick_atom) {
      auto& st = self->state;
      record_message(st.stats, self);
      st.timer_armed = false;
      if (!st.book.idle())
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
      if (st.book.idle())
        self->send(st.router, idle_atom::value, st.user_id, st.handled);
    },
  };
}

} // namespace streamify::billing
