// Delivery by segment with the gateway and streaming roles on different
// nodes, and two gateway nodes asking the same session actor: segments are
// served and the paid window holds over both.
#define CAF_SUITE cluster_hls

#include <cmath>

#include <caf/test/unit_test.hpp>

#include "tests/cluster/cluster_support.hpp"
#include "tests/integration/hls_support.hpp"

using namespace streamify::test;

namespace {

double window_s(int64_t minutes_paid) {
  return minutes_paid * 4.0 + 8.0 + 0.001;
}

} // namespace

CAF_TEST(two gateways serve segments and share one paid window) {
  cluster_layout layout;
  layout.extra_args = {"--billing.minute-seconds=2",
                       "--streaming.heartbeat-interval=1",
                       "--streaming.idle-timeout=30",
                       "--streaming.lookahead-seconds=8",
                       "--streaming.grant-ahead-seconds=4"};
  layout.gateways = 2;
  test_cluster cluster{layout};
  auto& one = cluster.gateway();
  auto& two = cluster.more_gateway(0);
  auto creator = token_of(sign_up(one, "creator"));
  auto video = upload(one, creator, 1, tiny_video(600),
                      std::chrono::seconds(600));
  auto w = watch(one, video, 1'000);
  auto hls_url = one.get("/api/sessions/" + w.session, w.viewer)
                   .body["hls_url"].get<std::string>();

  // Minute 0 paid: 2 s x 2 + 8 s = 12 s, whichever gateway asks.
  auto first = greedy(one, hls_url, {"240p"});
  CAF_CHECK_LESS_OR_EQUAL(first.seconds, window_s(1));
  CAF_CHECK_GREATER(first.seconds, window_s(1) - 4.001);
  auto second = greedy(two, hls_url, {"360p", "240p"});
  CAF_CHECK(second.segments == first.segments);
  CAF_CHECK_EQUAL(second.seconds, first.seconds);

  // Each paid minute adds 4 s, again over both gateways.
  auto paid = pay_next_minute(two, w, 1);
  auto wider = greedy(two, hls_url, {"240p"});
  CAF_CHECK_LESS_OR_EQUAL(wider.seconds, window_s(paid));
  CAF_CHECK_GREATER(wider.seconds, first.seconds);
  auto again = greedy(one, hls_url, {"360p", "240p"});
  CAF_CHECK(again.segments == wider.segments);

  // A player no one here wrote reads the stream through the second gateway.
  auto fresh = watch(two, video, 1'000);
  auto fresh_url = two.get("/api/sessions/" + fresh.session, fresh.viewer)
                     .body["hls_url"].get<std::string>();
  auto duration = command_output(
    "ffprobe -v error -show_entries format=duration -of default=nw=1:nk=1 "
    "'http://127.0.0.1:" + std::to_string(two.port()) + fresh_url + "'");
  CAF_REQUIRE(!duration.empty());
  CAF_CHECK_LESS_OR_EQUAL(std::abs(std::stod(duration) - 600), 4.0);
}
