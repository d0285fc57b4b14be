#pragma once

#include <functional>
#include <map>

#include "persistence/analytics/analytics_store.hpp"

namespace streamify::persistence {

// The analytics store of actor tests: the same facts and reports as the
// PostgreSQL repository, computed by scanning maps.
class memory_analytics_store final : public analytics_store {
public:
  std::string outbox_cursor() override;
  void apply(const analytics_batch& batch) override;
  creator_report creator(const std::string& creator_id,
                         day_range range) override;
  video_report video(const std::string& video_id, day_range range) override;
  platform_report platform() override;
  void ping() override {}

  int64_t batches_applied = 0;

private:
  struct session_fact {
    std::string video_id;
    std::string viewer_id;
    std::string owner_id;
    int64_t duration_ms = 0;
    int64_t day = 0;
    int64_t billed_ms = 0;
    int64_t max_position_ms = 0;
  };
  struct view_fact {
    std::string video_id;
    std::string viewer_id;
    std::string owner_id;
    int64_t day = 0;
  };
  struct video_fact {
    std::string owner_id;
    std::string title;
    bool deleted = false;
  };
  using video_filter = std::function<bool(const std::string& video_id,
                                          const std::string& owner_id)>;
  // Sums the facts of the matching videos in the range per day, per video
  // and in all.
  void collect(const video_filter& match, day_range range,
               std::map<int64_t, activity_totals>& per_day,
               std::map<std::string, activity_totals>& per_video,
               activity_totals& totals);

  std::string cursor_;
  std::map<std::string, money_event> money_;
  std::map<std::string, session_fact> sessions_;
  std::map<std::string, view_fact> views_;
  std::map<std::string, std::string> users_;
  std::map<std::string, video_fact> videos_;
};

} // namespace streamify::persistence
