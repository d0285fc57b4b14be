#include "persistence/common/pg_connection.hpp"

namespace streamify::persistence {

pg_connection::pg_connection(std::string url,
                             std::vector<named_statement> statements)
  : url_(std::move(url)), statements_(std::move(statements)) {
}

pqxx::connection& pg_connection::get() {
  if (conn_ && !conn_->is_open())
    conn_.reset();
  if (!conn_) {
    try {
      conn_ = std::make_unique<pqxx::connection>(url_);
    } catch (const pqxx::broken_connection& e) {
      throw unavailable(e.what());
    }
    for (const auto& s : statements_)
      conn_->prepare(s.name, s.sql);
  }
  return *conn_;
}

void pg_connection::ping() {
  run([](pqxx::connection& c) {
    pqxx::nontransaction{c}.exec("SELECT 1");
    return 0;
  });
}

} // namespace streamify::persistence
