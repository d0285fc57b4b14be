#pragma once

#include <exception>
#include <string>

#include <caf/result.hpp>

#include "actors/common/errc.hpp"
#include "persistence/common/pg_connection.hpp"

namespace streamify {

// Runs a worker's blocking step and turns exceptions into the error contract:
// a lost database is `unavailable` (503, naming `what`, e.g. "the video
// database"), anything else `internal` without details.
template <class T, class F>
caf::result<T> guarded(const char* what, F f) {
  try {
    return f();
  } catch (const persistence::unavailable&) {
    return fail(errc::unavailable, "database_unavailable",
                std::string{what} + " is unreachable, try again shortly");
  } catch (const std::exception&) {
    return fail(errc::internal, "internal_error", "internal error");
  }
}

} // namespace streamify
