#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "actors/common/inspector_messages.hpp"

namespace streamify::node {

// The actor table's answer to `actors`: counts by kind and the `limit`
// busiest, ranked by "mailbox" (waiting messages) or "messages" (handled).
admin::actor_report rank_actors(std::vector<actor_sample> samples,
                                const std::string& by, int64_t limit);

// The sessions in the table, filtered by viewer and video (empty: any), with
// the age of their last heartbeat at `now_ms` (the sessions' clock).
admin::session_samples live_sessions(const std::vector<actor_sample>& samples,
                                     const std::string& viewer,
                                     const std::string& video, int64_t now_ms);

} // namespace streamify::node
