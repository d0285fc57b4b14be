#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "persistence/billing/ledger_store.hpp"

namespace streamify::persistence {

// The decisions of one batch, computed by both stores from the same inputs
// (the keys of the batch already committed and the locked accounts it
// touches), so that the in-memory store of the actor tests behaves exactly
// like PostgreSQL.

struct stored_key {
  std::string transaction_id;
  std::string fingerprint;
  int64_t amount_cents = 0;
  int64_t balance_after_cents = 0; // of the transaction's subject
  int64_t created_at_ms = 0;
};

struct account_state {
  std::string kind = "user"; // user, revenue, external
  int64_t balance_cents = 0;
  int64_t earned_cents = 0;
  int64_t spent_cents = 0;
  int64_t owner_epoch = 0;
};

struct planned_entry {
  size_t movement = 0; // index into the batch
  std::string account_id;
  std::string kind;
  int64_t amount_cents = 0;
  int64_t balance_after_cents = 0;
};

// The net change of one account over the batch. `expect_epoch` >= 0 when the
// batch debits it on behalf of its owner: the update is then conditional on
// that epoch (and, for users, on the balance staying >= 0).
struct account_change {
  std::string account_id;
  bool user = true;
  int64_t delta = 0;
  int64_t earned = 0;
  int64_t spent = 0;
  int64_t expect_epoch = -1;
};

struct batch_plan {
  std::vector<movement_outcome> outcomes; // one per movement
  std::vector<size_t> applied;            // movements to write, in order
  std::vector<planned_entry> entries;     // in write order
  std::vector<account_change> changes;    // sorted by account id
};

// The unique keys of a batch, in first-seen order.
std::vector<std::string> keys_of(const std::vector<movement>& batch);

// The accounts (sorted, unique) that the movements whose key is not stored
// touch: the rows to create and lock, in this order.
std::vector<std::string>
accounts_to_lock(const std::vector<movement>& batch,
                 const std::unordered_map<std::string, stored_key>& stored);

// Decides every movement in batch order. `accounts` holds the locked state of
// every account of accounts_to_lock (a missing one counts as a new, empty
// user account).
batch_plan plan_batch(const std::vector<movement>& batch,
                      const std::unordered_map<std::string, stored_key>& stored,
                      std::unordered_map<std::string, account_state> accounts);

// A charge of a session not reversed yet, as a refund sees it.
struct refundable_charge {
  std::string transaction_id;
  std::string key;
  std::string viewer_id;
  std::string creator_id;
  std::string video_id;
  int64_t minute_index = 0;
  int64_t amount_cents = 0;  // the viewer paid
  int64_t creator_cents = 0; // the creator earned
  int64_t fee_cents = 0;     // the platform kept
};

// The reversal movements of `charges`: the viewer gets the whole amount back;
// the creator gives back its earning as far as its balance (running over the
// reversals) allows; the platform bears the rest. `creator_balances` holds the
// locked balance of every creator involved.
std::vector<movement>
build_reversals(const refund_command& cmd,
                const std::vector<refundable_charge>& charges,
                std::map<std::string, int64_t> creator_balances,
                const id_generator& make_id);

// The refund lines of planned reversals (all applied).
std::vector<refund_line> refund_lines(const std::vector<movement>& reversals,
                                      const batch_plan& plan);

} // namespace streamify::persistence
