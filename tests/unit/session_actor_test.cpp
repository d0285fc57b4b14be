#define CAF_SUITE session_actor

#include "actors/streaming/streaming_actor.hpp"

#include <caf/test/dsl.hpp>

#include "actors/billing/messages.hpp"
#include "actors/common/errc.hpp"
#include "actors/common/message_types.hpp"
#include "actors/streaming/session_store_worker.hpp"
#include "persistence/streaming/memory_session_store.hpp"

using namespace streamify;
using namespace streamify::streaming;
using billing::charge_request;
using billing::charge_result;
using catalog::video_info;

namespace {

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

caf::behavior fake_billing(caf::event_based_actor*,
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

caf::behavior fake_catalog(caf::event_based_actor*,
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
    auto pending = self->request(role, caf::infinite, std::forward<Ts>(xs)...);
    sched.run();
    caf::expected<T> out = caf::error{};
    pending.receive([&](T& x) { out = std::move(x); },
                    [&](caf::error& err) { out = std::move(err); });
    return out;
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

bool is(const caf::error& err, errc code) {
  return err.category() == caf::atom("streamify")
         && err.code() == static_cast<uint8_t>(code);
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(session_actor_tests, fixture)

CAF_TEST(start charges minute 0 before answering and stores the session) {
  self->send(role, start_atom::value, start_request{"ann", "paid", ""});
  expect((start_atom, start_request), from(self).to(role).with(_, _));
  expect((catalog::get_video_atom, std::string),
         from(role).to(catalog).with(_, "paid"));
  expect((video_info), from(catalog).to(role).with(_));
  sched.run_once(); // the new session gets `start`
  expect((billing::charge_atom, charge_request),
         from(_).to(billing).with(_, _));
  CAF_CHECK(store->live().empty()); // stored only once minute 0 is paid
  sched.run();
  session_view s;
  self->receive([&](session_view& v) { s = v; });
  CAF_CHECK_EQUAL(s.state, "active");
  CAF_CHECK_EQUAL(s.minutes_paid, 1);
  CAF_CHECK_EQUAL(s.charged_cents, price);
  CAF_CHECK_EQUAL(s.balance_cents, 1'000 - price);
  CAF_CHECK_EQUAL(s.heartbeat_interval_s, 10);
  CAF_CHECK(wallet->charges.count("charge:" + s.id + ":0") == 1);
  auto row = store->find(s.id);
  CAF_REQUIRE(row.has_value());
  CAF_CHECK_EQUAL(row->minutes_paid, 1);
  CAF_CHECK_EQUAL(row->fee_bps, 2000);
  CAF_CHECK_EQUAL(row->title, "Title of paid");
  CAF_CHECK_EQUAL(videos->views, std::vector<std::string>{s.id});
}

CAF_TEST(a short balance answers 402 and creates nothing) {
  wallet->balances["bob"] = price - 1;
  auto r = start("bob", "paid");
  CAF_REQUIRE(!r);
  CAF_CHECK(is(r.error(), errc::payment_required));
  CAF_CHECK(store->live().empty());
  CAF_CHECK(wallet->charges.empty());
  wallet->balances["bob"] = price;
  auto again = start("bob", "paid");
  CAF_REQUIRE(again);
  CAF_CHECK_EQUAL(again->minutes_paid, 1);
}

CAF_TEST(starting again returns the live session and charges nothing) {
  auto s = started("ann", "paid");
  auto again = started("ann", "paid");
  CAF_CHECK_EQUAL(again.id, s.id);
  CAF_CHECK_EQUAL(wallet->charges.size(), 1u);
  CAF_CHECK(!start("ann", "missing"));
}

CAF_TEST(an idempotency key replays the first answer and rejects another body) {
  auto s = started("ann", "paid");
  call<session_view>(end_atom::value, s.id, std::string{"ann"});
  auto first = start("ann", "paid", "k1");
  CAF_REQUIRE(first);
  CAF_CHECK_NOT_EQUAL(first->id, s.id);
  auto replay = start("ann", "paid", "k1");
  CAF_REQUIRE(replay);
  CAF_CHECK_EQUAL(replay->id, first->id);
  auto other = start("ann", "free", "k1");
  CAF_REQUIRE(!other);
  CAF_CHECK(is(other.error(), errc::conflict));
}

CAF_TEST(heartbeats crossing minutes charge each minute once) {
  auto s = started("ann", "paid");
  CAF_REQUIRE(beat(s, 0, true));
  auto at50 = play(s, 0, 50);
  CAF_CHECK_EQUAL(at50.billed_ms, 50'000);
  CAF_CHECK_EQUAL(at50.minutes_paid, 1);
  auto saves = store->saves();
  auto at60 = play(s, 50, 10);
  CAF_CHECK_EQUAL(at60.minutes_paid, 2);
  CAF_CHECK_EQUAL(at60.charged_cents, 2 * price);
  CAF_CHECK_EQUAL(stored(s.id).minutes_paid, 2);
  CAF_CHECK_GREATER(store->saves(), saves);
  auto at130 = play(s, 60, 70);
  CAF_CHECK_EQUAL(at130.minutes_paid, 3);
  CAF_CHECK_EQUAL(charges_of(s.id), 3);
  CAF_CHECK_EQUAL(wallet->balances["ann"], 1'000 - 3 * price);
}

CAF_TEST(pauses bill nothing and gaps are capped) {
  auto s = started("ann", "paid");
  CAF_REQUIRE(beat(s, 0, false));
  wait_ms(10'000);
  CAF_CHECK_EQUAL(beat_view(s, 0, true).billed_ms, 0);
  wait_ms(25'000);
  CAF_CHECK_EQUAL(beat_view(s, 25, true).billed_ms, 15'000);
}

CAF_TEST(nothing accrues at the end of the video) {
  auto s = started("ann", "short");
  CAF_REQUIRE(beat(s, 10, true));
  wait_ms(10'000);
  CAF_CHECK_EQUAL(beat_view(s, 20, true).billed_ms, 10'000);
  wait_ms(10'000);
  CAF_CHECK_EQUAL(beat_view(s, 20, true).billed_ms, 10'000);
}

CAF_TEST(duplicate and reordered heartbeats change nothing) {
  auto s = started("ann", "paid");
  CAF_REQUIRE(beat(s, 0, true, 1));
  wait_ms(10'000);
  CAF_CHECK_EQUAL(beat_view(s, 10, true, 3).billed_ms, 10'000);
  wait_ms(5'000);
  auto dup = beat(s, 10, true, 3);
  auto old = beat(s, 5, false, 2);
  CAF_CHECK_EQUAL(dup->billed_ms, 10'000);
  CAF_CHECK_EQUAL(old->position_ms, 10'000);
  wait_ms(5'000);
  auto next = beat(s, 20, true, 4);
  CAF_CHECK_EQUAL(next->billed_ms, 20'000);
  CAF_CHECK_EQUAL(next->position_ms, 20'000);
}

CAF_TEST(fifty identical heartbeats over a minute boundary charge once) {
  auto s = started("ann", "paid");
  CAF_REQUIRE(beat(s, 0, true));
  play(s, 0, 50);
  wait_ms(10'000);
  for (int i = 0; i < 50; ++i)
    self->send(role, heartbeat_atom::value,
               heartbeat_request{s.id, "ann", 60'000, true, 7});
  sched.run();
  int answers = 0;
  for (int i = 0; i < 50; ++i)
    self->receive([&](session_view& v) {
      ++answers;
      CAF_CHECK_EQUAL(v.minutes_paid, 2);
    });
  CAF_CHECK_EQUAL(answers, 50);
  CAF_CHECK_EQUAL(charges_of(s.id), 2);
}

CAF_TEST(no heartbeat for the idle timeout ends the session with timeout) {
  auto s = started("ann", "paid");
  wait_ms(20'000);
  CAF_REQUIRE(beat(s, 0, true));
  wait_ms(29'000);
  CAF_CHECK_EQUAL(get_view(s).state, "active");
  wait_ms(1'000);
  auto row = store->find(s.id);
  CAF_REQUIRE(row.has_value());
  CAF_CHECK_EQUAL(row->state, "ended");
  CAF_CHECK_EQUAL(row->end_reason, "timeout");
  auto after = beat(s, 30, true);
  CAF_REQUIRE(after);
  CAF_CHECK_EQUAL(after->state, "ended");
  CAF_CHECK_EQUAL(after->end_reason, "timeout");
  CAF_CHECK_NOT_EQUAL(started("ann", "paid").id, s.id);
}

CAF_TEST(a deleted video ends its sessions with video_deleted) {
  auto s = started("ann", "paid");
  CAF_REQUIRE_EQUAL(videos->listeners.size(), 1u);
  caf::anon_send(videos->listeners.front(), catalog::video_deleted_atom::value,
                 std::string{"paid"});
  sched.run();
  auto v = call<session_view>(get_session_atom::value, s.id,
                              std::string{"ann"});
  CAF_REQUIRE(v);
  CAF_CHECK_EQUAL(v->state, "ended");
  CAF_CHECK_EQUAL(v->end_reason, "video_deleted");
  CAF_CHECK_EQUAL(stored(s.id).end_reason, "video_deleted");
}

CAF_TEST(end stops billing and answers the same afterwards) {
  auto s = started("ann", "paid");
  CAF_REQUIRE(beat(s, 0, true));
  wait_ms(10'000);
  auto ended = call<session_view>(end_atom::value, s.id, std::string{"ann"});
  CAF_REQUIRE(ended);
  CAF_CHECK_EQUAL(ended->state, "ended");
  CAF_CHECK_EQUAL(ended->end_reason, "viewer");
  wait_ms(60'000);
  auto again = call<session_view>(end_atom::value, s.id, std::string{"ann"});
  CAF_CHECK_EQUAL(again->end_reason, "viewer");
  CAF_CHECK_EQUAL(beat_view(s, 70, true).minutes_paid, 1);
  CAF_CHECK_EQUAL(charges_of(s.id), 1);
}

CAF_TEST(another viewer may not touch a session) {
  auto s = started("ann", "paid");
  auto r = call<session_view>(get_session_atom::value, s.id,
                              std::string{"eve"});
  CAF_REQUIRE(!r);
  CAF_CHECK(is(r.error(), errc::forbidden));
  auto missing = call<session_view>(get_session_atom::value,
                                    std::string{"nope"}, std::string{"ann"});
  CAF_REQUIRE(!missing);
  CAF_CHECK(is(missing.error(), errc::not_found));
}

CAF_TEST(a lost wallet reply answers 503 and the retry charges once) {
  auto s = started("ann", "paid");
  CAF_REQUIRE(beat(s, 0, true));
  play(s, 0, 50);
  wallet->silent = 1;
  wait_ms(10'000);
  auto pending = self->request(role, caf::infinite, heartbeat_atom::value,
                               heartbeat_request{s.id, "ann", 60'000, true,
                                                 caf::none});
  sched.run();
  wait_ms(5'000); // the session's wallet timeout
  pending.receive([](session_view&) { CAF_FAIL("expected an error"); },
                  [](caf::error& err) { CAF_CHECK(is(err, errc::unavailable)); });
  CAF_CHECK_EQUAL(charges_of(s.id), 2); // committed, reply lost
  wait_ms(5'000);
  auto retried = beat(s, 70, true);
  CAF_REQUIRE(retried);
  CAF_CHECK_EQUAL(retried->minutes_paid, 2);
  CAF_CHECK_EQUAL(retried->billed_ms, 60'000); // frozen while unreachable
  CAF_CHECK_EQUAL(charges_of(s.id), 2);
  CAF_CHECK_EQUAL(wallet->balances["ann"], 1'000 - 2 * price);
  CAF_CHECK_EQUAL(retried->charged_cents, 2 * price);
}

CAF_TEST(a lost reply for minute 0 is retried with the same session and key) {
  wallet->silent = 1;
  auto pending = self->request(role, caf::infinite, start_atom::value,
                               start_request{"ann", "paid", ""});
  sched.run();
  wait_ms(5'000);
  sched.run();
  wait_ms(3'000); // the role's wait for the session
  pending.receive([](session_view&) { CAF_FAIL("expected an error"); },
                  [](caf::error& err) { CAF_CHECK(is(err, errc::unavailable)); });
  CAF_CHECK(store->live().empty());
  auto retried = started("ann", "paid");
  CAF_CHECK_EQUAL(retried.minutes_paid, 1);
  CAF_CHECK_EQUAL(charges_of(retried.id), 1);
  CAF_CHECK_EQUAL(wallet->charges.size(), 1u);
  CAF_CHECK_EQUAL(wallet->balances["ann"], 1'000 - price);
  CAF_CHECK_EQUAL(store->live().size(), 1u);
}

CAF_TEST(payment_required freezes billing until a deposit pays the minute) {
  wallet->balances["cy"] = price;
  auto s = started("cy", "paid");
  CAF_REQUIRE(beat(s, 0, true));
  play(s, 0, 50);
  wait_ms(15'000);
  auto short_ = beat(s, 65, true);
  CAF_REQUIRE(short_);
  CAF_CHECK_EQUAL(short_->state, "payment_required");
  CAF_CHECK_EQUAL(short_->billed_ms, 60'000);
  wait_ms(10'000);
  CAF_CHECK_EQUAL(beat_view(s, 75, true).billed_ms, 60'000);
  wallet->balances["cy"] += 100;
  wait_ms(10'000);
  auto paid = beat(s, 85, true);
  CAF_REQUIRE(paid);
  CAF_CHECK_EQUAL(paid->state, "active");
  CAF_CHECK_EQUAL(paid->minutes_paid, 2);
  CAF_CHECK_EQUAL(paid->billed_ms, 60'000);
  CAF_CHECK_EQUAL(paid->balance_cents, 100 - price);
  wait_ms(10'000);
  CAF_CHECK_EQUAL(beat_view(s, 95, true).billed_ms, 70'000);
}

CAF_TEST(owner and free sessions never call the wallet) {
  auto own = started("owner", "paid");
  auto free = started("ann", "free");
  CAF_CHECK_EQUAL(own.minutes_paid, 0);
  CAF_CHECK_EQUAL(free.minutes_paid, 0);
  CAF_REQUIRE(beat(own, 0, true));
  CAF_REQUIRE(beat(free, 0, true));
  for (int i = 0; i < 13; ++i) {
    wait_ms(10'000);
    CAF_REQUIRE(beat(own, 10 * (i + 1), true));
    CAF_REQUIRE(beat(free, 10 * (i + 1), true));
  }
  CAF_CHECK_EQUAL(wallet->requests, 0);
  auto v = call<session_view>(get_session_atom::value, free.id,
                              std::string{"ann"});
  CAF_CHECK_EQUAL(v->billed_ms, 130'000);
  CAF_CHECK_EQUAL(v->minutes_paid, 0);
  // The free session became a view at 30 s; the owner's never does.
  CAF_CHECK_EQUAL(videos->views, std::vector<std::string>{free.id});
}

CAF_TEST(after a restart live sessions resume and stale ones are swept) {
  wallet->balances["dan"] = 1'000;
  auto stale = started("dan", "paid");
  auto s = started("ann", "paid");
  CAF_REQUIRE(beat(s, 0, true));
  auto before = play(s, 0, 20);
  caf::anon_send_exit(role, caf::exit_reason::kill);
  sched.run();
  CAF_CHECK_EQUAL(store->live().size(), 2u);
  wait_ms(15'000); // the node is down: dan idles 35 s, ann 15 s
  start_role();
  auto swept = store->find(stale.id);
  CAF_CHECK_EQUAL(swept->state, "ended");
  CAF_CHECK_EQUAL(swept->end_reason, "timeout");
  CAF_CHECK_EQUAL(swept->ended_at_ms, swept->last_heartbeat_ms + 30'000);
  auto resumed = beat(s, 35, true);
  CAF_REQUIRE(resumed);
  CAF_CHECK_EQUAL(resumed->state, "active");
  CAF_CHECK_EQUAL(resumed->billed_ms, before.billed_ms + 15'000);
  auto later = play(s, 35, 30);
  CAF_CHECK_EQUAL(later.minutes_paid, 2);
  CAF_CHECK_EQUAL(charges_of(s.id), 2);
  CAF_CHECK_EQUAL(charges_of(stale.id), 1);
}

CAF_TEST(history lists the sessions of a viewer newest first with resume) {
  auto a = started("ann", "paid");
  CAF_REQUIRE(beat(a, 0, true));
  play(a, 0, 60);
  call<session_view>(end_atom::value, a.id, std::string{"ann"});
  wait_ms(1'000);
  auto b = started("ann", "free");
  call<session_view>(end_atom::value, b.id, std::string{"ann"});
  auto page = call<history_page>(history_atom::value,
                                 history_request{"ann", 1, ""});
  CAF_REQUIRE(page);
  CAF_REQUIRE_EQUAL(page->items.size(), 1u);
  CAF_CHECK_EQUAL(page->items[0].session_id, b.id);
  CAF_CHECK(!page->items[0].resume_ms);
  CAF_REQUIRE(!page->next_cursor.empty());
  auto next = call<history_page>(history_atom::value,
                                 history_request{"ann", 1, page->next_cursor});
  CAF_REQUIRE_EQUAL(next->items.size(), 1u);
  CAF_CHECK_EQUAL(next->items[0].session_id, a.id);
  CAF_CHECK_EQUAL(next->items[0].title, "Title of paid");
  CAF_CHECK_EQUAL(next->items[0].charged_cents, 2 * price);
  CAF_CHECK_EQUAL(*next->items[0].resume_ms, 60'000);
  CAF_CHECK(next->next_cursor.empty());
}

CAF_TEST_FIXTURE_SCOPE_END()
