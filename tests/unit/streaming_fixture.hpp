#pragma once

// Shared by the streaming DSL tests: the streaming role with an in-memory
// store, a manual clock and small fake billing and catalog actors that keep
// the contracts in actors/billing/messages.hpp and actors/catalog/messages.hpp.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <caf/test/dsl.hpp>

#include "actors/billing/messages.hpp"
#include "actors/common/errc.hpp"
#include "actors/common/message_types.hpp"
#include "actors/streaming/session_store_worker.hpp"
#include "actors/streaming/streaming_actor.hpp"
#include "persistence/streaming/memory_session_store.hpp"
#include "tests/unit/request_and_run.hpp"

namespace streamify::streaming_test {

using namespace streamify::streaming;
using billing::charge_request;
using billing::charge_result;
using catalog::video_info;

struct test_config : caf::actor_system_config {
  test_config() {
    streamify::add_message_types(*this);
  }
};

// The wallet as billing promises it: one charge per key, replays answer the
// first result. `silent` charges commit but never answer (a lost reply).
struct fake_wallet {
  std::map<std::string, int64_t> balances;
  std::map<std::string, charge_result> charges;
  int64_t requests = 0;
  int silent = 0;
};

inline caf::behavior fake_billing(caf::event_based_actor*,
                           std::shared_ptr<fake_wallet> w) {
  return {
    [w](billing::charge_atom,
        charge_request& req) -> caf::result<charge_result> {
      ++w->requests;
      auto key = "charge:" + req.session_id + ":"
                 + std::to_string(req.minute_index);
      charge_result out;
      if (auto i = w->charges.find(key); i != w->charges.end()) {
        out = i->second;
        out.replayed = true;
      } else {
        auto& balance = w->balances[req.viewer_id];
        if (balance < req.price_cents)
          return fail(errc::payment_required, "insufficient_funds",
                      "balance too low");
        balance -= req.price_cents;
        out = charge_result{"tx-" + key, req.price_cents, balance, false};
        w->charges[key] = out;
      }
      if (w->silent > 0) {
        --w->silent;
        return caf::delegated<charge_result>{};
      }
      return out;
    },
  };
}

struct fake_videos {
  std::map<std::string, video_info> videos;
  std::vector<caf::actor> listeners;
  std::vector<std::string> views; // session ids
};

inline caf::behavior fake_catalog(caf::event_based_actor*,
                           std::shared_ptr<fake_videos> c) {
  return {
    [c](catalog::get_video_atom,
        std::string& id) -> caf::result<video_info> {
      if (auto i = c->videos.find(id); i != c->videos.end())
        return i->second;
      return fail(errc::not_found, "video_not_found", "no such video");
    },
    [c](catalog::subscribe_atom, caf::actor& listener) {
      c->listeners.push_back(listener);
    },
    [c](catalog::view_counted_atom, std::string&, std::string& session) {
      c->views.push_back(session);
    },
  };
}

constexpr int64_t price = 25;

struct fixture : test_coordinator_fixture<test_config> {
  std::shared_ptr<persistence::memory_session_store> store
    = std::make_shared<persistence::memory_session_store>();
  std::shared_ptr<manual_clock> clk
    = std::make_shared<manual_clock>(1'800'000'000'000);
  std::shared_ptr<fake_wallet> wallet = std::make_shared<fake_wallet>();
  std::shared_ptr<fake_videos> videos = std::make_shared<fake_videos>();
  streaming_settings settings;
  caf::actor billing;
  caf::actor catalog;
  session_store_actor worker;
  streaming_actor role;

  fixture() {
    settings.session.billing = billing_params{60'000, 10'000, 30'000};
    settings.session.fee_bps = 2000;
    billing = sys.spawn(fake_billing, wallet);
    catalog = sys.spawn(fake_catalog, videos);
    videos->videos["paid"] = video("paid", "owner", price, 600'000);
    videos->videos["free"] = video("free", "owner", 0, 600'000);
    videos->videos["short"] = video("short", "owner", price, 20'000);
    wallet->balances["ann"] = 1'000;
    start_role();
  }

  ~fixture() override {
    caf::anon_send_exit(role, caf::exit_reason::user_shutdown);
    sched.run();
  }

  static video_info video(std::string id, std::string owner, int64_t cents,
                          int64_t duration_ms) {
    video_info v;
    v.id = std::move(id);
    v.owner_id = std::move(owner);
    v.title = "Title of " + v.id;
    v.price_per_minute_cents = cents;
    v.duration_ms = duration_ms;
    v.status = "ready";
    return v;
  }

  void start_role() {
    worker = sys.spawn(session_store_worker, store);
    role = sys.spawn(streaming_role, settings, billing, catalog,
                     std::vector<session_store_actor>{worker}, store->live(),
                     clk);
    sched.run();
  }

  // Moves the domain clock and CAF's test clock together, firing timers.
  void wait_ms(int64_t ms) {
    clk->advance_ms(ms);
    advance_time(std::chrono::milliseconds(ms));
    sched.run();
  }

  template <class T, class... Ts>
  caf::expected<T> call(Ts&&... xs) {
    return streamify::test::request_and_run<T>(self, role, [this] { sched.run(); },
                                               std::forward<Ts>(xs)...);
  }

  caf::expected<session_view> start(const std::string& viewer,
                                    const std::string& video,
                                    const std::string& key = "") {
    return call<session_view>(start_atom::value,
                              start_request{viewer, video, key});
  }

  session_view started(const std::string& viewer, const std::string& video) {
    auto s = start(viewer, video);
    CAF_REQUIRE(s);
    return *s;
  }

  caf::expected<session_view> beat(const session_view& s, int64_t position_s,
                                   bool playing,
                                   caf::optional<int64_t> seq = caf::none) {
    return call<session_view>(heartbeat_atom::value,
                              heartbeat_request{s.id, s.viewer_id,
                                                position_s * 1000, playing,
                                                seq});
  }

  session_view beat_view(const session_view& s, int64_t position_s,
                         bool playing, caf::optional<int64_t> seq = caf::none) {
    auto r = beat(s, position_s, playing, seq);
    CAF_REQUIRE(r);
    return std::move(*r);
  }

  session_view get_view(const session_view& s) {
    auto r = call<session_view>(get_session_atom::value, s.id, s.viewer_id);
    CAF_REQUIRE(r);
    return std::move(*r);
  }

  persistence::session_row stored(const std::string& id) {
    auto row = store->find(id);
    CAF_REQUIRE(row.has_value());
    return std::move(*row);
  }

  // Plays for `seconds`, one playing heartbeat per 10 s; returns the last.
  session_view play(const session_view& s, int64_t from_s, int64_t seconds) {
    session_view last = s;
    for (int64_t t = 10; t <= seconds; t += 10) {
      wait_ms(10'000);
      auto r = beat(s, from_s + t, true);
      CAF_REQUIRE(r);
      last = *r;
    }
    return last;
  }

  int64_t charges_of(const std::string& session) {
    int64_t n = 0;
    for (const auto& [key, res] : wallet->charges)
      n += key.rfind("charge:" + session + ":", 0) == 0 ? 1 : 0;
    return n;
  }
};


} // namespace streamify::streaming_test
