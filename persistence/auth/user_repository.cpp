#include "persistence/auth/user_repository.hpp"

namespace streamify::persistence {

namespace {

#define USER_COLUMNS                                                           \
  "id, email, email_lower, display_name, role, password_hash,"                 \
  " (extract(epoch FROM created_at) * 1000)::bigint"

const std::vector<named_statement> statements{
  {"user_insert",
   "INSERT INTO users (id, email, email_lower, display_name, role,"
   " password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6,"
   " to_timestamp($7::bigint / 1000.0))"
   " ON CONFLICT (email_lower) DO NOTHING"},
  {"user_by_email", "SELECT " USER_COLUMNS " FROM users WHERE email_lower = $1"},
  {"user_by_id", "SELECT " USER_COLUMNS " FROM users WHERE id = $1"},
  {"user_update",
   "UPDATE users SET display_name = $2, role = $3, password_hash = $4,"
   " updated_at = now() WHERE id = $1"},
};

#undef USER_COLUMNS

user_row to_row(const pqxx::row& r) {
  return user_row{r[0].as<std::string>(), r[1].as<std::string>(),
                  r[2].as<std::string>(), r[3].as<std::string>(),
                  r[4].as<std::string>(), r[5].as<std::string>(),
                  r[6].as<int64_t>()};
}

} // namespace

user_repository::user_repository(std::string url)
  : db_(std::move(url), statements) {
}

bool user_repository::insert(const user_row& row) {
  return db_.run([&](pqxx::connection_base& c) {
    pqxx::work txn{c};
    auto res = txn.exec_prepared("user_insert", row.id, row.email,
                                 row.email_lower, row.display_name, row.role,
                                 row.password_hash, row.created_at_ms);
    txn.commit();
    return res.affected_rows() == 1;
  });
}

std::optional<user_row> user_repository::find(const char* statement,
                                              const std::string& key) {
  return db_.run([&](pqxx::connection_base& c) -> std::optional<user_row> {
    pqxx::read_transaction txn{c};
    auto res = txn.exec_prepared(statement, key);
    if (res.empty())
      return std::nullopt;
    return to_row(res[0]);
  });
}

std::optional<user_row>
user_repository::find_by_email(const std::string& lower) {
  return find("user_by_email", lower);
}

std::optional<user_row> user_repository::find_by_id(const std::string& id) {
  return find("user_by_id", id);
}

void user_repository::update(const user_row& row) {
  db_.run([&](pqxx::connection_base& c) {
    pqxx::work txn{c};
    txn.exec_prepared("user_update", row.id, row.display_name, row.role,
                      row.password_hash);
    txn.commit();
    return 0;
  });
}

void user_repository::ping() {
  db_.ping();
}

} // namespace streamify::persistence
