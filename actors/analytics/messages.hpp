#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/atom.hpp>
#include <caf/fwd.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/common/messages.hpp"
#include "persistence/analytics/analytics_store.hpp"

namespace streamify::analytics {

using persistence::activity_event;
using persistence::creator_report;
using persistence::day_range;
using persistence::platform_report;
using persistence::video_report;

using activity_atom = caf::atom_constant<caf::atom("activity")>;
using relayed_atom = caf::atom_constant<caf::atom("an_relayed")>;
using flush_atom = caf::atom_constant<caf::atom("an_flush")>;
using creator_atom = caf::atom_constant<caf::atom("an_creator")>;
using video_stats_atom = caf::atom_constant<caf::atom("an_video")>;
using platform_atom = caf::atom_constant<caf::atom("an_platf")>;
using poll_atom = caf::atom_constant<caf::atom("an_poll")>;
using apply_atom = caf::atom_constant<caf::atom("an_apply")>;
using cursor_atom = caf::atom_constant<caf::atom("an_cursor")>;

// The name under which a node registers its activity relay in its actor
// registry, where track() finds it.
constexpr caf::atom_value registry_name = caf::atom("analytics");

// Reports activity to this node's activity relay, without waiting; nothing
// happens when there is none (no analytics role is configured). Never blocks
// the caller.
void track(caf::actor_system& sys, activity_event event);

// What a node's activity relay sends the analytics role, resent until it is
// acknowledged: the events (ids make a resent one count once) and the
// relay's running totals of what it had to drop, by which the role reports
// drops of every node.
struct relayed_activity {
  std::string relay_id;
  std::vector<activity_event> events;
  int64_t positions_dropped = 0;
  int64_t events_dropped = 0;
};

// Buffers what track() reports on one node and forwards it to analytics.
using activity_relay_actor = caf::typed_actor<
  caf::reacts_to<activity_atom, activity_event>, caf::reacts_to<flush_atom>>;

// The analytics role as the gateway and the other roles see it. Reports
// leave out days without activity; whether a video exists and whose it is
// is the catalog's to say.
// `relayed` is answered once the events are committed.
using analytics_actor = caf::typed_actor<
  caf::replies_to<relayed_atom, relayed_activity>::with<bool>,
  caf::replies_to<creator_atom, std::string, day_range>::with<creator_report>,
  caf::replies_to<video_stats_atom, std::string, day_range>::with<
    video_report>,
  caf::replies_to<platform_atom>::with<platform_report>,
  caf::replies_to<status_atom>::with<role_status>,
  caf::reacts_to<poll_atom>>;

// Owns the store (a database connection in nodes): blocking, so detached.
using analytics_worker_actor = caf::typed_actor<
  caf::replies_to<cursor_atom>::with<std::string>,
  caf::replies_to<apply_atom, persistence::analytics_batch>::with<bool>,
  caf::replies_to<creator_atom, std::string, day_range>::with<creator_report>,
  caf::replies_to<video_stats_atom, std::string, day_range>::with<
    video_report>,
  caf::replies_to<platform_atom>::with<platform_report>,
  caf::replies_to<ping_atom>::with<bool>>;

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, relayed_activity& x) {
  return f(caf::meta::type_name("relayed_activity"), x.relay_id, x.events,
           x.positions_dropped, x.events_dropped);
}

} // namespace streamify::analytics

namespace streamify::persistence {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, money_event& x) {
  return f(caf::meta::type_name("money_event"), x.transaction_id, x.kind,
           x.user_id, x.creator_id, x.session_id, x.video_id, x.minute_index,
           x.amount_cents, x.creator_cents, x.fee_cents, x.at_ms);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, activity_event& x) {
  return f(caf::meta::type_name("activity_event"), x.kind, x.id, x.video_id,
           x.viewer_id, x.owner_id, x.title, x.role, x.at_ms, x.duration_ms,
           x.billed_ms, x.position_ms, x.view_counted, x.gone);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, analytics_batch& x) {
  return f(caf::meta::type_name("analytics_batch"), x.money, x.activity,
           x.outbox_cursor);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, day_range& x) {
  return f(caf::meta::type_name("day_range"), x.from_day, x.to_day);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, activity_totals& x) {
  return f(caf::meta::type_name("activity_totals"), x.views,
           x.unique_viewers, x.watched_ms, x.revenue_cents, x.fee_cents);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, day_totals& x) {
  return f(caf::meta::type_name("day_totals"), x.day, x.totals);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, video_totals& x) {
  return f(caf::meta::type_name("video_totals"), x.video_id, x.title,
           x.totals);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, creator_report& x) {
  return f(caf::meta::type_name("creator_report"), x.totals, x.per_day,
           x.per_video);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, video_report& x) {
  return f(caf::meta::type_name("video_report"), x.totals, x.per_day,
           x.retention);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, platform_report& x) {
  return f(caf::meta::type_name("platform_report"), x.viewers, x.creators,
           x.admins, x.videos, x.sessions, x.watched_ms, x.deposits_cents,
           x.revenue_cents, x.fee_cents);
}

} // namespace streamify::persistence
