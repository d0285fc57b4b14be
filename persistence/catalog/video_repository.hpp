#pragma once

#include "persistence/catalog/video_store.hpp"
#include "persistence/common/pg_connection.hpp"

namespace streamify::persistence {

// Videos in streamify_video. One instance per worker: it owns a connection.
class video_repository final : public video_store {
public:
  explicit video_repository(std::string url);

  void insert(const video_row& row) override;
  std::optional<video_row> find(const std::string& id) override;
  std::vector<video_row> list(const video_filter& filter) override;
  void update_details(const video_row& row) override;
  bool finish_processing(const std::string& id,
                         const media_update& media) override;
  bool set_progress(const std::string& id, int32_t percent) override;
  bool set_renditions(const std::string& id,
                      const std::vector<rendition_row>& ladder) override;
  bool mark_deleted(const std::string& id) override;
  bool count_view(const std::string& video_id,
                  const std::string& session_id) override;
  std::vector<video_row> list_processing() override;
  std::vector<video_row> list_without_ladder() override;
  void ping() override;

private:
  pg_connection db_;
};

} // namespace streamify::persistence
