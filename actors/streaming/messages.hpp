#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/optional.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/catalog/messages.hpp"
#include "actors/common/messages.hpp"
#include "persistence/streaming/session_store.hpp"

namespace streamify::streaming {

using start_atom = caf::atom_constant<caf::atom("start")>;
using heartbeat_atom = caf::atom_constant<caf::atom("heartbeat")>;
using end_atom = caf::atom_constant<caf::atom("end")>;
using get_session_atom = caf::atom_constant<caf::atom("get_sess")>;
using history_atom = caf::atom_constant<caf::atom("history")>;
using session_ended_atom = caf::atom_constant<caf::atom("sess_ended")>;
using idle_check_atom = caf::atom_constant<caf::atom("idle_check")>;
using save_atom = caf::atom_constant<caf::atom("save")>;
using find_atom = caf::atom_constant<caf::atom("find")>;
using subscribe_atom = caf::atom_constant<caf::atom("subscribe")>;
using session_changed_atom = caf::atom_constant<caf::atom("sess_chg")>;
using claim_atom = caf::atom_constant<caf::atom("claim")>;

// `POST /api/sessions` for one viewer. The idempotency key is optional.
struct start_request {
  std::string viewer_id;
  std::string video_id;
  std::string idempotency_key;
};

struct heartbeat_request {
  std::string session_id;
  std::string viewer_id;
  int64_t position_ms = 0;
  bool playing = false;
  caf::optional<int64_t> seq;
};

// A session as its viewer sees it (the gateway adds stream_url).
struct session_view {
  std::string id;
  std::string viewer_id;
  std::string video_id;
  std::string state; // active, payment_required, ended
  int64_t price_per_minute_cents = 0;
  int64_t minutes_paid = 0;
  int64_t charged_cents = 0;
  int64_t billed_ms = 0;
  int64_t position_ms = 0;
  int64_t balance_cents = 0;
  int64_t heartbeat_interval_s = 0;
  std::string end_reason; // empty while live
  int64_t max_rate_permille = 0; // streaming.max-playback-rate x 1000
};

// A gateway about to deliver the time span [begin_ms, end_ms) of the
// session's video (paid_window.hpp).
struct claim_request {
  std::string session_id;
  int64_t begin_ms = 0;
  int64_t end_ms = 0;
};

// What the session has received around a granted claim, grant ahead
// included: a gateway may deliver anything inside it without asking again.
struct span_grant {
  int64_t begin_ms = 0;
  int64_t end_ms = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, claim_request& x) {
  return f(caf::meta::type_name("claim_request"), x.session_id, x.begin_ms,
           x.end_ms);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, span_grant& x) {
  return f(caf::meta::type_name("span_grant"), x.begin_ms, x.end_ms);
}

struct history_request {
  std::string viewer_id;
  int64_t limit = 20;
  std::string cursor; // opaque, from a previous page
};

struct history_item {
  std::string session_id;
  std::string video_id;
  std::string title;
  int64_t started_at_ms = 0;
  int64_t billed_ms = 0;
  int64_t charged_cents = 0;
  int64_t position_ms = 0;
  caf::optional<int64_t> resume_ms;
};

struct history_page {
  std::vector<history_item> items;
  std::string next_cursor; // empty on the last page
};

// A session's new state or paid-through minute, pushed to the gateways'
// entitlement caches so a 402 or 410 takes effect at once.
struct entitlement_update {
  std::string session_id;
  std::string viewer_id;
  std::string state; // active, payment_required, ended
  int64_t minutes_paid = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, entitlement_update& x) {
  return f(caf::meta::type_name("entitlement_update"), x.session_id,
           x.viewer_id, x.state, x.minutes_paid);
}

// A gateway's receiver of entitlement updates, subscribed to the role.
using entitlement_listener = caf::typed_actor<
  caf::reacts_to<session_changed_atom, entitlement_update>>;

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, start_request& x) {
  return f(caf::meta::type_name("start_request"), x.viewer_id, x.video_id,
           x.idempotency_key);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, heartbeat_request& x) {
  return f(caf::meta::type_name("heartbeat_request"), x.session_id,
           x.viewer_id, x.position_ms, x.playing, x.seq);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, session_view& x) {
  return f(caf::meta::type_name("session_view"), x.id, x.viewer_id,
           x.video_id, x.state, x.price_per_minute_cents, x.minutes_paid,
           x.charged_cents, x.billed_ms, x.position_ms, x.balance_cents,
           x.heartbeat_interval_s, x.end_reason, x.max_rate_permille);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, history_request& x) {
  return f(caf::meta::type_name("history_request"), x.viewer_id, x.limit,
           x.cursor);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, history_item& x) {
  return f(caf::meta::type_name("history_item"), x.session_id, x.video_id,
           x.title, x.started_at_ms, x.billed_ms, x.charged_cents,
           x.position_ms, x.resume_ms);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, history_page& x) {
  return f(caf::meta::type_name("history_page"), x.items, x.next_cursor);
}

