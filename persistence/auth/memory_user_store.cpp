#include "persistence/auth/memory_user_store.hpp"

#include "persistence/common/pg_connection.hpp"

namespace streamify::persistence {

void memory_user_store::check() {
  if (!available_)
    throw unavailable("memory store switched off");
}

bool memory_user_store::insert(const user_row& row) {
  std::lock_guard<std::mutex> guard{mtx_};
  check();
  if (!id_by_email_.emplace(row.email_lower, row.id).second)
    return false;
  by_id_[row.id] = row;
  return true;
}

std::optional<user_row>
memory_user_store::find_by_email(const std::string& lower) {
  std::lock_guard<std::mutex> guard{mtx_};
  check();
  auto i = id_by_email_.find(lower);
  if (i == id_by_email_.end())
    return std::nullopt;
  return by_id_.at(i->second);
}

std::optional<user_row> memory_user_store::find_by_id(const std::string& id) {
  std::lock_guard<std::mutex> guard{mtx_};
  check();
  auto i = by_id_.find(id);
  if (i == by_id_.end())
    return std::nullopt;
  return i->second;
}

void memory_user_store::update(const user_row& row) {
  std::lock_guard<std::mutex> guard{mtx_};
  check();
  auto& stored = by_id_.at(row.id);
  stored.display_name = row.display_name;
  stored.role = row.role;
  stored.password_hash = row.password_hash;
}

void memory_user_store::ping() {
  std::lock_guard<std::mutex> guard{mtx_};
  check();
}

void memory_user_store::set_available(bool up) {
  std::lock_guard<std::mutex> guard{mtx_};
  available_ = up;
}

} // namespace streamify::persistence
