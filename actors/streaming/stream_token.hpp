#pragma once

#include <cstdint>
#include <string>

namespace streamify::streaming {

// The `st` query token of a session's stream_url: `<exp>.<signature>` where
// the signature is HMAC-SHA256 over session, viewer and exp with a key
// derived from the JWT secret (so a stream token is never a valid JWT and
// vice versa). A <video> element cannot send headers, hence the query token.
constexpr int64_t stream_token_ttl_s = 600;

std::string sign_stream_token(const std::string& session_id,
                              const std::string& viewer_id, int64_t exp_s,
                              const std::string& jwt_secret);

// True when the token was signed for this session and viewer and `now_s` is
// before its expiry.
bool verify_stream_token(const std::string& token,
                         const std::string& session_id,
                         const std::string& viewer_id, int64_t now_s,
                         const std::string& jwt_secret);

// `/api/sessions/{id}/stream?st=<token>`, valid for stream_token_ttl_s.
std::string stream_url(const std::string& session_id,
                       const std::string& viewer_id, int64_t now_s,
                       const std::string& jwt_secret);

// `/api/sessions/{id}/hls/<token>/master.m3u8`: the same token in the path,
// so every relative URI in the playlists carries it.
std::string hls_url(const std::string& session_id,
                    const std::string& viewer_id, int64_t now_s,
                    const std::string& jwt_secret);

} // namespace streamify::streaming
