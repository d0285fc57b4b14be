// PostgreSQL stops under load: every request answers quickly (503 where it
// needs the database, never a 500, never a hang); it starts again: the node
// recovers by itself and nothing acknowledged is lost.
#define CAF_SUITE chaos_database_outage

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include <caf/test/unit_test.hpp>

#include "tests/chaos/charging_client.hpp"
#include "tests/chaos/ledger_audit.hpp"
#include "tests/chaos/private_postgres.hpp"
#include "tests/cluster/cluster_support.hpp"
#include "tests/integration/session_support.hpp"

using namespace streamify::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr int64_t answer_limit_ms = 5000;
const std::string password = "correct horse";

// Deposits of one cent in a loop, each under a fresh key; remembers the keys
// answered 201.
class depositor {
public:
  depositor(test_node& node, json account)
    : node_(node),
      token_(token_of(account)),
      user_(account["user"]["id"].get<std::string>()),
      thread_([this] { run(); }) {
  }
  ~depositor() { stop(); }

  void stop() {
    stop_ = true;
    if (thread_.joinable())
      thread_.join();
  }
  std::set<std::string> acknowledged() const {
    std::lock_guard<std::mutex> guard{mtx_};
    return acknowledged_;
  }
  const std::string& user() const { return user_; }

private:
  void run() {
    while (!stop_) {
      auto k = key();
      auto r = node_.post("/api/wallet/deposits", {{"amount_cents", 1}},
                          token_, {{"Idempotency-Key", k}});
      if (r.status == 201) {
        std::lock_guard<std::mutex> guard{mtx_};
        acknowledged_.insert(k);
      }
      std::this_thread::sleep_for(100ms);
    }
  }

  test_node& node_;
  std::string token_;
  std::string user_;
  mutable std::mutex mtx_;
  std::set<std::string> acknowledged_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

struct timed_reply {
  http_reply reply;
  std::chrono::milliseconds took;
};

template <class Request>
timed_reply timed(Request request) {
  auto start = std::chrono::steady_clock::now();
  auto reply = request();
  return {reply, std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - start)};
}

// Answers during the outage by request kind: statuses and the slowest.
class outage_answers {
public:
  // Checks one answer: quick, an allowed status, a JSON error on 503.
  void check(const std::string& what, const timed_reply& r,
             const std::set<int>& allowed) {
    CAF_CHECK_LESS(r.took.count(), answer_limit_ms);
    CAF_CHECK(allowed.count(r.reply.status) == 1);
    if (r.reply.status == 503)
      CAF_CHECK(r.reply.body.is_object() && r.reply.body.contains("error"));
    if (allowed.count(r.reply.status) == 0)
      CAF_MESSAGE(what << ": " << r.reply.status << " " << r.reply.raw);
    auto& kind = kinds_[what];
    ++kind.statuses[r.reply.status];
    kind.slowest = std::max(kind.slowest, r.took);
  }

  void print() const {
    for (const auto& [what, kind] : kinds_) {
      std::string statuses;
      for (const auto& [status, count] : kind.statuses)
        statuses += " " + std::to_string(count) + "x" + std::to_string(status);
      CAF_MESSAGE(what << ":" << statuses << ", slowest "
                  << kind.slowest.count() << " ms");
    }
  }

private:
  struct kind_answers {
    std::map<int, int> statuses;
    std::chrono::milliseconds slowest{0};
  };
  std::map<std::string, kind_answers> kinds_;
};

} // namespace

CAF_TEST(a database outage answers 503 and recovers by itself) {
  private_postgres pg;
  std::unique_ptr<test_databases> dbs;
  {
    scoped_pg_url url{pg.admin_url()};
    dbs = std::make_unique<test_databases>();
  }
  test_node node{*dbs,
                 {"--billing.minute-seconds=1",
                  "--streaming.heartbeat-interval=1",
                  "--streaming.idle-timeout=60", "--http.rate-limit=0",
                  "--auth.login-attempts=1000",
                  "--access-log=off"}};
  auto creator = token_of(sign_up(node, "creator"));
  auto video = upload(node, creator, 1, sample_video());
  charging_client client{node, start_sessions(node, video, 4, 100'000), 2};
  auto viewer = sign_up(node, "viewer", password);
  auto email = viewer["user"]["email"].get<std::string>();
  depositor deposits{node, viewer};
  CAF_REQUIRE(poll_until(30s, [&] {
    return client.acknowledged_total() >= 8 && deposits.acknowledged().size() >= 3;
  }));
  auto& s = client.sessions().front();

  CAF_MESSAGE("stop PostgreSQL under load");
  pg.stop();
  outage_answers answers;
  auto down_until = std::chrono::steady_clock::now() + 6s;
  while (std::chrono::steady_clock::now() < down_until) {
    answers.check("deposit", timed([&] {
      return node.post("/api/wallet/deposits", {{"amount_cents", 1}},
                       s.token, {{"Idempotency-Key", key()}});
    }), {503});
    answers.check("login", timed([&] {
      return node.post("/api/auth/login",
                       {{"email", email}, {"password", password}});
    }), {503});
    answers.check("wallet", timed([&] {
      return node.get("/api/wallet", s.token);
    }), {200, 503});
    answers.check("heartbeat", timed([&] {
      return node.post("/api/sessions/" + s.id + "/heartbeat",
                       {{"position_s", 1.0}, {"playing", true}}, s.token);
    }), {200, 503});
    answers.check("start session", timed([&] {
      return node.post("/api/sessions", {{"video_id", video}}, s.token);
    }), {200, 201, 503});
    // A request of each kind every few hundred milliseconds.
    std::this_thread::sleep_for(300ms);
  }
  answers.print();
  auto statuses = client.statuses();
  CAF_CHECK_EQUAL(statuses.count(500), 0u);
  CAF_CHECK_EQUAL(statuses.count(0), 0u);

  CAF_MESSAGE("start PostgreSQL again");
  pg.start();
  auto recovered = timed([&] {
    poll_until(60s, [&] {
      return node.post("/api/wallet/deposits", {{"amount_cents", 1}}, s.token,
                       {{"Idempotency-Key", key()}}).status == 201;
    });
    return node.post("/api/auth/login",
                     {{"email", email}, {"password", password}});
  });
  CAF_CHECK_EQUAL(recovered.reply.status, 200);
  CAF_MESSAGE("deposits and logins succeed again " << recovered.took.count()
              << " ms after PostgreSQL started");
  auto before = client.acknowledged_total();
  CAF_CHECK(poll_until(30s, [&] {
    return client.acknowledged_total() >= before + 4;
  }));
  auto ack_deposits = deposits.acknowledged().size();
  CAF_CHECK(poll_until(30s, [&] {
    return deposits.acknowledged().size() > ack_deposits;
  }));
  deposits.stop();
  client.stop();

  auto audit = audit_ledger(*dbs, client.acknowledged());
  int64_t lost = 0;
  for (const auto& k : deposits.acknowledged())
    lost += dbs->query("billing",
                       "SELECT count(*) FROM ledger_transactions WHERE key = "
                       "'deposit:" + deposits.user() + ":" + k + "'")
            != "1";
  CAF_CHECK_EQUAL(lost, 0);
  CAF_MESSAGE("charges acknowledged " << audit.acknowledged << ", deposits "
              "acknowledged " << deposits.acknowledged().size() << ", lost "
              << lost << "; " << audit.reconcile_line);
}
