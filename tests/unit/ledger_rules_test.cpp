#define CAF_SUITE ledger_rules

#include "actors/billing/ledger_rules.hpp"

#include <caf/test/unit_test.hpp>

#include <chrono>
#include <thread>

#include "persistence/billing/ledger_plan.hpp"

using namespace streamify;
using namespace streamify::billing;
namespace p = streamify::persistence;

namespace {

charge_request charge(int64_t price, int64_t fee_bps) {
  return charge_request{"viewer1", "creator1", "session1", "video1", 0, price,
                        fee_bps};
}

int64_t sum(const p::movement& m) {
  int64_t out = 0;
  for (const auto& x : m.postings)
    out += x.amount_cents;
  return out;
}

p::movement deposit(const std::string& user, const std::string& key,
                    int64_t amount) {
  return deposit_movement(deposit_request{user, key, "fp", amount},
                          "dep-" + key, "ref", 1000);
}

} // namespace

CAF_TEST(the platform fee is floored and the creator earns the rest) {
  CAF_CHECK_EQUAL(split_charge(100, 2000).fee_cents, 20);
  CAF_CHECK_EQUAL(split_charge(100, 2000).creator_cents, 80);
  CAF_CHECK_EQUAL(split_charge(99, 2500).fee_cents, 24); // 24.75
  CAF_CHECK_EQUAL(split_charge(99, 2500).creator_cents, 75);
  CAF_CHECK_EQUAL(split_charge(1, 9999).fee_cents, 0);
  CAF_CHECK_EQUAL(split_charge(7, 0).creator_cents, 7);
  CAF_CHECK_EQUAL(split_charge(7, 10000).fee_cents, 7);
  CAF_CHECK_EQUAL(split_charge(7, 10000).creator_cents, 0);
}

CAF_TEST(a charge is one balanced transaction keyed by session and minute) {
  auto m = charge_movement(charge(99, 2500), "tx1", 3, 1000);
  CAF_CHECK_EQUAL(m.key, "charge:session1:0");
  CAF_CHECK_EQUAL(m.owner_epoch, 3);
  CAF_CHECK_EQUAL(m.amount_cents, 99);
  CAF_REQUIRE_EQUAL(m.postings.size(), 3u);
  CAF_CHECK_EQUAL(m.postings[0].amount_cents, -99);
  CAF_CHECK_EQUAL(m.postings[1].amount_cents, 75);
  CAF_CHECK_EQUAL(m.postings[2].account_id, p::revenue_account_id);
  CAF_CHECK_EQUAL(m.postings[2].amount_cents, 24);
  CAF_CHECK_EQUAL(sum(m), 0);
  // No zero postings: a fee of 0 leaves the platform out.
  CAF_CHECK_EQUAL(charge_movement(charge(5, 0), "tx2", 1, 0).postings.size(),
                  2u);
}

CAF_TEST(the fingerprint of a charge covers amount creator and fee) {
  auto a = charge(100, 2000);
  auto b = a;
  b.price_cents = 101;
  auto c = a;
  c.fee_bps = 1000;
  CAF_CHECK_NOT_EQUAL(charge_fingerprint(a), charge_fingerprint(b));
  CAF_CHECK_NOT_EQUAL(charge_fingerprint(a), charge_fingerprint(c));
  CAF_CHECK_EQUAL(charge_fingerprint(a), charge_fingerprint(charge(100, 2000)));
}

CAF_TEST(malformed charges are rejected and free ones recognised) {
  CAF_CHECK(check_charge(charge(100, 2000)).empty());
  for (auto bad : {charge(-1, 0), charge(100, -1), charge(100, 10001)})
    CAF_CHECK(!check_charge(bad).empty());
  auto no_session = charge(1, 0);
  no_session.session_id = "";
  CAF_CHECK(!check_charge(no_session).empty());
  auto system_account = charge(1, 0);
  system_account.creator_id = p::revenue_account_id;
  CAF_CHECK(!check_charge(system_account).empty());
  auto negative_minute = charge(1, 0);
  negative_minute.minute_index = -1;
  CAF_CHECK(!check_charge(negative_minute).empty());
  CAF_CHECK(is_free(charge(0, 2000)));
  auto own = charge(100, 2000);
  own.creator_id = own.viewer_id;
  CAF_CHECK(is_free(own));
  CAF_CHECK(!is_free(charge(1, 0)));
}

CAF_TEST(a batch decides each movement in order against running balances) {
  std::vector<p::movement> batch{
    charge_movement(charge(60, 1000), "a", 1, 0),
    charge_movement([] { auto c = charge(60, 1000); c.minute_index = 1; return c; }(), "b", 1, 0),
    charge_movement([] { auto c = charge(40, 1000); c.minute_index = 2; return c; }(), "c", 1, 0),
  };
  std::unordered_map<std::string, p::account_state> accounts;
  accounts["viewer1"] = p::account_state{"user", 100, 0, 0, 1};
  accounts[p::revenue_account_id] = p::account_state{"revenue", 0, 0, 0, 0};
  auto plan = p::plan_batch(batch, {}, accounts);
  CAF_CHECK_EQUAL(plan.outcomes[0].status, p::status_applied);
  CAF_CHECK_EQUAL(plan.outcomes[0].balance_after_cents, 40);
  CAF_CHECK_EQUAL(plan.outcomes[1].status, p::status_insufficient);
  CAF_CHECK_EQUAL(plan.outcomes[2].status, p::status_applied);
  CAF_CHECK_EQUAL(plan.outcomes[2].balance_after_cents, 0);
  CAF_CHECK_EQUAL(plan.applied.size(), 2u);
  // One conditional update per account, sorted, with the owner fence on the
  // debited viewer only.
  CAF_REQUIRE_EQUAL(plan.changes.size(), 3u);
  for (const auto& ch : plan.changes) {
    if (ch.account_id == "viewer1") {
      CAF_CHECK_EQUAL(ch.delta, -100);
      CAF_CHECK_EQUAL(ch.spent, 100);
      CAF_CHECK_EQUAL(ch.expect_epoch, 1);
    } else if (ch.account_id == "creator1") {
      CAF_CHECK_EQUAL(ch.delta, 90);
      CAF_CHECK_EQUAL(ch.earned, 90);
      CAF_CHECK_EQUAL(ch.expect_epoch, -1);
    } else {
      CAF_CHECK_EQUAL(ch.delta, 10);
    }
  }
}

