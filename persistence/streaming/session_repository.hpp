#pragma once

#include "persistence/common/pg_connection.hpp"
#include "persistence/streaming/session_store.hpp"

namespace streamify::persistence {

// Sessions in streamify_streaming. One instance per worker: it owns a
// connection.
class session_repository final : public session_store {
public:
  explicit session_repository(std::string url);

  void save(const session_row& row) override;
  std::optional<session_row> find(const std::string& id) override;
  std::vector<session_row> live() override;
  std::vector<session_row>
  by_viewer(const std::string& viewer_id, int64_t limit,
            const std::optional<history_cursor>& before) override;
  void ping() override;

private:
  pg_connection db_;
};

} // namespace streamify::persistence
