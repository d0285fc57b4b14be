#pragma once

#include "persistence/analytics/analytics_store.hpp"
#include "persistence/common/pg_connection.hpp"

namespace streamify::persistence {

// streamify_analytics: raw facts kept once by id, and the daily rollup per
// video (video_day) recomputed for the days a batch touched, in the batch's
// transaction. One instance per worker: it owns a connection.
class analytics_repository final : public analytics_store {
public:
  explicit analytics_repository(std::string url);

  std::string outbox_cursor() override;
  void apply(const analytics_batch& batch) override;
  creator_report creator(const std::string& creator_id,
                         day_range range) override;
  video_report video(const std::string& video_id, day_range range) override;
  platform_report platform() override;
  void ping() override;

private:
  pg_connection db_;
};

} // namespace streamify::persistence
