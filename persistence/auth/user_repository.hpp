#pragma once

#include "persistence/auth/user_store.hpp"
#include "persistence/common/pg_connection.hpp"

namespace streamify::persistence {

// Users in streamify_auth. One instance per worker: it owns a connection.
class user_repository final : public user_store {
public:
  explicit user_repository(std::string url);

  bool insert(const user_row& row) override;
  std::optional<user_row> find_by_email(const std::string& lower) override;
  std::optional<user_row> find_by_id(const std::string& id) override;
  void update(const user_row& row) override;
  void ping() override;

private:
  std::optional<user_row> find(const char* statement, const std::string& key);

  pg_connection db_;
};

} // namespace streamify::persistence