// The streaming role as the gateway sees it. Session calls carry the
// caller's user id: another viewer's session is forbidden.
using streaming_actor = caf::typed_actor<
  caf::replies_to<start_atom, start_request>::with<session_view>,
  caf::replies_to<heartbeat_atom, heartbeat_request>::with<session_view>,
  caf::replies_to<end_atom, std::string, std::string>::with<session_view>,
  caf::replies_to<get_session_atom, std::string, std::string>::with<
    session_view>,
  // Any viewer's session: for the gateway's stream endpoint, which checks
  // the viewer itself (a stream token names no user).
  caf::replies_to<get_session_atom, std::string>::with<session_view>,
  caf::replies_to<history_atom, history_request>::with<history_page>,
  // A trusted gateway call, like the lookup above: granted spans, or 402
  // payment_required / beyond_paid_window, 410 ended, 404 unknown.
  caf::replies_to<claim_atom, claim_request>::with<span_grant>,
  caf::replies_to<status_atom>::with<role_status>,
  caf::reacts_to<catalog::video_deleted_atom, std::string>,
  caf::reacts_to<session_ended_atom, session_view>,
  // Every later change of a live session goes to the listener until it
  // stops; sessions report theirs with session_changed_atom.
  caf::reacts_to<subscribe_atom, entitlement_listener>,
  caf::reacts_to<session_changed_atom, entitlement_update>>;

// One live session, spawned and addressed by the streaming role.
using session_actor = caf::typed_actor<
  caf::replies_to<start_atom>::with<session_view>,
  caf::replies_to<heartbeat_atom, heartbeat_request>::with<session_view>,
  caf::replies_to<end_atom>::with<session_view>,
  caf::replies_to<get_session_atom>::with<session_view>,
  caf::replies_to<claim_atom, int64_t, int64_t>::with<span_grant>,
  caf::reacts_to<catalog::video_deleted_atom>,
  caf::reacts_to<idle_check_atom>>;

// Owns the store (a database connection in nodes): blocking, so detached.
using session_store_actor = caf::typed_actor<
  caf::replies_to<save_atom, persistence::session_row>::with<bool>,
  caf::replies_to<find_atom, std::string>::with<persistence::session_row>,
  caf::replies_to<history_atom, history_request>::with<history_page>,
  caf::replies_to<ping_atom>::with<bool>>;

} // namespace streamify::streaming

namespace streamify::persistence {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, session_row& x) {
  return f(caf::meta::type_name("session_row"), x.id, x.viewer_id, x.video_id,
           x.owner_id, x.title, x.duration_ms, x.price_cents, x.fee_bps,
           x.state, x.end_reason, x.started_at_ms, x.ended_at_ms,
           x.minutes_paid, x.charged_cents, x.billed_ms, x.position_ms,
           x.playing, x.last_heartbeat_ms, x.last_seq, x.balance_cents,
           x.view_counted, x.delivered);
}

} // namespace streamify::persistence
