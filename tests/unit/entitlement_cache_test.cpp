#define CAF_SUITE entitlement_cache

// The gateway's cache of session states: expiry, and which of a fetch and an
// observed (pushed) state wins.
#include <caf/test/unit_test.hpp>

#include "gateway/entitlement_cache.hpp"

using namespace streamify::gateway;
using std::chrono::milliseconds;

namespace {

const auto t0 = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);

entitlement fetched(const std::string& state) {
  return entitlement{"ann", state, 1, "/videos/a.mp4", "video/mp4", "a", 60'000};
}

} // namespace

CAF_TEST(a fetched entry is served until it expires) {
  entitlement_cache cache{milliseconds(100)};
  CAF_CHECK(!cache.find("s", t0));
  cache.store("s", fetched("active"), t0);
  auto hit = cache.find("s", t0 + milliseconds(99));
  CAF_REQUIRE(hit);
  CAF_CHECK_EQUAL(hit->file_path, "/videos/a.mp4");
  CAF_CHECK(!cache.find("s", t0 + milliseconds(100)));
}

CAF_TEST(an observed state applies at once and does not extend the entry) {
  entitlement_cache cache{milliseconds(100)};
  cache.store("s", fetched("active"), t0);
  cache.observe("s", "ann", "ended", 1, t0 + milliseconds(50));
  auto seen = cache.find("s", t0 + milliseconds(51));
  CAF_REQUIRE(seen);
  CAF_CHECK_EQUAL(seen->state, "ended");
  CAF_CHECK(!cache.find("s", t0 + milliseconds(100)));
}

CAF_TEST(a state observed during a fetch wins over the fetch) {
  entitlement_cache cache{milliseconds(100)};
  cache.observe("s", "ann", "payment_required", 1, t0 + milliseconds(5));
  CAF_CHECK(!cache.find("s", t0 + milliseconds(6))); // no file known yet
  cache.store("s", fetched("active"), t0);
  auto hit = cache.find("s", t0 + milliseconds(10));
  CAF_REQUIRE(hit);
  CAF_CHECK_EQUAL(hit->state, "payment_required");
  CAF_CHECK_EQUAL(hit->mime_type, "video/mp4");
  cache.store("s", fetched("active"), t0 + milliseconds(200));
  auto refetched = cache.find("s", t0 + milliseconds(201));
  CAF_REQUIRE(refetched);
  CAF_CHECK_EQUAL(refetched->state, "active");
}

CAF_TEST(a full cache drops expired entries first) {
  entitlement_cache cache{milliseconds(100), 2};
  cache.store("old", fetched("active"), t0);
  cache.store("new", fetched("active"), t0 + milliseconds(150));
  cache.store("third", fetched("active"), t0 + milliseconds(160));
  CAF_CHECK(cache.find("new", t0 + milliseconds(170)));
  CAF_CHECK(cache.find("third", t0 + milliseconds(170)));
  CAF_CHECK(!cache.find("old", t0 + milliseconds(50)));
}

CAF_TEST(granted spans merge and outlive the expiry of the entry) {
  entitlement_cache cache{milliseconds(100)};
  CAF_CHECK_EQUAL(cache.granted_around("s", 5'000).length(), 0);
  cache.store("s", fetched("active"), t0);
  cache.grant("s", {0, 20'000}, t0);
  cache.grant("s", {20'000, 36'000}, t0);
  auto g = cache.granted_around("s", 30'000);
  CAF_CHECK_EQUAL(g.begin_ms, 0);
  CAF_CHECK_EQUAL(g.end_ms, 36'000);
  CAF_CHECK_EQUAL(cache.granted_around("s", 36'000).length(), 0);
  cache.store("s", fetched("active"), t0 + milliseconds(200));
  CAF_CHECK_EQUAL(cache.granted_around("s", 0).end_ms, 36'000);
}
