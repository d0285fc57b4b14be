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

struct named_statement {
  const char* name;
  const char* sql;
};

// One connection owned by one worker. Opens lazily, prepares the repository's
// named statements on every (re)connect, and turns connection loss into
// `unavailable`; the next call reconnects.
class pg_connection {
public:
  pg_connection(std::string url, std::vector<named_statement> statements);

  template <class F>
  auto run(F&& f) -> decltype(f(std::declval<pqxx::connection&>())) {
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
  pqxx::connection& get();

  std::string url_;
  std::vector<named_statement> statements_;
  std::unique_ptr<pqxx::connection> conn_;
};

} // namespace streamify::persistence
