#include "actors/catalog/catalog_actor.hpp"

#include <algorithm>

#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/catalog/catalog_pipeline.hpp"
#include "actors/catalog/catalog_rules.hpp"
#include "actors/common/errc.hpp"
#include "actors/common/ids.hpp"

namespace streamify::catalog {

namespace {

caf::error invalid(std::string message) {
  return fail(errc::invalid, "invalid_field", std::move(message));
}

caf::error not_found() {
  return fail(errc::not_found, "video_not_found", "no such video");
}

bool full(catalog_self self) {
  auto& st = self->state;
  if (st.in_flight < st.settings.queue_limit && !st.workers.empty())
    return false;
  ++st.rejected_overloaded;
  return true;
}

caf::error overloaded() {
  return fail(errc::overloaded, "catalog_overloaded",
              "the catalog is busy, try again shortly");
}

// Forwards a request to a worker and its answer, value or error, back.
template <class Out, class... Ts>
caf::result<Out> relay(catalog_self self, Ts... xs) {
  if (full(self))
    return overloaded();
  auto rp = self->make_response_promise<Out>();
  ask_worker<Out>(
    self, [rp](Out& x) mutable { rp.deliver(std::move(x)); },
    [rp](caf::error& err) mutable { rp.deliver(std::move(err)); }, xs...);
  return rp;
}

std::string check_new(new_video& v, const catalog_settings& settings) {
  for (auto msg : {check_title(v.title), check_description(v.description),
                   check_price(v.price_per_minute_cents),
                   check_category(v.category, settings.categories)})
    if (!msg.empty())
      return msg;
  return {};
}

std::string check_update(video_update& u, const catalog_settings& settings) {
  if (u.title)
    if (auto msg = check_title(*u.title); !msg.empty())
      return msg;
  if (u.description)
    if (auto msg = check_description(*u.description); !msg.empty())
      return msg;
  if (u.price_per_minute_cents)
    if (auto msg = check_price(*u.price_per_minute_cents); !msg.empty())
      return msg;
  if (u.category)
    if (auto msg = check_category(*u.category, settings.categories);
        !msg.empty())
      return msg;
  return {};
}

caf::error check_query(video_query& q) {
  if (auto msg = check_sort(q.sort); !msg.empty())
    return invalid(msg);
  if (q.limit < 1 || q.limit > 100)
    return invalid("limit must be from 1 to 100");
  if (q.q.size() > 200 || !valid_utf8(q.q))
    return invalid("q must be UTF-8 text of at most 200 bytes");
  int64_t value;
  std::string id;
  if (!q.cursor.empty() && !parse_cursor(q.cursor, q.sort, value, id))
    return fail(errc::bad_request, "invalid_cursor",
                "cursor is not one this list handed out for this sort");
  return {};
}

} // namespace

catalog_actor::behavior_type
catalog_role(catalog_self self, std::vector<catalog_worker_actor> workers,
             std::vector<media_worker_actor> media,
             std::vector<transcode_worker_actor> transcoders,
             catalog_settings settings, std::shared_ptr<const clock> clk) {
  auto& st = self->state;
  st.workers = std::move(workers);
  st.media = std::move(media);
  st.transcodes = transcode_queue{transcoders.size()};
  st.idle_transcoders = std::move(transcoders);
  for (auto& w : st.workers)
    self->link_to(w);
  for (auto& m : st.media)
    self->link_to(m);
  for (auto& t : st.idle_transcoders)
    self->link_to(t);
  st.settings = std::move(settings);
  st.clk = std::move(clk);
  // Uploads a stopped node left unprocessed are probed and transcoded
  // again; then ready videos from before transcoding get their ladder.
  if (!st.workers.empty())
    ask_worker<std::vector<video_info>>(
      self,
      [self](std::vector<video_info>& pending) {
        for (const auto& video : pending)
          start_processing(self, video);
        ask_worker<std::vector<video_info>>(
          self,
          [self](std::vector<video_info>& unladdered) {
            for (const auto& video : unladdered)
              start_backfill(self, video);
          },
          [](caf::error&) {}, backfill_atom::value);
      },
      [](caf::error&) {}, resume_atom::value);
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& ls = self->state.listeners;
    ls.erase(std::remove_if(ls.begin(), ls.end(),
                            [&](const caf::actor& l) {
                              return l.address() == dm.source;
                            }),
             ls.end());
  });
  self->state.stats = actor_stats::node().enroll("catalog", "catalog");
  return {
    [self](get_video_atom, const std::string& id) -> caf::result<video_info> {
      record_message(self->state.stats, self);
      return relay<video_info>(self, get_video_atom::value, id);
    },
    [self](get_video_atom, const std::string& id,
           const std::string& requester) -> caf::result<video_info> {
      record_message(self->state.stats, self);
      if (full(self))
        return overloaded();
      auto rp = self->make_response_promise<video_info>();
      ask_worker<video_info>(
        self,
        [rp, requester](video_info& v) mutable {
          if (v.status != "ready" && v.owner_id != requester)
            rp.deliver(not_found());
          else
            rp.deliver(std::move(v));
        },
        [rp](caf::error& err) mutable { rp.deliver(std::move(err)); },
        get_video_atom::value, id);
      return rp;
    },
    [self](subscribe_atom, const caf::actor& listener) {
      record_message(self->state.stats, self);
      if (!listener)
        return;
      self->monitor(listener);
      self->state.listeners.push_back(listener);
    },
    [self](view_counted_atom, const std::string& video_id,
           const std::string& session_id) {
      record_message(self->state.stats, self);
      if (self->state.workers.empty())
        return;
      ask_worker<bool>(
        self, [](bool) {}, [](caf::error&) {}, view_counted_atom::value,
        video_id, session_id);
    },
    [self](create_video_atom, new_video& v) -> caf::result<video_info> {
      record_message(self->state.stats, self);
      auto& st = self->state;
      if (auto msg = check_new(v, st.settings); !msg.empty())
        return invalid(msg);
      if (v.file_name.empty() || v.mime_type.empty() || v.owner_id.empty())
        return fail(errc::bad_request, "missing_file", "the video file is missing");
      if (full(self))
        return overloaded();
      video_info video{random_id(),
                       std::move(v.owner_id),
                       std::move(v.owner_display_name),
                       std::move(v.title),
                       std::move(v.description),
                       std::move(v.category),
                       v.price_per_minute_cents,
                       0,
                       "processing",
                       "",
                       std::move(v.file_name),
                       std::move(v.mime_type),
                       v.size_bytes,
                       0,
                       st.clk->now_ms(),
                       {},
                       0};
      auto rp = self->make_response_promise<video_info>();
      ask_worker<video_info>(
        self,
        [self, rp](video_info& created) mutable {
          rp.deliver(created);
          start_processing(self, created);
        },
        [rp](caf::error& err) mutable { rp.deliver(std::move(err)); },
        create_video_atom::value, std::move(video));
      return rp;
    },
    [self](list_videos_atom, video_query& q) -> caf::result<video_page> {
      record_message(self->state.stats, self);
      if (auto err = check_query(q))
        return err;
      if (full(self))
        return overloaded();
      auto rp = self->make_response_promise<video_page>();
      auto limit = static_cast<size_t>(q.limit);
      auto sort = q.sort;
      ++q.limit; // one more tells whether another page follows
      ask_worker<std::vector<video_info>>(
        self,
        [rp, limit, sort](std::vector<video_info>& items) mutable {
          video_page page;
          if (items.size() > limit) {
            items.resize(limit);
            page.next_cursor = make_cursor(sort, items.back());
          }
          page.items = std::move(items);
          rp.deliver(std::move(page));
        },
        [rp](caf::error& err) mutable { rp.deliver(std::move(err)); },
        list_videos_atom::value, std::move(q));
      return rp;
    },
    [self](update_video_atom, video_update& u) -> caf::result<video_info> {
      record_message(self->state.stats, self);
      if (auto msg = check_update(u, self->state.settings); !msg.empty())
        return invalid(msg);
      return relay<video_info>(self, update_video_atom::value, std::move(u));
    },
    [self](delete_video_atom, const std::string& id,
           const std::string& requester) -> caf::result<bool> {
      record_message(self->state.stats, self);
      if (full(self))
        return overloaded();
      auto rp = self->make_response_promise<bool>();
      ask_worker<video_info>(
        self,
        [self, rp](video_info& deleted) mutable {
          forget_video(self, deleted.id);
          report(self, deleted);
          for (auto& l : self->state.listeners)
            caf::anon_send(l, video_deleted_atom::value, deleted.id);
          rp.deliver(true);
        },
        [rp](caf::error& err) mutable { rp.deliver(std::move(err)); },
        delete_video_atom::value, id, requester);
      return rp;
    },
    [self](progress_atom, const std::string& video_id, int32_t percent) {
      record_message(self->state.stats, self);
      record_progress(self, video_id, percent);
    },
    [self](status_atom) -> caf::result<role_status> {
      record_message(self->state.stats, self);
      auto& st = self->state;
      role_status status{"catalog", false, "", {}};
      status.gauges = {
        {"in_flight", static_cast<int64_t>(st.in_flight)},
        {"workers", static_cast<int64_t>(st.workers.size())},
        {"media_workers", static_cast<int64_t>(st.media.size())},
        {"videos_processing", st.processing},
        {"transcodes_running", static_cast<int64_t>(st.transcodes.running())},
        {"transcodes_waiting", static_cast<int64_t>(st.transcodes.waiting())},
        {"videos_processed_total", st.processed_total},
        {"videos_failed_total", st.failed_total},
        {"rejected_overloaded_total", st.rejected_overloaded},
        {"listeners", static_cast<int64_t>(st.listeners.size())},
      };
      if (st.workers.empty()) {
        status.detail = "no workers";
        return status;
      }
      auto rp = self->make_response_promise<role_status>();
      ask_worker<bool>(
        self,
        [rp, status](bool) mutable {
          status.ready = true;
          rp.deliver(status);
        },
        [rp, status](caf::error&) mutable {
          status.detail = "database unreachable";
          rp.deliver(status);
        },
        ping_atom::value);
      return rp;
    },
  };
}

} // namespace streamify::catalog
