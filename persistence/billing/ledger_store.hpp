#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace streamify::persistence {

// The two accounts that are not users'. Money entering from the payment
// provider is taken from `deposits_account_id` (its balance is minus the sum
// of all deposits); platform fees go to `revenue_account_id`.
inline constexpr const char* revenue_account_id = "platform:revenue";
inline constexpr const char* deposits_account_id = "external:deposits";

bool is_system_account(const std::string& account_id);

// One line of a transaction. Kinds: deposit and provider (the two sides of a
// deposit), charge (viewer), earning (creator), fee (platform), refund
// (viewer), clawback (creator), fee_reversal (platform).
struct posting {
  std::string account_id;
  std::string kind;
  int64_t amount_cents = 0; // signed, never 0
};

// One money transaction a wallet asks for: a deposit, a charge or (built by
// the stores) the reversal of a charge. Its postings sum to zero;
// `subject_id` is the wallet's user.
struct movement {
  std::string id;           // the transaction id (chosen by the caller)
  std::string key;          // unique idempotency key
  std::string kind;         // "deposit", "charge" or "refund"
  std::string subject_id;   // the wallet's user
  int64_t owner_epoch = -1; // the wallet's epoch, checked when it debits
  std::string fingerprint;  // same key + other fingerprint = conflict
  int64_t amount_cents = 0; // what the subject pays or receives, > 0
  std::string counterparty_id;
  std::string session_id;
  std::string video_id;
  int64_t minute_index = -1;
  std::string memo;
  std::string reverses_id; // refunds: the charge it reverses
  std::string request_key; // refunds: the admin request it belongs to
  int64_t created_at_ms = 0;
  std::vector<posting> postings;
};

enum movement_status : uint8_t {
  status_applied = 0,     // committed now
  status_replayed,        // the key was committed before: its first result
  status_insufficient,    // the subject's balance is short, nothing written
  status_conflict,        // the key was used with another fingerprint
  status_stale_owner,     // another owner holds the wallet (owner_epoch moved)
  status_not_found,       // refunds: no charge recorded for the session
  status_failed,          // the outcome is unknown or the database is down:
                          // nothing is claimed; retry with the same key
};

struct movement_outcome {
  uint8_t status = status_failed;
  std::string transaction_id;
  int64_t amount_cents = 0;
  int64_t balance_after_cents = 0; // the subject's balance after it
  int64_t created_at_ms = 0;
};

// What `claim` answers: the wallet's new owner epoch and current balance.
struct wallet_claim {
  int64_t owner_epoch = 0;
  int64_t balance_cents = 0;
};

struct account_summary {
  int64_t balance_cents = 0;
  int64_t earned_cents = 0; // net of clawbacks
  int64_t spent_cents = 0;  // net of refunds
};

// One entry of a user's account with its transaction, for the history.
struct entry_row {
  int64_t seq = 0;
  std::string transaction_id;
  std::string kind; // deposit, charge, earning, refund (clawbacks too)
  int64_t amount_cents = 0;
  int64_t balance_after_cents = 0;
  std::string session_id;
  std::string video_id;
  int64_t created_at_ms = 0;
};

struct entries_page {
  std::vector<entry_row> items; // newest first
  int64_t next_before = 0;      // 0: no more
};

// Who took part in a session's charges.
struct session_parties {
  std::string session_id;
  std::string viewer_id;
  std::string creator_id;
  std::string video_id;
};

// Reverse every charge of a session that is not reversed yet, in one
// transaction, recorded under `request_key`.
struct refund_command {
  std::string request_key; // "refund:<admin>:<Idempotency-Key>"
  std::string fingerprint;
  std::string session_id;
  std::string admin_id;
  std::string reason;
  std::string creator_id;    // whose wallet runs it
  int64_t creator_epoch = -1;
  int64_t created_at_ms = 0;
};

struct refund_line {
  std::string transaction_id;
  std::string reversed_transaction_id;
  std::string viewer_id;
  std::string creator_id;
  std::string video_id;
  int64_t minute_index = 0;
  int64_t amount_cents = 0;   // back to the viewer
  int64_t creator_cents = 0;  // taken back from the creator
  int64_t platform_cents = 0; // borne by the platform (its fee, and what the
                              // creator's balance could not cover)
  int64_t created_at_ms = 0;
};

struct refund_outcome {
  uint8_t status = status_failed;
  std::vector<refund_line> lines;
};

