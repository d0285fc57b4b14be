#pragma once

#include <exception>
#include <string>

#include <caf/result.hpp>
#include <spdlog/spdlog.h>

#include "actors/common/errc.hpp"
#include "persistence/common/pg_connection.hpp"

namespace streamify {

// Runs a worker's blocking step and turns exceptions into the error contract:
// a lost database is `unavailable` (503, naming `what`, e.g. "the video
// database"), anything else `internal` without details (logged here).
inline caf::error database_unavailable(const char* what) {
  return fail(errc::unavailable, "database_unavailable",
              std::string{what} + " is unreachable, try again shortly");
}

template <class T, class F>
caf::result<T> guarded(const char* what, F f) {
  try {
    return f();
  } catch (const persistence::unavailable&) {
    return database_unavailable(what);
  } catch (const std::exception& e) {
    spdlog::error("{}: {}", what, e.what());
    return fail(errc::internal, "internal_error", "internal error");
  }
}

} // namespace streamify
