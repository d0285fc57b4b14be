#include "actors/streaming/streaming_actor.hpp"

#include <algorithm>

#include <caf/actor_cast.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/catalog/messages.hpp"
#include "actors/common/errc.hpp"
#include "actors/common/status_probe.hpp"
#include "actors/common/ids.hpp"

namespace streamify::streaming {

namespace {

using self_ptr = streaming_actor::stateful_pointer<streaming_state>;
using promise = caf::typed_response_promise<session_view>;


caf::error forbidden() {
  return fail(errc::forbidden, "not_your_session",
              "only the session's viewer may use it");
}

std::string live_key(const std::string& viewer, const std::string& video) {
  return viewer + '|' + video;
}

const session_store_actor& any_store(self_ptr self) {
  auto& st = self->state;
  return st.stores[st.next_store++ % st.stores.size()];
}

void forget(self_ptr self, const std::string& id) {
  auto& st = self->state;
  auto i = st.sessions.find(id);
  if (i == st.sessions.end())
    return;
  st.by_address.erase(i->second.handle.address());
  auto key = live_key(i->second.viewer_id, i->second.video_id);
  if (auto j = st.live.find(key); j != st.live.end() && j->second == id)
    st.live.erase(j);
  st.sessions.erase(i);
}

session_actor spawn_session(self_ptr self, persistence::session_row row,
                            bool resumed) {
  auto& st = self->state;
  session_peers peers{st.billing, st.catalog, any_store(self),
                      caf::actor_cast<streaming_actor>(self), st.clk};
  auto id = row.id;
  auto viewer = row.viewer_id;
  auto video = row.video_id;
  auto handle = self->spawn(session, std::move(row), resumed,
                            st.settings.session, std::move(peers));
  self->link_to(handle); // sessions end with the role
  st.sessions[id] = streaming_state::live_session{handle, viewer, video};
  st.live[live_key(viewer, video)] = id;
  st.by_address[handle.address()] = id;
  return handle;
}

// Asks a (new or live) session to start; a short balance drops a new one.
void start_session(self_ptr self, const std::string& id,
                   std::function<void(caf::expected<session_view>)> done) {
  auto& st = self->state;
  auto handle = st.sessions.at(id).handle;
  self->request(handle, st.settings.session_timeout, start_atom::value)
    .then([done](session_view& v) { done(std::move(v)); },
          [self, id, done](caf::error& err) {
            if (err == errc::payment_required)
              forget(self, id);
            done(std::move(err));
          });
}

void create_session(self_ptr self, const start_request& req,
                    const catalog::video_info& video,
                    std::function<void(caf::expected<session_view>)> done) {
  auto& st = self->state;
  if (video.status != "ready") {
    done(fail(errc::not_found, "video_not_found", "no such video"));
    return;
  }
  if (auto i = st.live.find(live_key(req.viewer_id, req.video_id));
      i != st.live.end()) {
    start_session(self, i->second, std::move(done));
    return;
  }
  auto now = st.clk->now_ms();
  persistence::session_row row;
  row.id = random_id();
  row.viewer_id = req.viewer_id;
  row.video_id = video.id;
  row.owner_id = video.owner_id;
  row.title = video.title;
  row.duration_ms = video.duration_ms;
  row.price_cents = video.price_per_minute_cents;
  row.fee_bps = st.settings.session.fee_bps;
  row.started_at_ms = now;
  row.last_heartbeat_ms = now; // creation counts as a heartbeat, not playing
  auto id = row.id;
  spawn_session(self, std::move(row), false);
  ++st.started_total;
  start_session(self, id, std::move(done));
}

void find_or_create(self_ptr self, const start_request& req,
                    std::function<void(caf::expected<session_view>)> done) {
  auto& st = self->state;
  if (auto i = st.live.find(live_key(req.viewer_id, req.video_id));
      i != st.live.end()) {
    start_session(self, i->second, std::move(done));
    return;
  }
  if (!st.catalog) {
    done(fail(errc::unavailable, "catalog_unavailable",
              "the catalog is unreachable, try again shortly"));
    return;
  }
  self
    ->request(st.catalog, st.settings.session.catalog_timeout,
              catalog::get_video_atom::value, req.video_id)
    .then(
      [self, req, done](catalog::video_info& video) {
        create_session(self, req, video, done);
      },
      [done](caf::error& err) {
        if (err == errc::not_found)
          done(fail(errc::not_found, "video_not_found", "no such video"));
        else
          done(fail(errc::unavailable, "catalog_unavailable",
                    "the catalog did not answer, try again shortly"));
      });
}

caf::result<session_view> start(self_ptr self, start_request& req) {
  auto& st = self->state;
  std::string key;
  if (!req.idempotency_key.empty()) {
    key = live_key(req.viewer_id, req.idempotency_key);
    if (auto i = st.keyed_starts.find(key); i != st.keyed_starts.end()) {
      const auto& prior = i->second;
      if (prior.video_id != req.video_id)
        return fail(errc::conflict, "idempotency_key_reused",
                    "this Idempotency-Key was used with another body");
      if (!prior.done)
        return fail(errc::conflict, "idempotency_key_in_use",
                    "a request with this Idempotency-Key is still running");
      if (prior.error)
        return prior.error;
      return prior.view;
    }
    if (st.keyed_starts.size() >= st.settings.idempotency_limit)
      st.keyed_starts.clear();
    st.keyed_starts[key] = streaming_state::keyed_start{req.video_id, false,
                                                        {}, {}};
  }
  auto rp = self->make_response_promise<session_view>();
  find_or_create(self, req, [self, rp, key](caf::expected<session_view> out) mutable {
    auto& starts = self->state.keyed_starts;
    if (auto i = starts.find(key); !key.empty() && i != starts.end()) {
      // Unavailability is not an outcome: the same key may try again.
      if (!out && out.error() != errc::payment_required
          && out.error() != errc::not_found)
        starts.erase(i);
      else {
        i->second.done = true;
        if (out)
          i->second.view = *out;
        else
          i->second.error = out.error();
      }
    }
    if (out)
      rp.deliver(std::move(*out));
    else
      rp.deliver(std::move(out.error()));
  });
  return rp;
}

// Routes a call on one session: the live actor, else the ended cache, else
// the store.
// A null viewer is the gateway's trusted lookup: any viewer's session.
template <class... Ts>
caf::result<session_view> on_session(self_ptr self, const std::string& id,
                                     const std::string* viewer, Ts... xs) {
  auto& st = self->state;
  if (auto i = st.sessions.find(id); i != st.sessions.end()) {
    if (viewer && i->second.viewer_id != *viewer)
      return forbidden();
    return self->delegate(i->second.handle, xs...);
  }
  if (auto i = st.recently_ended.find(id); i != st.recently_ended.end()) {
    if (viewer && i->second.viewer_id != *viewer)
      return forbidden();
    return i->second;
  }
  auto rp = self->make_response_promise<session_view>();
  self->request(any_store(self), st.settings.session.store_timeout,
                find_atom::value, id)
    .then(
      [rp, viewer = viewer ? caf::optional<std::string>{*viewer}
                           : caf::optional<std::string>{},
       settings = st.settings.session](persistence::session_row& row) mutable {
        if (viewer && row.viewer_id != *viewer)
          rp.deliver(forbidden());
        else
          rp.deliver(to_view(row, settings));
      },
      [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

// A claim goes to the live session; a session that is not live has ended (or
// never existed), and receives nothing more.
caf::result<span_grant> claim(self_ptr self, claim_request& req) {
  auto& st = self->state;
  if (auto i = st.sessions.find(req.session_id); i != st.sessions.end())
    return self->delegate(i->second.handle, claim_atom::value, req.begin_ms,
                          req.end_ms);
  auto ended = fail(errc::gone, "session_ended", "the session has ended");
  if (st.recently_ended.count(req.session_id) > 0)
    return ended;
  auto rp = self->make_response_promise<span_grant>();
  self->request(any_store(self), st.settings.session.store_timeout,
                find_atom::value, req.session_id)
    .then([rp, ended](persistence::session_row&) mutable { rp.deliver(ended); },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

} // namespace

streaming_actor::behavior_type
streaming_role(self_ptr self, streaming_settings settings, caf::actor billing,
               caf::actor catalog, std::vector<session_store_actor> stores,
               std::vector<persistence::session_row> live_rows,
               std::shared_ptr<const clock> clk) {
  auto& st = self->state;
  st.settings = std::move(settings);
  st.billing = std::move(billing);
  st.catalog = std::move(catalog);
  st.stores = std::move(stores);
  st.clk = std::move(clk);
  st.stats = actor_stats::node().enroll("streaming", "streaming");
  for (auto& w : st.stores)
    self->link_to(w); // the workers end with the role
  // A session that stops (after its end, or on an error) is forgotten; any
  // other exit message stops the role.
  self->set_exit_handler([self](caf::exit_msg& msg) {
    auto& by_address = self->state.by_address;
    if (auto i = by_address.find(msg.source); i != by_address.end())
      forget(self, std::string{i->second});
    else if (msg.reason)
      self->quit(msg.reason);
  });
  self->set_down_handler([self](caf::down_msg& msg) {
    auto& ls = self->state.listeners;
    ls.erase(std::remove_if(ls.begin(), ls.end(),
                            [&](const entitlement_listener& l) {
                              return l.address() == msg.source;
                            }),
             ls.end());
  });
  if (st.catalog)
    caf::anon_send(st.catalog, catalog::subscribe_atom::value,
                   caf::actor_cast<caf::actor>(self));
  for (auto& row : live_rows)
    spawn_session(self, std::move(row), true);
  return {
    [self](start_atom, start_request& req) {
      record_message(self->state.stats, self);
      return start(self, req);
    },
    [self](heartbeat_atom,
           heartbeat_request& req) -> caf::result<session_view> {
      record_message(self->state.stats, self);
      auto id = req.session_id;
      auto viewer = req.viewer_id;
      return on_session(self, id, &viewer, heartbeat_atom::value,
                        std::move(req));
    },
    [self](end_atom, std::string& id,
           std::string& viewer) -> caf::result<session_view> {
      record_message(self->state.stats, self);
      return on_session(self, id, &viewer, end_atom::value);
    },
    [self](get_session_atom, std::string& id,
           std::string& viewer) -> caf::result<session_view> {
      record_message(self->state.stats, self);
      return on_session(self, id, &viewer, get_session_atom::value);
    },
    [self](get_session_atom, std::string& id) -> caf::result<session_view> {
      record_message(self->state.stats, self);
      return on_session(self, id, nullptr, get_session_atom::value);
    },
    [self](history_atom, history_request& req) -> caf::result<history_page> {
      record_message(self->state.stats, self);
      return self->delegate(any_store(self), history_atom::value,
                            std::move(req));
    },
    [self](claim_atom, claim_request& req) -> caf::result<span_grant> {
      record_message(self->state.stats, self);
      return claim(self, req);
    },
    [self](catalog::video_deleted_atom, std::string& video_id) {
      record_message(self->state.stats, self);
      for (auto& [id, s] : self->state.sessions)
        if (s.video_id == video_id)
          self->send(s.handle, catalog::video_deleted_atom::value);
    },
    [self](session_ended_atom, session_view& v) {
      record_message(self->state.stats, self);
      auto& st = self->state;
      forget(self, v.id);
      if (st.recently_ended.size() >= st.settings.ended_cache_limit)
        st.recently_ended.clear();
      st.recently_ended[v.id] = std::move(v);
    },
    [self](subscribe_atom, entitlement_listener& listener) {
      record_message(self->state.stats, self);
      auto& ls = self->state.listeners;
      if (!listener || std::find(ls.begin(), ls.end(), listener) != ls.end())
        return;
      self->monitor(listener);
      ls.push_back(std::move(listener));
    },
    [self](session_changed_atom, entitlement_update& update) {
      record_message(self->state.stats, self);
      for (auto& l : self->state.listeners)
        self->send(l, session_changed_atom::value, update);
    },
    [self](status_atom) -> caf::result<role_status> {
      record_message(self->state.stats, self);
      auto& st = self->state;
      role_status status{"streaming", false, "", {}};
      status.gauges = {
        {"live_sessions", static_cast<int64_t>(st.sessions.size())},
        {"sessions_started_total", st.started_total},
        {"entitlement_listeners", static_cast<int64_t>(st.listeners.size())},
      };
      return status_after_ping(self, any_store(self), ping_atom::value, status);
    },
  };
}

} // namespace streamify::streaming
