#include <chrono>
#include <cmath>

#include <caf/actor_system.hpp>

#include "actors/common/ids.hpp"
#include "actors/streaming/billing_rules.hpp"
#include "actors/streaming/messages.hpp"
#include "actors/streaming/stream_token.hpp"
#include "gateway/ask.hpp"
#include "gateway/http_gateway.hpp"
#include "gateway/json_body.hpp"
#include "gateway/request_params.hpp"

namespace streamify::gateway {

namespace {

using namespace streamify::streaming;

constexpr double max_position_s = 1e7; // far beyond any video

nlohmann::json to_json(const session_view& s, const request_context& ctx) {
  nlohmann::json out{
    {"id", s.id},
    {"video_id", s.video_id},
    {"state", s.state},
    {"price_per_minute_cents", s.price_per_minute_cents},
    {"minutes_paid", s.minutes_paid},
    {"charged_cents", s.charged_cents},
    {"billed_seconds", whole_seconds(s.billed_ms)},
    {"position_s", whole_seconds(s.position_ms)},
    {"balance_cents", s.balance_cents},
    {"heartbeat_interval_s", s.heartbeat_interval_s},
    {"stream_url", stream_url(s.id, s.viewer_id, ctx.now_s, ctx.jwt_secret)},
    {"hls_url", hls_url(s.id, s.viewer_id, ctx.now_s, ctx.jwt_secret)},
    {"max_playback_rate", static_cast<double>(s.max_rate_permille) / 1000}};
  if (!s.end_reason.empty())
    out["end_reason"] = s.end_reason;
  return out;
}

nlohmann::json to_json(const history_item& h) {
  nlohmann::json out{{"session_id", h.session_id},
                     {"video_id", h.video_id},
                     {"title", h.title},
                     {"started_at", format_utc(h.started_at_ms)},
                     {"billed_seconds", whole_seconds(h.billed_ms)},
                     {"charged_cents", h.charged_cents},
                     {"position_s", whole_seconds(h.position_ms)}};
  if (h.resume_ms)
    out["resume_s"] = whole_seconds(*h.resume_ms);
  return out;
}

heartbeat_request parse_heartbeat(const nlohmann::json& body) {
  heartbeat_request hb;
  auto pos = body.find("position_s");
  if (pos == body.end())
    throw http_error(400, "missing_field", "position_s is required");
  if (!pos->is_number())
    throw http_error(400, "wrong_type", "position_s must be a number");
  auto position = pos->get<double>();
  if (!std::isfinite(position) || position < 0 || position > max_position_s)
    throw http_error(422, "invalid_field",
                     "position_s must be a non-negative number of seconds");
  hb.position_ms = static_cast<int64_t>(position * 1000);
  auto playing = body.find("playing");
  if (playing == body.end())
    throw http_error(400, "missing_field", "playing is required");
  if (!playing->is_boolean())
    throw http_error(400, "wrong_type", "playing must be true or false");
  hb.playing = playing->get<bool>();
  if (auto seq = body.find("seq"); seq != body.end() && !seq->is_null()) {
    if (!seq->is_number_integer())
      throw http_error(400, "wrong_type", "seq must be an integer");
    if (seq->is_number_unsigned()
          ? seq->get<uint64_t>() > uint64_t{INT64_MAX}
          : seq->get<int64_t>() < 0)
      throw http_error(422, "invalid_field", "seq must be a non-negative "
                                             "64-bit integer");
    hb.seq = seq->get<int64_t>();
  }
  return hb;
}

// A heartbeat or an end may change what the stream endpoint allows: the
// answer updates its cache before the player's next range request.
void remember(http_gateway& gw, const session_view& s) {
  gw.entitlements()->observe(s.id, s.viewer_id, s.state, s.minutes_paid,
                             std::chrono::steady_clock::now());
}

} // namespace

void add_session_routes(http_gateway& gw) {
  auto streaming = [&gw] { return gw.roles().get<streaming_actor>("streaming"); };
  auto timeout = gw.settings().request_timeout;
  gw.route("POST", "/api/sessions", [&gw, streaming, timeout](request_context& ctx) {
    auto claims = ctx.user();
    auto body = ctx.json_body();
    start_request req{claims.sub, required_string(body, "video_id"),
                      optional_idempotency_key(ctx.req)};
    auto s = ask<session_view>(gw.system(), streaming(), timeout,
                               start_atom::value, std::move(req));
    ctx.reply(201, to_json(s, ctx));
  });
  gw.route("POST", "/api/sessions/{id}/heartbeat",
           [&gw, streaming, timeout](request_context& ctx) {
             auto claims = ctx.user();
             auto hb = parse_heartbeat(ctx.json_body());
             hb.session_id = ctx.req.matches[1];
             hb.viewer_id = claims.sub;
             auto s = ask<session_view>(gw.system(), streaming(), timeout,
                                        heartbeat_atom::value, std::move(hb));
             remember(gw, s);
             ctx.reply(200, to_json(s, ctx));
           });
  // Ending a session changes what the stream endpoint allows: the answer
  // updates its cache; reading one does not.
  auto session_route = [&gw, streaming, timeout](auto atom, bool changes) {
    return [&gw, streaming, timeout, atom, changes](request_context& ctx) {
      auto claims = ctx.user();
      auto s = ask<session_view>(gw.system(), streaming(), timeout, atom,
                                 std::string{ctx.req.matches[1]}, claims.sub);
      if (changes)
        remember(gw, s);
      ctx.reply(200, to_json(s, ctx));
    };
  };
  gw.route("POST", "/api/sessions/{id}/end",
           session_route(end_atom::value, true));
  gw.route("GET", "/api/sessions/{id}",
           session_route(get_session_atom::value, false));
  gw.route("GET", "/api/history", [&gw, streaming, timeout](request_context& ctx) {
    auto claims = ctx.user();
    history_request req{claims.sub, list_limit(ctx.req),
                        ctx.req.get_param_value("cursor")};
    auto page = ask<history_page>(gw.system(), streaming(), timeout,
                                  history_atom::value, std::move(req));
    auto items = nlohmann::json::array();
    for (const auto& h : page.items)
      items.push_back(to_json(h));
    ctx.reply(200, {{"items", items},
                    {"next_cursor", page.next_cursor.empty()
                                      ? nlohmann::json(nullptr)
                                      : nlohmann::json(page.next_cursor)}});
  });
}

} // namespace streamify::gateway
