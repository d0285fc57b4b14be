#include "persistence/common/migrations.hpp"

#include <stdexcept>

#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

namespace streamify::persistence {

namespace {

constexpr const char* lock_sql
  = "SELECT pg_advisory_lock(hashtext('streamify_migrations'))";
constexpr const char* unlock_sql
  = "SELECT pg_advisory_unlock(hashtext('streamify_migrations'))";
constexpr const char* create_table_sql
  = "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version integer PRIMARY KEY,"
    " name text NOT NULL,"
    " applied_at timestamptz NOT NULL DEFAULT now())";

} // namespace

void migrate(const std::string& url, const std::string& domain,
             const std::vector<migration>& migrations) {
  pqxx::connection conn{url};
  pqxx::nontransaction{conn}.exec(lock_sql);
  try {
    pqxx::nontransaction{conn}.exec(create_table_sql);
    auto current = pqxx::nontransaction{conn}
                     .exec1("SELECT coalesce(max(version), 0) FROM "
                            "schema_migrations")[0]
                     .as<int>();
    int known = migrations.empty() ? 0 : migrations.back().version;
    if (current > known)
      throw std::runtime_error("database of domain " + domain
                               + " has schema version "
                               + std::to_string(current)
                               + ", newer than this build knows ("
                               + std::to_string(known) + ")");
    for (const auto& m : migrations) {
      if (m.version <= current)
        continue;
      pqxx::work txn{conn};
      txn.exec(m.sql);
      txn.exec_params("INSERT INTO schema_migrations (version, name) "
                      "VALUES ($1, $2)",
                      m.version, m.name);
      txn.commit();
      spdlog::info("migrated {} to {} ({})", domain, m.version, m.name);
    }
  } catch (...) {
    pqxx::nontransaction{conn}.exec(unlock_sql);
    throw;
  }
  pqxx::nontransaction{conn}.exec(unlock_sql);
}

} // namespace streamify::persistence
