#pragma once

// The billing role's inside: the interfaces of the wallet actors, the ledger
// writers and readers (all on the billing node, never across nodes), and the
// inspect overloads that let the persistence types travel in messages.

#include <cstdint>
#include <map>
#include <string>

#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/billing/messages.hpp"
#include "actors/common/gauges.hpp"
#include "persistence/billing/ledger_store.hpp"

namespace streamify::persistence {

// Found by argument-dependent lookup; persistence itself stays free of CAF.

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, posting& x) {
  return f(caf::meta::type_name("posting"), x.account_id, x.kind,
           x.amount_cents);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, movement& x) {
  return f(caf::meta::type_name("movement"), x.id, x.key, x.kind, x.subject_id,
           x.owner_epoch, x.fingerprint, x.amount_cents, x.counterparty_id,
           x.session_id, x.video_id, x.minute_index, x.memo, x.reverses_id,
           x.request_key, x.created_at_ms, x.postings);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, movement_outcome& x) {
  return f(caf::meta::type_name("movement_outcome"), x.status,
           x.transaction_id, x.amount_cents, x.balance_after_cents,
           x.created_at_ms);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, wallet_claim& x) {
  return f(caf::meta::type_name("wallet_claim"), x.owner_epoch,
           x.balance_cents);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, account_summary& x) {
  return f(caf::meta::type_name("account_summary"), x.balance_cents,
           x.earned_cents, x.spent_cents);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, entry_row& x) {
  return f(caf::meta::type_name("entry_row"), x.seq, x.transaction_id, x.kind,
           x.amount_cents, x.balance_after_cents, x.session_id, x.video_id,
           x.created_at_ms);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, entries_page& x) {
  return f(caf::meta::type_name("entries_page"), x.items, x.next_before);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, session_parties& x) {
  return f(caf::meta::type_name("session_parties"), x.session_id, x.viewer_id,
           x.creator_id, x.video_id);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, refund_command& x) {
  return f(caf::meta::type_name("refund_command"), x.request_key,
           x.fingerprint, x.session_id, x.admin_id, x.reason, x.creator_id,
           x.creator_epoch, x.created_at_ms);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, refund_outcome& x) {
  return f(caf::meta::type_name("refund_outcome"), x.status, x.lines);
}

} // namespace streamify::persistence

namespace streamify::billing {

using claim_atom = caf::atom_constant<caf::atom("claim")>;
using apply_atom = caf::atom_constant<caf::atom("apply")>;
using flush_atom = caf::atom_constant<caf::atom("flush")>;
using stats_atom = caf::atom_constant<caf::atom("stats")>;
using parties_atom = caf::atom_constant<caf::atom("parties")>;
using idle_atom = caf::atom_constant<caf::atom("idle")>;
using stop_atom = caf::atom_constant<caf::atom("stop")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using passivate_atom = caf::atom_constant<caf::atom("passivate")>;
using forwarded_atom = caf::atom_constant<caf::atom("forwarded")>;


// The ledger writer: owns one connection and commits the movements of many
// wallets in batches (group commit), answering each only after its commit.
using ledger_writer_actor = caf::typed_actor<
  caf::replies_to<claim_atom, std::string>::with<persistence::wallet_claim>,
  caf::replies_to<apply_atom, persistence::movement>::with<
    persistence::movement_outcome>,
  caf::replies_to<refund_atom, persistence::refund_command>::with<
    persistence::refund_outcome>,
  caf::replies_to<stats_atom>::with<gauge_map>,
  caf::reacts_to<flush_atom>>;

// A ledger reader: owns one connection for the queries.
using ledger_reader_actor = caf::typed_actor<
  caf::replies_to<wallet_atom, std::string>::with<persistence::account_summary>,
  caf::replies_to<history_atom, std::string, int64_t, int64_t>::with<
    persistence::entries_page>,
  caf::replies_to<parties_atom, std::string>::with<persistence::session_parties>,
  caf::replies_to<outbox_atom, outbox_query>::with<outbox_page>,
  caf::replies_to<ping_atom>::with<bool>>;

// One user's wallet: the single writer of that user's debits.
using wallet_actor = caf::typed_actor<
  caf::replies_to<charge_atom, charge_request>::with<charge_result>,
  caf::replies_to<deposit_atom, deposit_request>::with<deposit_result>,
  caf::replies_to<refund_atom, refund_request,
                  persistence::session_parties>::with<refund_result>,
  caf::reacts_to<tick_atom>,
  caf::reacts_to<stop_atom>,
  // An operator's request to passivate now: the wallet asks the router
  // (the idle handshake) when nothing is in flight, else ignores it.
  caf::reacts_to<passivate_atom>>;

// The billing router: the role's public interface plus the passivation
// handshake of its wallets, (idle_atom, user_id, requests handled), and the
// operator's (passivate_atom, user_id): false when the wallet is not
// resident, true when it was asked to passivate. Another billing node hands
// over the money writes of wallets its shard map puts here as
// (forwarded_atom, ...): served here whatever this node's map says, so two
// nodes whose maps disagree never pass a request back and forth.
using billing_router_actor = billing_actor::extend<
  caf::reacts_to<idle_atom, std::string, uint64_t>,
  caf::replies_to<passivate_atom, std::string>::with<bool>,
  caf::replies_to<forwarded_atom, charge_request>::with<charge_result>,
  caf::replies_to<forwarded_atom, deposit_request>::with<deposit_result>,
  caf::replies_to<forwarded_atom, refund_request,
                  persistence::session_parties>::with<refund_result>>;

} // namespace streamify::billing
