#pragma once

// The operator's interface to a node: the inspector actor every node
// publishes on its admin port (nodes/inspector_actor.hpp) and the
// actor-inspector program. Every request carries the admin secret first;
// a wrong one is errc::forbidden "wrong_admin_secret".

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/billing/messages.hpp"
#include "actors/common/actor_stats.hpp"
#include "actors/streaming/messages.hpp"
#include "persistence/billing/ledger_store.hpp"

namespace streamify::admin {

using node_info_atom = caf::atom_constant<caf::atom("node_info")>;
using actors_atom = caf::atom_constant<caf::atom("actors")>;
using sessions_atom = caf::atom_constant<caf::atom("sessions")>;
using wallet_info_atom = caf::atom_constant<caf::atom("wallet_inf")>;
using reconcile_atom = caf::atom_constant<caf::atom("reconcile")>;
using end_session_atom = caf::atom_constant<caf::atom("end_sess")>;
using passivate_wallet_atom = caf::atom_constant<caf::atom("pass_wall")>;

// Another node this one calls, found through cluster.peers.
struct peer_node {
  std::string cluster_endpoint; // host:port of its published roles
  std::vector<std::string> roles; // the roles this node uses there
  bool reachable = false;
  std::string name; // empty when unreachable ("no admin endpoint" when up
                    // without one)
  std::string admin_endpoint; // host:port; empty when unreachable or off
};

struct node_info {
  std::string name;
  std::vector<std::string> roles;
  std::string cluster_endpoint; // empty when the node publishes no roles
  std::string admin_endpoint;
  int64_t uptime_ms = 0;
  std::string build;
  std::vector<peer_node> peers;
};

// Live actors by kind and the busiest `limit` of them.
struct actor_report {
  std::map<std::string, int64_t> counts;
  std::vector<actor_sample> top;
};

struct session_sample {
  std::string id;
  std::string viewer_id;
  std::string video_id;
  std::string state; // active, payment_required, ended
  int64_t minutes_paid = 0;
  int64_t heartbeat_age_ms = -1; // -1: no heartbeat yet
  int64_t mailbox = 0;
  int64_t handled = 0;
};

struct wallet_report {
  std::string user_id;
  std::string node; // the node whose billing role owns the wallet
  bool resident = false; // a wallet actor is live for the user
  int64_t balance_cents = 0;
  int64_t earned_cents = 0;
  int64_t spent_cents = 0;
  std::vector<billing::wallet_transaction> entries; // newest first
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, peer_node& x) {
  return f(caf::meta::type_name("peer_node"), x.cluster_endpoint, x.roles,
           x.reachable, x.name, x.admin_endpoint);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_info& x) {
  return f(caf::meta::type_name("node_info"), x.name, x.roles,
           x.cluster_endpoint, x.admin_endpoint, x.uptime_ms, x.build,
           x.peers);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, actor_report& x) {
  return f(caf::meta::type_name("actor_report"), x.counts, x.top);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, session_sample& x) {
  return f(caf::meta::type_name("session_sample"), x.id, x.viewer_id,
           x.video_id, x.state, x.minutes_paid, x.heartbeat_age_ms, x.mailbox,
           x.handled);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, wallet_report& x) {
  return f(caf::meta::type_name("wallet_report"), x.user_id, x.node,
           x.resident, x.balance_cents, x.earned_cents, x.spent_cents,
           x.entries);
}

using session_samples = std::vector<session_sample>;

// (secret, ...) on every request. `node_info` with probe_peers asks each
// peer's inspector (found through its published roles) for its name and
// admin endpoint; without, it answers at once (peers ask each other so).
// `actors` takes the ranking ("mailbox" or "messages") and a count;
// `sessions` a viewer and a video id (empty: any). `wallet_info`,
// `reconcile` and `pass_wall` need the billing role on this node,
// `end_sess` the streaming role (else errc::not_found "role_not_hosted").
using inspector_actor = caf::typed_actor<
  caf::replies_to<node_info_atom, std::string, bool>::with<node_info>,
  caf::replies_to<actors_atom, std::string, std::string, int64_t>::with<
    actor_report>,
  caf::replies_to<sessions_atom, std::string, std::string, std::string>::with<
    session_samples>,
  caf::replies_to<wallet_info_atom, std::string, std::string>::with<
    wallet_report>,
  caf::replies_to<reconcile_atom, std::string>::with<
    persistence::reconcile_report>,
  caf::replies_to<end_session_atom, std::string, std::string>::with<
    streaming::session_view>,
  caf::replies_to<passivate_wallet_atom, std::string, std::string>::with<
    bool>>;

} // namespace streamify::admin

namespace streamify {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, actor_sample& x) {
  return f(caf::meta::type_name("actor_sample"), x.kind, x.id, x.mailbox,
           x.handled, x.age_ms, x.labels);
}

} // namespace streamify

namespace streamify::persistence {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, reconcile_report& x) {
  return f(caf::meta::type_name("reconcile_report"), x.transactions,
           x.entries, x.accounts, x.unbalanced_transactions,
           x.short_transactions, x.balance_mismatches, x.counter_mismatches,
           x.negative_balances, x.duplicate_keys, x.over_refunds,
           x.missing_outbox, x.summary_mismatches, x.orphans, x.samples);
}

} // namespace streamify::persistence
