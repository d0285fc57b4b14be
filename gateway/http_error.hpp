#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include <caf/fwd.hpp>

namespace httplib {
struct Response;
}

namespace streamify::gateway {

// Thrown by route handlers; the router turns it into the contract's JSON error.
struct http_error : std::runtime_error {
  http_error(int status, std::string code, std::string message,
             int64_t retry_after_s = 0)
    : std::runtime_error(message),
      status(status),
      code(std::move(code)),
      retry_after_s(retry_after_s) {
  }
  int status;
  std::string code;
  int64_t retry_after_s;
};

// Maps an error from a role (or from CAF itself) to status, code and message.
http_error from_actor_error(const caf::error& err);

// Writes {"error", "message", "request_id"} with the status.
void write_error(httplib::Response& res, const http_error& err,
                 const std::string& request_id);

// The machine code used when nothing more specific is known.
const char* default_code(int status);

} // namespace streamify::gateway
