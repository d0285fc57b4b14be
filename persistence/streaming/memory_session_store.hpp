#pragma once

#include <map>
#include <mutex>

#include "persistence/streaming/session_store.hpp"

namespace streamify::persistence {

class memory_session_store final : public session_store {
public:
  void save(const session_row& row) override;
  std::optional<session_row> find(const std::string& id) override;
  std::vector<session_row> live() override;
  std::vector<session_row>
  by_viewer(const std::string& viewer_id, int64_t limit,
            const std::optional<history_cursor>& before) override;
  void ping() override;

  void set_available(bool up);
  size_t saves() const;

private:
  void check() const;

  mutable std::mutex mtx_;
  bool available_ = true;
  size_t saves_ = 0;
  std::map<std::string, session_row> rows_;
};

} // namespace streamify::persistence
