#pragma once

#include <mutex>
#include <unordered_map>

#include "persistence/auth/user_store.hpp"

namespace streamify::persistence {

class memory_user_store final : public user_store {
public:
  bool insert(const user_row& row) override;
  std::optional<user_row> find_by_email(const std::string& lower) override;
  std::optional<user_row> find_by_id(const std::string& id) override;
  void update(const user_row& row) override;
  void ping() override;

  void set_available(bool up);

private:
  void check();

  std::mutex mtx_;
  bool available_ = true;
  std::unordered_map<std::string, user_row> by_id_;
  std::unordered_map<std::string, std::string> id_by_email_;
};

} // namespace streamify::persistence