// The invariants of the ledger. Zero differences means: every transaction has
// at least two entries summing to zero, every cached balance and counter
// equals its entries, no user balance is negative, no key or reversal is
// duplicated, no charge is refunded beyond its amount, every transaction
// has its outbox row and every reference between the tables holds.
struct reconcile_report {
  int64_t transactions = 0;
  int64_t entries = 0;
  int64_t accounts = 0;
  int64_t unbalanced_transactions = 0;
  int64_t short_transactions = 0;
  int64_t balance_mismatches = 0;
  int64_t counter_mismatches = 0;
  int64_t negative_balances = 0;
  int64_t duplicate_keys = 0;
  int64_t over_refunds = 0;
  int64_t missing_outbox = 0; // transactions without exactly one outbox row
  int64_t summary_mismatches = 0; // transaction rows whose summaries of
                                  // their entries differ from them
  int64_t orphans = 0; // entries or outbox rows naming no transaction,
                       // entries or transactions naming no account
  std::vector<std::string> samples; // a few offending ids, for operators

  int64_t differences() const {
    return unbalanced_transactions + short_transactions + balance_mismatches
           + counter_mismatches + negative_balances + duplicate_keys
           + over_refunds + missing_outbox + summary_mismatches + orphans;
  }
  bool ok() const { return differences() == 0; }
  std::string to_string() const;
};

// One row of the outbox, read by the analytics role. The cursor is
// (txid, seq): rows are handed out only once every older transaction has
// ended, so a reader never skips a row that commits late.
struct outbox_row {
  int64_t seq = 0;
  std::string txid; // xid8 as decimal text
  std::string transaction_id;
  std::string kind; // deposit, charge, refund
  std::string user_id;
  std::string counterparty_id;
  std::string session_id;
  std::string video_id;
  int64_t minute_index = -1;
  int64_t amount_cents = 0;
  int64_t creator_cents = 0;
  int64_t fee_cents = 0;
  int64_t created_at_ms = 0;
};

// Where the billing role keeps the ledger. The PostgreSQL repository serves
// nodes (one instance per connection); the in-memory store serves actor
// tests. Every call is one database transaction.
class ledger_store {
public:
  virtual ~ledger_store() = default;

  // Creates the user's account when missing and moves its owner_epoch on:
  // debits carrying an older epoch are refused from now on.
  virtual wallet_claim claim(const std::string& user_id) = 0;

  // Claims many wallets in one transaction (the writer gathers the claims of
  // wallets waking up together); one answer per id, in order. Ids must be
  // unique.
  virtual std::vector<wallet_claim>
  claim_many(const std::vector<std::string>& user_ids) {
    std::vector<wallet_claim> out;
    for (const auto& id : user_ids)
      out.push_back(claim(id));
    return out;
  }

  // Applies a batch in one transaction and answers one outcome per movement,
  // in order. A failing movement (short balance, replayed or conflicting
  // key, stale owner) does not stop the others. Movements of one subject
  // apply in batch order. Outcomes are status_failed when the commit's fate
  // cannot be learnt (nothing of them is then claimed).
  virtual std::vector<movement_outcome>
  apply(const std::vector<movement>& batch) = 0;

  virtual refund_outcome refund(const refund_command& cmd) = 0;

  virtual account_summary summary(const std::string& user_id) = 0;

  // Entries with seq < before (0: from the newest), newest first.
  virtual entries_page entries(const std::string& user_id, int64_t before,
                               int64_t limit) = 0;

  virtual std::optional<session_parties>
  parties(const std::string& session_id) = 0;

  virtual reconcile_report reconcile() = 0;

  // Outbox rows after `cursor` (empty: from the start), at most `limit`;
  // `next_cursor` is set to the cursor to pass next time. A malformed cursor
  // throws std::invalid_argument.
  virtual std::vector<outbox_row> read_outbox(const std::string& cursor,
                                              int64_t limit,
                                              std::string& next_cursor) = 0;

  virtual void ping() = 0;
};

// -- Shared rules of both stores ---------------------------------------------

// The earned/spent counters an entry moves.
struct counter_delta {
  int64_t earned = 0;
  int64_t spent = 0;
};
counter_delta counters_of(const std::string& entry_kind, int64_t amount);

// The user-facing kind of an entry (clawbacks show as refunds).
std::string history_kind(const std::string& entry_kind);

// Array literals for `unnest($1::text[])` parameters.
std::string pg_array(const std::vector<std::string>& xs);
std::string pg_array(const std::vector<int64_t>& xs);

// A fresh transaction id.
using id_generator = std::function<std::string()>;

} // namespace streamify::persistence
