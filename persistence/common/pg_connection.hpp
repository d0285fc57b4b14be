#pragma once

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <pqxx/pqxx>

namespace streamify::persistence {

// The database cannot be reached right now; callers answer 503.
struct unavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// pqxx's direct connection that also keeps libpq's handle of it: binary
// COPY (which pqxx 6.4 cannot send: it ends every piece of COPY data with a
// newline) goes through libpq on the same connection and transaction.
class pg_link : public pqxx::connection_base {
public:
  explicit pg_link(const std::string& url);
  ~pg_link() noexcept;

  // The current libpq connection; null while disconnected.
  pqxx::internal::pq::PGconn* handle() const { return policy_.current(); }

private:
  class keeping_policy final : public pqxx::connect_direct {
  public:
    using connect_direct::connect_direct;
    handle do_startconnect(handle h) override;
    handle do_completeconnect(handle h) override;
    handle do_dropconnect(handle h) noexcept override;
    handle do_disconnect(handle h) noexcept override;
    handle current() const { return current_; }

  private:
    handle current_ = nullptr;
  };

  std::string url_; // before policy_, which keeps a reference to it
  keeping_policy policy_;
};

struct named_statement {
  const char* name;
  const char* sql;
};

// One connection owned by one worker. Opens lazily, prepares the repository's
// named statements on every (re)connect, and turns connection loss into
// `unavailable`.
class pg_connection {
public:
  pg_connection(std::string url, std::vector<named_statement> statements);

  // Runs `f` on the connection; when the connection turns out broken (the
  // server restarted, an operator killed it) runs it once more on a new one.
  // For work in transactions: a connection lost before COMMIT means nothing
  // of the attempt committed (a lost COMMIT is pqxx::in_doubt_error, which
  // passes through).
  template <class F>
  auto run(F&& f) -> decltype(f(std::declval<pg_link&>())) {
    try {
      return run_once(f);
    } catch (const unavailable&) {
      return run_once(f);
    }
  }

  // Runs `f` once: a broken connection is `unavailable` and the next call
  // reconnects. For callers with their own ladder of attempts.
  template <class F>
  auto run_once(F&& f) -> decltype(f(std::declval<pg_link&>())) {
    try {
      return f(get());
    } catch (const pqxx::broken_connection& e) {
      conn_.reset();
      throw unavailable(e.what());
    }
  }

  void ping();

  // Drops the connection (after an in-doubt commit); the next call reconnects.
  void reset() { conn_.reset(); }

private:
  pg_link& get();

  std::string url_;
  std::vector<named_statement> statements_;
  std::unique_ptr<pg_link> conn_;
};

} // namespace streamify::persistence
