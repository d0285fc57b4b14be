#include "persistence/common/pg_connection.hpp"

namespace streamify::persistence {

pg_link::pg_link(const std::string& url)
  : connection_base(policy_), url_(url), policy_(url_) {
  init();
}

pg_link::~pg_link() noexcept {
  close();
}

pg_link::keeping_policy::handle
pg_link::keeping_policy::do_startconnect(handle h) {
  return current_ = connect_direct::do_startconnect(h);
}

pg_link::keeping_policy::handle
pg_link::keeping_policy::do_completeconnect(handle h) {
  return current_ = connect_direct::do_completeconnect(h);
}

pg_link::keeping_policy::handle
pg_link::keeping_policy::do_dropconnect(handle h) noexcept {
  return current_ = connect_direct::do_dropconnect(h);
}

pg_link::keeping_policy::handle
pg_link::keeping_policy::do_disconnect(handle h) noexcept {
  return current_ = connect_direct::do_disconnect(h);
}

pg_connection::pg_connection(std::string url,
                             std::vector<named_statement> statements)
  : url_(std::move(url)), statements_(std::move(statements)) {
}

pg_link& pg_connection::get() {
  if (conn_ && !conn_->is_open())
    conn_.reset();
  if (!conn_) {
    try {
      conn_ = std::make_unique<pg_link>(url_);
    } catch (const pqxx::broken_connection& e) {
      throw unavailable(e.what());
    }
    for (const auto& s : statements_)
      conn_->prepare(s.name, s.sql);
  }
  return *conn_;
}

void pg_connection::ping() {
  run([](pqxx::connection_base& c) {
    pqxx::nontransaction{c}.exec("SELECT 1");
    return 0;
  });
}

} // namespace streamify::persistence
