#pragma once

#include <map>
#include <mutex>
#include <set>
#include <utility>

#include "persistence/catalog/video_store.hpp"

namespace streamify::persistence {

// Videos in memory for actor tests; filters and sorts like the repository.
class memory_video_store final : public video_store {
public:
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

  void set_available(bool up);

private:
  void check();

  std::mutex mtx_;
  bool available_ = true;
  std::map<std::string, video_row> rows_;
  std::set<std::pair<std::string, std::string>> views_;
};

} // namespace streamify::persistence
