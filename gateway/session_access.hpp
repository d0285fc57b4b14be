#pragma once

#include <memory>
#include <string>

#include "actors/streaming/paid_window.hpp"
#include "gateway/entitlement_cache.hpp"
#include "gateway/entitlement_receiver.hpp"
#include "gateway/http_gateway.hpp"

namespace streamify::gateway {

// What the media routes (progressive stream and HLS) ask about a session:
// its entitlement (cached, with pushes from the streaming role) and the
// spans of the video the session allows, granted by the session actor and
// remembered beside the entitlement so that most segments need no request.
class session_access {
public:
  explicit session_access(http_gateway& gw);

  // The session's entitlement: from the cache, else fetched from the
  // streaming role and the catalog (their errors as http_error).
  entitlement lookup(const std::string& session_id);

  // The granted span containing `span`: from the cache, else one claim to
  // the session (402 payment_required or beyond_paid_window, 410, ...).
  streaming::time_span claim(const std::string& session_id,
                             const streaming::time_span& span);

  // The cached granted span containing `at_ms`, possibly empty.
  streaming::time_span granted_around(const std::string& session_id,
                                      int64_t at_ms);

  // <storage.data-dir>/videos
  const std::string& videos_dir() const { return videos_dir_; }

private:
  streaming::streaming_actor streaming();

  http_gateway& gw_;
  caf::timespan timeout_;
  std::string videos_dir_;
  std::shared_ptr<entitlement_cache> cache_;
  std::shared_ptr<entitlement_subscription> pushes_;
};

// The viewer's stream token `st` for this session, or 401.
void check_stream_token(const request_context& ctx, const std::string& token,
                        const std::string& session_id, const entitlement& e);

// 402 while payment is required, 410 once ended.
void check_state(const entitlement& e);

} // namespace streamify::gateway
