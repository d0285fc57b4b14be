#include "gateway/session_access.hpp"

#include <chrono>

#include <caf/actor_system.hpp>

#include "actors/catalog/catalog_rules.hpp"
#include "actors/catalog/messages.hpp"
#include "actors/streaming/messages.hpp"
#include "actors/streaming/stream_token.hpp"
#include "gateway/ask.hpp"

namespace streamify::gateway {

using namespace streamify::streaming;

session_access::session_access(http_gateway& gw)
  : gw_(gw), timeout_(gw.settings().request_timeout),
    videos_dir_(catalog::storage_under(gw.settings().data_dir).videos_dir),
    cache_(gw.entitlements()),
    pushes_(std::make_shared<entitlement_subscription>(gw.system(), cache_)) {
  pushes_->subscribe_to(streaming());
}

streaming_actor session_access::streaming() {
  return gw_.roles().get<streaming_actor>("streaming");
}

entitlement session_access::lookup(const std::string& session_id) {
  auto now = std::chrono::steady_clock::now();
  if (auto e = cache_->find(session_id, now))
    return *e;
  auto role = streaming();
  pushes_->subscribe_to(role);
  auto s = ask<session_view>(gw_.system(), role, timeout_,
                             get_session_atom::value, session_id);
  auto v = ask<catalog::video_info>(
    gw_.system(), gw_.roles().get<catalog::catalog_actor>("catalog"), timeout_,
    catalog::get_video_atom::value, s.video_id);
  entitlement e{s.viewer_id,
                s.state,
                s.minutes_paid,
                videos_dir_ + "/" + v.file_name,
                v.mime_type,
                v.id,
                v.duration_ms};
  cache_->store(session_id, e, now);
  return e;
}

time_span session_access::claim(const std::string& session_id,
                                const time_span& span) {
  auto held = cache_->granted_around(session_id, span.begin_ms);
  if (held.length() > 0 && span.end_ms <= held.end_ms)
    return held;
  auto now = std::chrono::steady_clock::now();
  auto g = ask<span_grant>(gw_.system(), streaming(), timeout_,
                           claim_atom::value,
                           claim_request{session_id, span.begin_ms,
                                         span.end_ms});
  time_span granted{g.begin_ms, g.end_ms};
  cache_->grant(session_id, granted, now);
  return granted;
}

time_span session_access::granted_around(const std::string& session_id,
                                         int64_t at_ms) {
  return cache_->granted_around(session_id, at_ms);
}

void check_stream_token(const request_context& ctx, const std::string& token,
                        const std::string& session_id, const entitlement& e) {
  if (!verify_stream_token(token, session_id, e.viewer_id, ctx.now_s,
                           ctx.jwt_secret))
    throw http_error(401, "invalid_token",
                     "the stream token is invalid or expired");
}

void check_state(const entitlement& e) {
  if (e.state == "payment_required")
    throw http_error(402, "payment_required",
                     "deposit funds to continue watching");
  if (e.state == "ended")
    throw http_error(410, "session_ended", "the session has ended");
}

} // namespace streamify::gateway