CAF_TEST(a batch answers stored keys duplicates conflicts and stale owners) {
  auto first = charge_movement(charge(10, 0), "a", 1, 0);
  auto again = charge_movement(charge(10, 0), "b", 1, 0);   // same key
  auto other = charge_movement(charge(11, 0), "c", 1, 0);   // same key, other amount
  auto stale = charge_movement([] { auto c = charge(10, 0); c.minute_index = 5; return c; }(), "d", 0, 0);
  std::unordered_map<std::string, p::account_state> accounts;
  accounts["viewer1"] = p::account_state{"user", 100, 0, 0, 1};
  auto plan = p::plan_batch({first, again, other, stale}, {}, accounts);
  CAF_CHECK_EQUAL(plan.outcomes[0].status, p::status_applied);
  CAF_CHECK_EQUAL(plan.outcomes[1].status, p::status_replayed);
  CAF_CHECK_EQUAL(plan.outcomes[1].transaction_id, "a");
  CAF_CHECK_EQUAL(plan.outcomes[2].status, p::status_conflict);
  CAF_CHECK_EQUAL(plan.outcomes[3].status, p::status_stale_owner);
  CAF_CHECK_EQUAL(plan.applied.size(), 1u);
  std::unordered_map<std::string, p::stored_key> stored{
    {first.key, p::stored_key{"old", first.fingerprint, 10, 90, 5}}};
  auto replay = p::plan_batch({first, other}, stored, accounts);
  CAF_CHECK_EQUAL(replay.outcomes[0].status, p::status_replayed);
  CAF_CHECK_EQUAL(replay.outcomes[0].transaction_id, "old");
  CAF_CHECK_EQUAL(replay.outcomes[0].balance_after_cents, 90);
  CAF_CHECK_EQUAL(replay.outcomes[1].status, p::status_conflict);
  CAF_CHECK(replay.applied.empty());
}

CAF_TEST(an unbalanced movement is never written) {
  auto m = deposit("u1", "k", 10);
  m.postings.pop_back();
  auto plan = p::plan_batch({m}, {}, {});
  CAF_CHECK_EQUAL(plan.outcomes[0].status, p::status_failed);
  CAF_CHECK(plan.applied.empty());
}

CAF_TEST(reversals give the viewer everything and claw back what the creator has) {
  p::refund_command cmd;
  cmd.request_key = "refund:admin:k";
  cmd.session_id = "s";
  cmd.creator_id = "creator1";
  cmd.creator_epoch = 4;
  std::vector<p::refundable_charge> charges{
    {"t0", "charge:s:0", "viewer1", "creator1", "v", 0, 100, 80, 20},
    {"t1", "charge:s:1", "viewer1", "creator1", "v", 1, 100, 80, 20},
  };
  int n = 0;
  auto reversals = p::build_reversals(cmd, charges, {{"creator1", 120}},
                                      [&] { return "r" + std::to_string(n++); });
  CAF_REQUIRE_EQUAL(reversals.size(), 2u);
  CAF_CHECK_EQUAL(reversals[0].key, "refund:charge:s:0");
  CAF_CHECK_EQUAL(reversals[0].reverses_id, "t0");
  CAF_CHECK_EQUAL(reversals[0].owner_epoch, 4);
  for (const auto& r : reversals)
    CAF_CHECK_EQUAL(sum(r), 0);
  // 120 covers the first clawback (80) and 40 of the second.
  auto clawback = [](const p::movement& m) {
    for (const auto& x : m.postings)
      if (x.kind == "clawback")
        return -x.amount_cents;
    return int64_t{0};
  };
  CAF_CHECK_EQUAL(clawback(reversals[0]), 80);
  CAF_CHECK_EQUAL(clawback(reversals[1]), 40);
}

CAF_TEST(array literals quote what PostgreSQL would misread) {
  CAF_CHECK_EQUAL(p::pg_array(std::vector<std::string>{"a", "b\"c", "d\\e", ""}),
                  R"({"a","b\"c","d\\e",""})");
  CAF_CHECK_EQUAL(p::pg_array(std::vector<int64_t>{1, -2}), "{1,-2}");
  CAF_CHECK_EQUAL(p::pg_array(std::vector<int64_t>{}), "{}");
}

CAF_TEST(transaction ids are 32 hex characters ordered by time) {
  auto a = ordered_id();
  CAF_CHECK_EQUAL(a.size(), 32u);
  CAF_CHECK(a.find_first_not_of("0123456789abcdef") == std::string::npos);
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  auto b = ordered_id();
  CAF_CHECK_LESS(a, b);
  CAF_CHECK_NOT_EQUAL(a.substr(12), b.substr(12));
}
