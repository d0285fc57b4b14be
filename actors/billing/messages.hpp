#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/common/messages.hpp"
#include "persistence/billing/ledger_store.hpp"

namespace streamify::persistence {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, refund_line& x) {
  return f(caf::meta::type_name("refund_line"), x.transaction_id,
           x.reversed_transaction_id, x.viewer_id, x.creator_id, x.video_id,
           x.minute_index, x.amount_cents, x.creator_cents, x.platform_cents,
           x.created_at_ms);
}

} // namespace streamify::persistence

namespace streamify::billing {

using charge_atom = caf::atom_constant<caf::atom("charge")>;

// One minute of a viewing session. The idempotency key is
// "charge:<session_id>:<minute_index>"; a repeated key answers the first
// result, the same key with another amount is errc::conflict, a short balance
// is errc::payment_required ("insufficient_funds"). Platform fee =
// floor(price_cents * fee_bps / 10000); the creator earns the rest.
struct charge_request {
  std::string viewer_id;
  std::string creator_id;
  std::string session_id;
  std::string video_id;
  int64_t minute_index = 0;
  int64_t price_cents = 0;
  int64_t fee_bps = 0;
};

struct charge_result {
  std::string transaction_id;
  int64_t amount_cents = 0;   // what the viewer paid
  int64_t balance_cents = 0;  // the viewer's balance after the charge
  bool replayed = false;      // the key had been charged before
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, charge_request& x) {
  return f(caf::meta::type_name("charge_request"), x.viewer_id, x.creator_id,
           x.session_id, x.video_id, x.minute_index, x.price_cents, x.fee_bps);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, charge_result& x) {
  return f(caf::meta::type_name("charge_result"), x.transaction_id,
           x.amount_cents, x.balance_cents, x.replayed);
}

// Cross-role protocol of the billing role used by streaming (the full typed
// interface lives with the billing actor):
//   (charge_atom, charge_request) -> charge_result | payment_required | conflict

// -- The rest of the billing role's interface (Wallet API, analytics) ---------

using deposit_atom = caf::atom_constant<caf::atom("deposit")>;
using wallet_atom = caf::atom_constant<caf::atom("wallet")>;
using history_atom = caf::atom_constant<caf::atom("history")>;
using refund_atom = caf::atom_constant<caf::atom("refund")>;
using outbox_atom = caf::atom_constant<caf::atom("outbox")>;

// A deposit through the payment provider. `idempotency_key` is the client's
// Idempotency-Key (scoped to the user); `fingerprint` identifies the request
// body: the same key with another fingerprint is errc::conflict, the same key
// with the same fingerprint replays the first result. An amount outside the
// configured range is errc::invalid.
struct deposit_request {
  std::string user_id;
  std::string idempotency_key;
  std::string fingerprint;
  int64_t amount_cents = 0;
};

struct deposit_result {
  std::string deposit_id;
  int64_t amount_cents = 0;
  int64_t balance_cents = 0; // right after this deposit
  bool replayed = false;
  int64_t created_at_ms = 0;
};

// GET /api/wallet: earnings raise both balance and earned.
struct wallet_summary {
  int64_t balance_cents = 0;
  int64_t earned_cents = 0; // net of clawbacks by refunds
  int64_t spent_cents = 0;  // net of refunds
};

// One page of a user's transactions, newest first. `cursor` is the opaque
// next_cursor of the previous page (empty: from the newest); a malformed
// cursor is errc::bad_request.
struct history_query {
  std::string user_id;
  std::string cursor;
  int64_t limit = 20;
};

struct wallet_transaction {
  std::string id;
  std::string kind; // deposit, charge, earning, refund
  int64_t amount_cents = 0; // signed, as seen by the user
  int64_t balance_after_cents = 0;
  std::string session_id; // empty when none
  std::string video_id;   // empty when none
  int64_t created_at_ms = 0;
};

struct history_page {
  std::vector<wallet_transaction> items;
  std::string next_cursor; // empty: no more
};

// POST /api/admin/sessions/{id}/refund. Reverses every charge of the session
// not reversed yet (the viewer gets each charge back whole; the creator gives
// back the earning as far as its balance allows, the platform bears the
// rest). Idempotent by (admin, idempotency_key); another fingerprint under
// the same key is errc::conflict; a session without charges is
// errc::not_found.
struct refund_request {
  std::string admin_id;
  std::string session_id;
  std::string idempotency_key;
  std::string fingerprint;
  std::string reason;
};

// One reversed charge: the ledger's own line, handed out as it is.
using refund_line = persistence::refund_line;

struct refund_result {
  std::string session_id;
  int64_t refunded_cents = 0;
  std::vector<refund_line> items;
  bool replayed = false;
};

// The money transactions in commit order for the analytics role: rows after
// `cursor` (empty: from the start) whose transaction and every older one have
// ended, so no row is ever skipped.
struct outbox_query {
  std::string cursor;
  int64_t limit = 500;
};

struct outbox_event {
  std::string transaction_id;
  std::string kind; // deposit, charge, refund
  std::string user_id;      // depositor, or the viewer of a charge/refund
  std::string creator_id;   // empty for deposits
  std::string session_id;
  std::string video_id;
  int64_t minute_index = -1;
  int64_t amount_cents = 0;  // deposited, paid, or given back (all > 0)
  int64_t creator_cents = 0; // to the creator; negative when taken back
  int64_t fee_cents = 0;     // to the platform; negative when given back
  int64_t created_at_ms = 0;
};

struct outbox_page {
  std::vector<outbox_event> items;
  std::string next_cursor; // pass back as is; unchanged when nothing is new
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, deposit_request& x) {
  return f(caf::meta::type_name("deposit_request"), x.user_id,
           x.idempotency_key, x.fingerprint, x.amount_cents);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, deposit_result& x) {
  return f(caf::meta::type_name("deposit_result"), x.deposit_id,
           x.amount_cents, x.balance_cents, x.replayed, x.created_at_ms);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, wallet_summary& x) {
  return f(caf::meta::type_name("wallet_summary"), x.balance_cents,
           x.earned_cents, x.spent_cents);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, history_query& x) {
  return f(caf::meta::type_name("history_query"), x.user_id, x.cursor,
           x.limit);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, wallet_transaction& x) {
  return f(caf::meta::type_name("wallet_transaction"), x.id, x.kind,
           x.amount_cents, x.balance_after_cents, x.session_id, x.video_id,
           x.created_at_ms);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, history_page& x) {
  return f(caf::meta::type_name("history_page"), x.items, x.next_cursor);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, refund_request& x) {
  return f(caf::meta::type_name("refund_request"), x.admin_id, x.session_id,
           x.idempotency_key, x.fingerprint, x.reason);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, refund_result& x) {
  return f(caf::meta::type_name("refund_result"), x.session_id,
           x.refunded_cents, x.items, x.replayed);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, outbox_query& x) {
  return f(caf::meta::type_name("outbox_query"), x.cursor, x.limit);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, outbox_event& x) {
  return f(caf::meta::type_name("outbox_event"), x.transaction_id, x.kind,
           x.user_id, x.creator_id, x.session_id, x.video_id, x.minute_index,
           x.amount_cents, x.creator_cents, x.fee_cents, x.created_at_ms);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, outbox_page& x) {
  return f(caf::meta::type_name("outbox_page"), x.items, x.next_cursor);
}

// The billing role as the gateway and other roles see it. Errors carry
// (machine_code, message): payment_required "insufficient_funds", conflict
// "idempotency_conflict", invalid, not_found, unavailable.
using billing_actor = caf::typed_actor<
  caf::replies_to<charge_atom, charge_request>::with<charge_result>,
  caf::replies_to<deposit_atom, deposit_request>::with<deposit_result>,
  caf::replies_to<wallet_atom, std::string>::with<wallet_summary>,
  caf::replies_to<history_atom, history_query>::with<history_page>,
  caf::replies_to<refund_atom, refund_request>::with<refund_result>,
  caf::replies_to<outbox_atom, outbox_query>::with<outbox_page>,
  caf::replies_to<status_atom>::with<role_status>>;

} // namespace streamify::billing
