#include "actors/billing/ledger_writer.hpp"

#include <unordered_map>

#include <caf/result.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include "actors/common/errc.hpp"
#include "actors/common/guarded.hpp"
#include "persistence/common/pg_connection.hpp"

namespace streamify::billing {

namespace {

using writer_ptr = ledger_writer_actor::stateful_pointer<ledger_writer_state>;

constexpr const char* ledger_db = "the ledger";

void count(ledger_writer_state& st, uint8_t status) {
  switch (status) {
    case persistence::status_applied: ++st.counters.applied; break;
    case persistence::status_replayed: ++st.counters.replayed; break;
    case persistence::status_insufficient: ++st.counters.insufficient; break;
    case persistence::status_conflict: ++st.counters.conflicts; break;
    case persistence::status_stale_owner: ++st.counters.stale; break;
    default: ++st.counters.failed; break;
  }
}

// Claims the wallets that asked meanwhile, in one transaction.
void flush_claims(writer_ptr self) {
  auto& st = self->state;
  if (st.claims.empty())
    return;
  auto ids = std::move(st.claims);
  auto promises = std::move(st.claim_promises);
  st.claims.clear();
  st.claim_promises.clear();
  // A wallet asks once at a time, but be safe: claim each id once.
  std::vector<std::string> unique;
  std::unordered_map<std::string, size_t> index;
  for (const auto& id : ids)
    if (index.emplace(id, unique.size()).second)
      unique.push_back(id);
  st.counters.claims_total += static_cast<int64_t>(ids.size());
  try {
    auto claimed = st.store->claim_many(unique);
    for (size_t i = 0; i < ids.size(); ++i)
      promises[i].deliver(claimed.at(index.at(ids[i])));
  } catch (const std::exception& e) {
    if (!dynamic_cast<const persistence::unavailable*>(&e))
      spdlog::error("claiming {} wallets failed: {}", unique.size(), e.what());
    for (auto& rp : promises)
      rp.deliver(database_unavailable(ledger_db));
  }
}

// Commits what has gathered, in one transaction, and answers each wallet.
void flush(writer_ptr self) {
  auto& st = self->state;
  flush_claims(self);
  if (st.batch.empty())
    return;
  auto batch = std::move(st.batch);
  auto promises = std::move(st.promises);
  st.batch.clear();
  st.promises.clear();
  auto start = std::chrono::steady_clock::now();
  std::vector<persistence::movement_outcome> outcomes;
  try {
    outcomes = st.store->apply(batch);
  } catch (const std::exception& e) {
    spdlog::error("ledger batch of {} failed: {}", batch.size(), e.what());
  }
  outcomes.resize(batch.size()); // status_failed for anything missing
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(
              std::chrono::steady_clock::now() - start)
              .count();
  auto n = static_cast<int64_t>(batch.size());
  ++st.counters.batches;
  st.counters.batch_items += n;
  st.counters.batch_max_seen = std::max(st.counters.batch_max_seen, n);
  st.counters.commit_us_total += us;
  st.counters.commit_us_max = std::max<int64_t>(st.counters.commit_us_max, us);
  for (size_t i = 0; i < batch.size(); ++i) {
    count(st, outcomes[i].status);
    promises[i].deliver(std::move(outcomes[i]));
  }
}

// Natural batching: the flush message queues behind everything already in
// the mailbox, so one commit carries all of it; with a window, the batch
// also waits that long for company.
void schedule_flush(writer_ptr self) {
  auto& st = self->state;
  if (st.flush_scheduled)
    return;
  st.flush_scheduled = true;
  if (st.settings.batch_window.count() > 0)
    self->delayed_send(self, st.settings.batch_window, flush_atom::value);
  else
    self->send(self, flush_atom::value);
}

} // namespace

ledger_writer_actor::behavior_type
ledger_writer(writer_ptr self, std::shared_ptr<persistence::ledger_store> store,
              writer_settings settings) {
  self->state.store = std::move(store);
  self->state.settings = settings;
  if (self->state.settings.batch_max == 0)
    self->state.settings.batch_max = 1;
  return {
    [self](apply_atom, persistence::movement& m)
      -> caf::result<persistence::movement_outcome> {
      auto& st = self->state;
      auto rp = self->make_response_promise<persistence::movement_outcome>();
      st.batch.push_back(std::move(m));
      st.promises.push_back(rp);
      if (st.batch.size() >= st.settings.batch_max)
        flush(self);
      else
        schedule_flush(self);
      return rp;
    },
    [self](flush_atom) {
      self->state.flush_scheduled = false;
      flush(self);
    },
    [self](claim_atom, std::string& user_id)
      -> caf::result<persistence::wallet_claim> {
      auto& st = self->state;
      auto rp = self->make_response_promise<persistence::wallet_claim>();
      st.claims.push_back(std::move(user_id));
      st.claim_promises.push_back(rp);
      schedule_flush(self);
      return rp;
    },
    [self](refund_atom, const persistence::refund_command& cmd)
      -> caf::result<persistence::refund_outcome> {
      flush(self);
      ++self->state.counters.refunds;
      return guarded<persistence::refund_outcome>(ledger_db,
        [&]() -> caf::result<persistence::refund_outcome> {
          return self->state.store->refund(cmd);
        });
    },
    [self](stats_atom) -> gauge_map {
      auto& st = self->state;
      st.counters.queue_depth = static_cast<int64_t>(st.batch.size());
      return to_gauges(st.counters, writer_gauges);
    },
  };
}

ledger_reader_actor::behavior_type
ledger_reader(ledger_reader_actor::stateful_pointer<ledger_reader_state> self,
              std::shared_ptr<persistence::ledger_store> store) {
  self->state.store = std::move(store);
  return {
    [self](wallet_atom, const std::string& user_id)
      -> caf::result<persistence::account_summary> {
      return guarded<persistence::account_summary>(ledger_db,
        [&]() -> caf::result<persistence::account_summary> {
          return self->state.store->summary(user_id);
        });
    },
    [self](history_atom, const std::string& user_id, int64_t before,
           int64_t limit) -> caf::result<persistence::entries_page> {
      return guarded<persistence::entries_page>(ledger_db,
        [&]() -> caf::result<persistence::entries_page> {
          return self->state.store->entries(user_id, before, limit);
        });
    },
    [self](parties_atom, const std::string& session_id)
      -> caf::result<persistence::session_parties> {
      return guarded<persistence::session_parties>(ledger_db,
        [&]() -> caf::result<persistence::session_parties> {
          auto p = self->state.store->parties(session_id);
          if (!p)
            return fail(errc::not_found, "session_not_found",
                        "no charges are recorded for this session");
          return *p;
        });
    },
    [self](outbox_atom, const outbox_query& q) -> caf::result<outbox_page> {
      return guarded<outbox_page>(ledger_db, [&]() -> caf::result<outbox_page> {
        outbox_page page;
        std::vector<persistence::outbox_row> rows;
        try {
          rows = self->state.store->read_outbox(q.cursor, q.limit,
                                                page.next_cursor);
        } catch (const std::logic_error&) {
          return fail(errc::bad_request, "invalid_cursor",
                      "the cursor is not one this service handed out");
        }
        for (auto& r : rows)
          page.items.push_back(outbox_event{
            r.transaction_id, r.kind, r.user_id, r.counterparty_id,
            r.session_id, r.video_id, r.minute_index, r.amount_cents,
            r.creator_cents, r.fee_cents, r.created_at_ms});
        return page;
      });
    },
    [self](ping_atom) -> caf::result<bool> {
      return guarded<bool>(ledger_db, [&]() -> caf::result<bool> {
        self->state.store->ping();
        return true;
      });
    },
  };
}

} // namespace streamify::billing
