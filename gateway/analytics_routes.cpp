#include <caf/actor_system.hpp>

#include "actors/analytics/day_rules.hpp"
#include "actors/analytics/messages.hpp"
#include "actors/catalog/messages.hpp"
#include "gateway/ask.hpp"
#include "gateway/http_gateway.hpp"

namespace streamify::gateway {

namespace {

using namespace streamify::analytics;
using nlohmann::json;
using persistence::activity_totals;

double minutes(int64_t watched_ms) {
  return static_cast<double>((watched_ms * 100 + 30'000) / 60'000) / 100.0;
}

json to_json(const activity_totals& t) {
  return {{"views", t.views},
          {"unique_viewers", t.unique_viewers},
          {"minutes_watched", minutes(t.watched_ms)},
          {"watched_ms", t.watched_ms},
          {"revenue_cents", t.revenue_cents},
          {"platform_fee_cents", t.fee_cents}};
}

json days_json(const std::vector<persistence::day_totals>& sparse,
               day_range range) {
  auto out = json::array();
  for (const auto& d : every_day(sparse, range)) {
    auto row = to_json(d.totals);
    row["day"] = format_day(d.day);
    out.push_back(std::move(row));
  }
  return out;
}

day_range range_of(const request_context& ctx) {
  std::string error;
  auto range = parse_range(ctx.req.get_param_value("from"),
                           ctx.req.get_param_value("to"),
                           persistence::day_of(ctx.now_s * 1000), error);
  if (!range)
    throw http_error(400, "invalid_range", error);
  return *range;
}

} // namespace

void add_analytics_routes(http_gateway& gw) {
  auto analytics = [&gw] {
    return gw.roles().get<analytics_actor>("analytics");
  };
  auto catalog = [&gw] {
    return gw.roles().get<catalog::catalog_actor>("catalog");
  };
  auto timeout = gw.settings().request_timeout;
  gw.route("GET", "/api/analytics/creator",
           [&gw, analytics, timeout](request_context& ctx) {
             auto claims = ctx.user();
             if (claims.role != "creator")
               throw http_error(403, "creators_only",
                                "only creators have a dashboard");
             auto range = range_of(ctx);
             auto report = ask<creator_report>(gw.system(), analytics(),
                                               timeout, creator_atom::value,
                                               claims.sub, range);
             auto videos = json::array();
             for (const auto& v : report.per_video) {
               auto row = to_json(v.totals);
               row["video_id"] = v.video_id;
               row["title"] = v.title;
               videos.push_back(std::move(row));
             }
             ctx.reply(200, {{"from", format_day(range.from_day)},
                             {"to", format_day(range.to_day)},
                             {"totals", to_json(report.totals)},
                             {"per_day", days_json(report.per_day, range)},
                             {"per_video", videos}});
           });
  gw.route("GET", "/api/analytics/videos/{id}",
           [&gw, analytics, catalog, timeout](request_context& ctx) {
             auto claims = ctx.user();
             auto range = range_of(ctx);
             auto video = ask<catalog::video_info>(
               gw.system(), catalog(), timeout, catalog::get_video_atom::value,
               ctx.req.matches[1].str(), claims.sub);
             if (video.owner_id != claims.sub)
               throw http_error(403, "not_owner",
                                "only the video's owner sees its analytics");
             auto report = ask<video_report>(gw.system(), analytics(), timeout,
                                             video_stats_atom::value, video.id,
                                             range);
             auto sessions = report.retention.empty() ? 0
                                                      : report.retention[0];
             auto retention = json::array();
             for (auto reached : report.retention)
               retention.push_back(
                 sessions == 0 ? 0.0
                               : static_cast<double>(reached * 10'000
                                                     / sessions)
                                   / 10'000.0);
             ctx.reply(200, {{"video_id", video.id},
                             {"title", video.title},
                             {"from", format_day(range.from_day)},
                             {"to", format_day(range.to_day)},
                             {"totals", to_json(report.totals)},
                             {"per_day", days_json(report.per_day, range)},
                             {"sessions", sessions},
                             {"retention", retention}});
           });
  gw.route("GET", "/api/analytics/platform",
           [&gw, analytics, timeout](request_context& ctx) {
             if (ctx.user().role != "admin")
               throw http_error(403, "admins_only",
                                "only admins see platform totals");
             auto p = ask<platform_report>(gw.system(), analytics(), timeout,
                                           platform_atom::value);
             ctx.reply(200, {{"users",
                              {{"viewer", p.viewers},
                               {"creator", p.creators},
                               {"admin", p.admins}}},
                             {"videos", p.videos},
                             {"sessions", p.sessions},
                             {"minutes_watched", minutes(p.watched_ms)},
                             {"watched_ms", p.watched_ms},
                             {"deposits_cents", p.deposits_cents},
                             {"revenue_cents", p.revenue_cents},
                             {"platform_fees_cents", p.fee_cents}});
           });
}

} // namespace streamify::gateway
