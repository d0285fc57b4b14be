#include "actors/common/errc.hpp"

namespace streamify {

std::string to_string(errc code) {
  switch (code) {
    case errc::bad_request: return "bad_request";
    case errc::unauthenticated: return "unauthenticated";
    case errc::payment_required: return "payment_required";
    case errc::forbidden: return "forbidden";
    case errc::not_found: return "not_found";
    case errc::conflict: return "conflict";
    case errc::gone: return "gone";
    case errc::too_large: return "too_large";
    case errc::unsupported_media: return "unsupported_media";
    case errc::range_not_satisfiable: return "range_not_satisfiable";
    case errc::invalid: return "invalid";
    case errc::rate_limited: return "rate_limited";
    case errc::unavailable: return "unavailable";
    case errc::overloaded: return "overloaded";
    case errc::internal: return "internal";
  }
  return "unknown";
}

caf::error fail(errc code, std::string machine_code, std::string message) {
  return caf::make_error(code, std::move(machine_code), std::move(message));
}

caf::error fail_retry_after(errc code, std::string machine_code,
                            std::string message, int64_t retry_after_s) {
  return caf::make_error(code, std::move(machine_code), std::move(message),
                         retry_after_s);
}

} // namespace streamify
