#pragma once

#include <cstdint>
#include <string>

#include <caf/error.hpp>
#include <caf/make_message.hpp>

namespace streamify {

// The error contract between roles. Each code maps to one HTTP status in the
// gateway; the error's context carries a machine code and a human sentence.
enum class errc : uint8_t {
  bad_request = 1,
  unauthenticated,
  payment_required,
  forbidden,
  not_found,
  conflict,
  gone,
  too_large,
  unsupported_media,
  range_not_satisfiable,
  invalid,
  rate_limited,
  unavailable,
  overloaded,
  internal,
};

std::string to_string(errc code);

// Builds an error whose context is (machine_code, message[, retry_after_s]).
caf::error fail(errc code, std::string machine_code, std::string message);
caf::error fail_retry_after(errc code, std::string machine_code,
                            std::string message, int64_t retry_after_s);

} // namespace streamify

CAF_ERROR_CODE_ENUM(streamify::errc, "streamify")
