// kill -9 of the single node at seeded random moments while many sessions
// charge at once; after every restart the ledger holds every charge a client
// saw acknowledged, no key twice, reconcile finds zero differences and the
// sessions resume (or end as the rules say).
#define CAF_SUITE chaos_node_crash

#include <csignal>
#include <cstdlib>
#include <random>

#include <caf/test/unit_test.hpp>

#include "tests/chaos/charging_client.hpp"
#include "tests/chaos/ledger_audit.hpp"
#include "tests/cluster/cluster_support.hpp"
#include "tests/integration/session_support.hpp"

using namespace streamify::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr int64_t price = 1;
constexpr int sessions = 16;
constexpr int threads = 4;
constexpr int rounds = 4;

uint64_t chaos_seed() {
  if (auto* env = std::getenv("STREAMIFY_CHAOS_SEED"))
    return std::strtoull(env, nullptr, 10);
  return std::random_device{}();
}

// Waits until the client has seen `more` charges beyond `from`: the sessions
// are (again) being billed.
bool charging(const charging_client& client, int64_t from, int64_t more) {
  return poll_until(30s, [&] {
    return client.acknowledged_total() >= from + more;
  });
}

} // namespace

CAF_TEST(kill -9 under charging loses no acknowledged charge) {
  auto seed = chaos_seed();
  CAF_MESSAGE("seed " << seed << " (replay: STREAMIFY_CHAOS_SEED=" << seed
              << ")");
  std::mt19937_64 rng{seed};
  std::uniform_int_distribution<int> kill_after_ms{300, 3000};

  test_databases dbs;
  test_node node{dbs,
                 {"--billing.minute-seconds=1",
                  "--streaming.heartbeat-interval=1",
                  "--streaming.idle-timeout=30", "--access-log=off"}};
  auto creator = token_of(sign_up(node, "creator"));
  auto video = upload(node, creator, price, sample_video());
  charging_client client{node, start_sessions(node, video, sessions, 100'000),
                         threads};

  for (int round = 1; round <= rounds; ++round) {
    CAF_REQUIRE(charging(client, client.acknowledged_total(), sessions));
    auto wait = kill_after_ms(rng);
    // The random moment of the kill is the point, not a speed assumption.
    std::this_thread::sleep_for(std::chrono::milliseconds(wait));
    node.signal(SIGKILL);
    auto at_kill = client.acknowledged_total();
    node.restart();
    auto audit = audit_ledger(dbs, client.acknowledged());
    std::map<std::string, int> states;
    for (const auto& s : client.sessions())
      ++states[check_session_state(node, s)];
    CAF_MESSAGE("round " << round << ": kill -9 after " << wait
                << " ms; charges acknowledged " << at_kill
                << " at the kill, " << audit.acknowledged << " now, "
                << audit.ledger_charges << " in the ledger; duplicate keys "
                << audit.duplicate_keys << "; active sessions "
                << states["active"] << "; " << audit.reconcile_line);
  }
  CAF_CHECK(charging(client, client.acknowledged_total(), sessions));
  client.stop();

  auto acknowledged = client.acknowledged();
  for (const auto& s : client.sessions()) {
    auto ended = node.post("/api/sessions/" + s.id + "/end", json::object(),
                           s.token);
    CAF_REQUIRE_EQUAL(ended.status, 200);
    CAF_CHECK_EQUAL(ended.body["state"], "ended");
    auto minutes = ended.body["minutes_paid"].get<int64_t>();
    CAF_CHECK_EQUAL(ended.body["charged_cents"], minutes * price);
    CAF_CHECK_GREATER_OR_EQUAL(minutes, acknowledged[s.id]);
    // A charge committed just before a kill but not yet recorded by the
    // session may stand one minute ahead of it.
    auto in_ledger = ledger_charges(dbs, s.id);
    CAF_CHECK_GREATER_OR_EQUAL(in_ledger, minutes);
    CAF_CHECK_LESS_OR_EQUAL(in_ledger, minutes + 1);
  }
  auto audit = audit_ledger(dbs, acknowledged);
  CAF_MESSAGE(rounds << " rounds: charges acknowledged " << audit.acknowledged
              << ", in the ledger " << audit.ledger_charges << "; "
              << audit.reconcile_line);
}
