#include "nodes/inspector_views.hpp"

#include <algorithm>

namespace streamify::node {

namespace {

std::string label(const actor_sample& s, const std::string& key) {
  auto i = s.labels.find(key);
  return i == s.labels.end() ? std::string{} : i->second;
}

int64_t number(const actor_sample& s, const std::string& key) {
  auto text = label(s, key);
  return text.empty() ? 0 : std::stoll(text);
}

} // namespace

admin::actor_report rank_actors(std::vector<actor_sample> samples,
                                const std::string& by, int64_t limit) {
  admin::actor_report out;
  for (const auto& s : samples)
    ++out.counts[s.kind];
  auto key = [&](const actor_sample& s) {
    return by == "mailbox" ? s.mailbox : s.handled;
  };
  auto n = static_cast<size_t>(
    std::clamp<int64_t>(limit, 0, static_cast<int64_t>(samples.size())));
  std::partial_sort(samples.begin(), samples.begin() + n, samples.end(),
                    [&](const actor_sample& a, const actor_sample& b) {
                      return key(a) != key(b) ? key(a) > key(b)
                                              : a.id < b.id;
                    });
  samples.resize(n);
  out.top = std::move(samples);
  return out;
}

admin::session_samples live_sessions(const std::vector<actor_sample>& samples,
                                     const std::string& viewer,
                                     const std::string& video, int64_t now_ms) {
  admin::session_samples out;
  for (const auto& s : samples) {
    if (s.kind != "session")
      continue;
    admin::session_sample x{s.id,     label(s, "viewer"), label(s, "video"),
                            label(s, "state"), number(s, "minutes_paid"),
                            -1,       s.mailbox,          s.handled};
    if ((!viewer.empty() && x.viewer_id != viewer)
        || (!video.empty() && x.video_id != video))
      continue;
    if (auto beat = number(s, "last_heartbeat_ms"); beat > 0)
      x.heartbeat_age_ms = std::max<int64_t>(0, now_ms - beat);
    out.push_back(std::move(x));
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

} // namespace streamify::node
