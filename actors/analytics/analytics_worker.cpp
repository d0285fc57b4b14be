#include "actors/analytics/analytics_worker.hpp"

#include <caf/result.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/common/guarded.hpp"

namespace streamify::analytics {

namespace {

constexpr const char* db = "the analytics database";

} // namespace

analytics_worker_actor::behavior_type analytics_worker(
  analytics_worker_actor::stateful_pointer<analytics_worker_state> self,
  std::shared_ptr<persistence::analytics_store> store) {
  self->state.store = std::move(store);
  self->state.stats
    = actor_stats::node().enroll("analytics_worker", std::to_string(self->id()));
  return {
    [self](cursor_atom) -> caf::result<std::string> {
      record_message(self->state.stats, self);
      return guarded<std::string>(
        db, [&] { return self->state.store->outbox_cursor(); });
    },
    [self](apply_atom, persistence::analytics_batch& batch)
      -> caf::result<bool> {
      record_message(self->state.stats, self);
      return guarded<bool>(db, [&] {
        self->state.store->apply(batch);
        return true;
      });
    },
    [self](creator_atom, std::string& creator,
           day_range range) -> caf::result<creator_report> {
      record_message(self->state.stats, self);
      return guarded<creator_report>(
        db, [&] { return self->state.store->creator(creator, range); });
    },
    [self](video_stats_atom, std::string& video,
           day_range range) -> caf::result<video_report> {
      record_message(self->state.stats, self);
      return guarded<video_report>(
        db, [&] { return self->state.store->video(video, range); });
    },
    [self](platform_atom) -> caf::result<platform_report> {
      record_message(self->state.stats, self);
      return guarded<platform_report>(
        db, [&] { return self->state.store->platform(); });
    },
    [self](ping_atom) -> caf::result<bool> {
      record_message(self->state.stats, self);
      return guarded<bool>(db, [&] {
        self->state.store->ping();
        return true;
      });
    },
  };
}

} // namespace streamify::analytics
