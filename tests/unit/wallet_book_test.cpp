#define CAF_SUITE wallet_book

#include "actors/billing/wallet_book.hpp"

#include <caf/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace streamify;
using namespace streamify::billing;
namespace p = streamify::persistence;

namespace {

// Collects what a book answers to one asker.
struct answers {
  std::vector<p::movement_outcome> got;

  wallet_book::done_fn done() {
    return [this](const p::movement_outcome& o) { got.push_back(o); };
  }
};

p::movement_outcome applied(const std::string& id) {
  p::movement_outcome o;
  o.status = p::status_applied;
  o.transaction_id = id;
  return o;
}

wallet_book::limits small(size_t in_flight, size_t queue) {
  wallet_book::limits l;
  l.max_in_flight = in_flight;
  l.queue_limit = queue;
  l.remembered_keys = 2;
  return l;
}

// A job that records that it ran, and how it was failed.
wallet_book::job job(std::vector<std::string>& log, const std::string& name) {
  return {[&log, name](bool retried) {
            log.push_back(name + (retried ? " again" : " runs"));
          },
          [&log, name](uint8_t status) {
            log.push_back(name + " fails " + std::to_string(status));
          }};
}

} // namespace

CAF_TEST(a new key is written and a repeat joins the write in flight) {
  wallet_book book;
  answers first, repeat;
  auto done = first.done();
  CAF_CHECK(!book.answer_from_memory("k", "fp", done));
  book.open("k", "fp", done);
  auto again = repeat.done();
  CAF_CHECK(book.answer_from_memory("k", "fp", again));
  CAF_CHECK(repeat.got.empty());
  book.finish("k", applied("t1"));
  CAF_REQUIRE_EQUAL(first.got.size(), 1u);
  CAF_CHECK_EQUAL(first.got[0].status, p::status_applied);
  CAF_REQUIRE_EQUAL(repeat.got.size(), 1u);
  CAF_CHECK_EQUAL(repeat.got[0].status, p::status_replayed);
  CAF_CHECK_EQUAL(repeat.got[0].transaction_id, "t1");
  CAF_CHECK(book.idle());
}

CAF_TEST(a remembered key replays and another request under it conflicts) {
  wallet_book book;
  answers first, replay, other;
  auto done = first.done();
  book.open("k", "fp", done);
  book.finish("k", applied("t1"));
  auto d1 = replay.done();
  CAF_CHECK(book.answer_from_memory("k", "fp", d1));
  CAF_CHECK_EQUAL(replay.got.at(0).status, p::status_replayed);
  CAF_CHECK_EQUAL(replay.got.at(0).transaction_id, "t1");
  auto d2 = other.done();
  CAF_CHECK(book.answer_from_memory("k", "another", d2));
  CAF_CHECK_EQUAL(other.got.at(0).status, p::status_conflict);
}

CAF_TEST(a failed write is not remembered) {
  wallet_book book;
  answers first, later;
  book.open("k", "fp", first.done());
  p::movement_outcome short_funds;
  short_funds.status = p::status_insufficient;
  book.finish("k", short_funds);
  auto d = later.done();
  CAF_CHECK(!book.answer_from_memory("k", "fp", d));
}

CAF_TEST(the memory keeps the newest keys up to its limit) {
  wallet_book book{small(1, 1)};
  for (auto key : {"a", "b", "c"}) {
    answers a;
    book.open(key, "fp", a.done());
    book.finish(key, applied(key));
  }
  answers x;
  auto d = x.done();
  CAF_CHECK(!book.answer_from_memory("a", "fp", d));
  CAF_CHECK(book.answer_from_memory("b", "fp", d));
  CAF_CHECK(book.answer_from_memory("c", "fp", d));
}

CAF_TEST(writes wait for a claim and go at most the in flight limit at once) {
  wallet_book book{small(2, 10)};
  std::vector<std::string> log;
  for (auto name : {"w1", "w2", "w3"})
    book.push(job(log, name));
  CAF_CHECK(!book.next());
  CAF_CHECK(book.should_claim());
  book.claim_started();
  CAF_CHECK(!book.should_claim());
  book.claim_succeeded(7);
  CAF_CHECK_EQUAL(book.epoch(), 7);
  while (auto j = book.next())
    j->run(false);
  CAF_CHECK_EQUAL(log, (std::vector<std::string>{"w1 runs", "w2 runs"}));
  CAF_CHECK_EQUAL(book.in_flight(), 2u);
  book.landed();
  book.next()->run(false);
  CAF_CHECK_EQUAL(log.back(), "w3 runs");
  CAF_CHECK(!book.idle());
}

CAF_TEST(the queue refuses beyond its limit) {
  wallet_book book{small(1, 2)};
  std::vector<std::string> log;
  CAF_CHECK(!book.full());
  book.push(job(log, "w1"));
  book.push(job(log, "w2"));
  CAF_CHECK(book.full());
}

CAF_TEST(a failed claim fails every waiting write) {
  wallet_book book;
  std::vector<std::string> log;
  book.push(job(log, "w1"));
  book.claim_started();
  book.claim_failed();
  CAF_CHECK_EQUAL(log, (std::vector<std::string>{
                         "w1 fails " + std::to_string(p::status_failed)}));
  CAF_CHECK(book.idle());
}

CAF_TEST(with one billing node a moved account is claimed back once) {
  wallet_book book;
  book.claim_succeeded(3);
  bool lost = true;
  CAF_CHECK(book.moved_away(3, false, lost));
  CAF_CHECK(!lost);
  CAF_CHECK(!book.claimed());
  book.claim_succeeded(5);
  CAF_CHECK(!book.moved_away(5, true, lost));
  CAF_CHECK(lost);
}

CAF_TEST(among several billing nodes a moved account refuses what waits) {
  auto limits = small(1, 10);
  limits.reclaim_when_moved = false;
  wallet_book book{limits};
  std::vector<std::string> log;
  book.claim_succeeded(3);
  book.push(job(log, "w1"));
  book.push(job(log, "w2"));
  book.next()->run(false);
  book.landed();
  bool lost = false;
  CAF_CHECK(!book.moved_away(3, false, lost));
  CAF_CHECK(lost);
  CAF_CHECK(!book.claimed());
  CAF_CHECK_EQUAL(log.back(),
                  "w2 fails " + std::to_string(p::status_stale_owner));
  // An older epoch's answer arriving later changes nothing.
  CAF_CHECK(!book.moved_away(2, false, lost));
  CAF_CHECK(!lost);
}
