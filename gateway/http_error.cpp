#include "gateway/http_error.hpp"

#include <caf/error.hpp>
#include <caf/message.hpp>
#include <caf/sec.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "actors/common/errc.hpp"

namespace streamify::gateway {

namespace {

int status_of(errc code) {
  switch (code) {
    case errc::bad_request: return 400;
    case errc::unauthenticated: return 401;
    case errc::payment_required: return 402;
    case errc::forbidden: return 403;
    case errc::not_found: return 404;
    case errc::conflict: return 409;
    case errc::gone: return 410;
    case errc::too_large: return 413;
    case errc::unsupported_media: return 415;
    case errc::range_not_satisfiable: return 416;
    case errc::invalid: return 422;
    case errc::rate_limited: return 429;
    case errc::unavailable: return 503;
    case errc::overloaded: return 503;
    case errc::internal: return 500;
  }
  return 500;
}

} // namespace

const char* default_code(int status) {
  switch (status) {
    case 400: return "bad_request";
    case 401: return "unauthenticated";
    case 402: return "payment_required";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 409: return "conflict";
    case 410: return "gone";
    case 413: return "payload_too_large";
    case 414: return "uri_too_long";
    case 415: return "unsupported_media_type";
    case 416: return "range_not_satisfiable";
    case 422: return "invalid";
    case 429: return "rate_limited";
    case 431: return "headers_too_large";
    case 503: return "unavailable";
    default: return status >= 500 ? "internal_error" : "bad_request";
  }
}

http_error from_actor_error(const caf::error& err) {
  if (err.category() == caf::atom("streamify")) {
    auto code = static_cast<errc>(err.code());
    const auto& ctx = err.context();
    std::string machine = default_code(status_of(code));
    std::string message = to_string(code);
    int64_t retry_after = 0;
    if (ctx.match_element<std::string>(0))
      machine = ctx.get_as<std::string>(0);
    if (ctx.size() > 1 && ctx.match_element<std::string>(1))
      message = ctx.get_as<std::string>(1);
    if (ctx.size() > 2 && ctx.match_element<int64_t>(2))
      retry_after = ctx.get_as<int64_t>(2);
    return http_error{status_of(code), machine, message, retry_after};
  }
  if (err == caf::sec::request_timeout)
    return http_error{503, "role_timeout", "a service did not answer in time"};
  return http_error{503, "role_unavailable", "a service is unreachable"};
}

void write_error(httplib::Response& res, const http_error& err,
                 const std::string& request_id) {
  res.status = err.status;
  if (err.retry_after_s > 0)
    res.set_header("Retry-After", std::to_string(err.retry_after_s));
  nlohmann::json body{{"error", err.code},
                      {"message", err.status >= 500 && err.status != 503
                                    ? std::string{"internal error"}
                                    : std::string{err.what()}},
                      {"request_id", request_id}};
  res.set_content(body.dump(), "application/json");
}

} // namespace streamify::gateway
