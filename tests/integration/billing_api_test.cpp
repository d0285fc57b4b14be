#define CAF_SUITE billing_api

#include <caf/test/unit_test.hpp>

#include "tests/integration/billing_support.hpp"
#include "tests/integration/shared_node.hpp"

using namespace streamify;
using namespace streamify::test;
using nlohmann::json;

namespace {

httplib::Headers key(const std::string& k) {
  return {{"Idempotency-Key", k}};
}

std::string fresh_key() {
  static int n = 0;
  return "key-" + std::to_string(::getpid()) + "-" + std::to_string(++n);
}

// Every scenario ends with the ledger's invariants checked by the operator
// command.
void check_reconciled(const test_databases& dbs) {
  auto r = reconcile(dbs);
  CAF_CHECK_EQUAL(r.rc, 0);
  CAF_CHECK(r.output.find("reconcile: zero differences") != std::string::npos);
  if (r.rc != 0)
    CAF_MESSAGE(r.output);
}

int64_t balance(test_node& node, const std::string& token) {
  auto r = node.get("/api/wallet", token);
  CAF_REQUIRE_EQUAL(r.status, 200);
  return r.body["balance_cents"].get<int64_t>();
}

http_reply deposit_raw(test_node& node, const std::string& token,
                       const std::string& body, const httplib::Headers& h) {
  auto headers = h;
  headers.emplace("Authorization", "Bearer " + token);
  return node.send("POST", "/api/wallet/deposits", body, "application/json",
                   headers);
}

} // namespace

CAF_TEST(a new wallet is empty and needs a token) {
  auto& node = shared_node();
  CAF_CHECK_EQUAL(node.get("/api/wallet").status, 401);
  CAF_CHECK_EQUAL(node.get("/api/wallet/transactions").status, 401);
  CAF_CHECK_EQUAL(node.post("/api/wallet/deposits", {{"amount_cents", 5}}, "",
                            key(fresh_key()))
                    .status,
                  401);
  auto token = sign_up(node)["token"].get<std::string>();
  auto r = node.get("/api/wallet", token);
  CAF_REQUIRE_EQUAL(r.status, 200);
  CAF_CHECK_EQUAL(r.body, json({{"balance_cents", 0}, {"earned_cents", 0},
                                {"spent_cents", 0}}));
  check_reconciled(shared_databases());
}

CAF_TEST(deposits credit the wallet and a replay answers the first response) {
  auto& node = shared_node();
  auto token = sign_up(node)["token"].get<std::string>();
  auto k = fresh_key();
  auto first = node.post("/api/wallet/deposits", {{"amount_cents", 1500}},
                         token, key(k));
  CAF_REQUIRE_EQUAL(first.status, 201);
  CAF_CHECK_EQUAL(first.body["amount_cents"], 1500);
  CAF_CHECK_EQUAL(first.body["balance_cents"], 1500);
  CAF_CHECK(first.body["deposit_id"].is_string());
  auto second = node.post("/api/wallet/deposits", {{"amount_cents", 700}},
                          token, key(fresh_key()));
  CAF_REQUIRE_EQUAL(second.status, 201);
  CAF_CHECK_EQUAL(second.body["balance_cents"], 2200);
  // The replay comes after another deposit and still answers the first body.
  auto replay = node.post("/api/wallet/deposits", {{"amount_cents", 1500}},
                          token, key(k));
  CAF_CHECK_EQUAL(replay.status, 201);
  CAF_CHECK_EQUAL(replay.raw, first.raw);
  CAF_CHECK_EQUAL(replay.header("Idempotent-Replayed"), "true");
  // Formatting and key order do not make another body.
  auto spaced = deposit_raw(node, token, "{ \"amount_cents\" :\n 1500 }",
                            key(k));
  CAF_CHECK_EQUAL(spaced.status, 201);
  CAF_CHECK_EQUAL(spaced.raw, first.raw);
  CAF_CHECK_EQUAL(balance(node, token), 2200);
  auto id = first.body["deposit_id"].get<std::string>();
  CAF_CHECK_EQUAL(shared_databases().query(
                    "billing", "SELECT count(*) FROM ledger_transactions"
                               " WHERE id = '" + id + "'"),
                  "1");
  CAF_CHECK_EQUAL(shared_databases().query(
                    "billing", "SELECT count(*) FROM outbox"
                               " WHERE transaction_id = '" + id + "'"),
                  "1");
  check_reconciled(shared_databases());
}

CAF_TEST(the same key with a changed body is 409 and changes nothing) {
  auto& node = shared_node();
  auto token = sign_up(node)["token"].get<std::string>();
  auto k = fresh_key();
  CAF_REQUIRE_EQUAL(node.post("/api/wallet/deposits", {{"amount_cents", 100}},
                              token, key(k))
                      .status,
                    201);
  auto changed = node.post("/api/wallet/deposits", {{"amount_cents", 200}},
                           token, key(k));
  CAF_CHECK_EQUAL(changed.status, 409);
  CAF_CHECK_EQUAL(changed.body["error"], "idempotency_conflict");
  CAF_CHECK(changed.body["request_id"].is_string());
  auto extra = node.post("/api/wallet/deposits",
                         {{"amount_cents", 100}, {"note", "x"}}, token, key(k));
  CAF_CHECK_EQUAL(extra.status, 409);
  CAF_CHECK_EQUAL(balance(node, token), 100);
  check_reconciled(shared_databases());
}

CAF_TEST(a missing key or an amount that is not a JSON integer is 400) {
  auto& node = shared_node();
  auto token = sign_up(node)["token"].get<std::string>();
  auto no_key = node.post("/api/wallet/deposits", {{"amount_cents", 100}},
                          token);
  CAF_CHECK_EQUAL(no_key.status, 400);
  CAF_CHECK_EQUAL(no_key.body["error"], "idempotency_key_required");
  CAF_CHECK_EQUAL(node.post("/api/wallet/deposits", {{"amount_cents", 100}},
                            token, key(""))
                    .status,
                  400);
  for (std::string body :
       {R"({"amount_cents": "100"})", R"({"amount_cents": 10.5})",
        R"({"amount_cents": 100.0})", R"({"amount_cents": 1e2})",
        R"({"amount_cents": null})", R"({"amount_cents": true})",
        R"({"amount_cents": {"value": 1}})", R"({"amount_cents": [1]})",
        R"({})", R"({"amount": 100})", R"([100])", R"(100)", R"({"amount_cents": )",
        R"(not json)"}) {
    auto r = deposit_raw(node, token, body, key(fresh_key()));
    CAF_CHECK_EQUAL(r.status, 400);
    if (r.status != 400)
      CAF_MESSAGE("body " << body << " answered " << r.status);
    CAF_CHECK(r.body["error"].is_string());
  }
  CAF_CHECK_EQUAL(balance(node, token), 0);
  check_reconciled(shared_databases());
}

CAF_TEST(an integer amount out of range is 422) {
  auto& node = shared_node();
  auto token = sign_up(node)["token"].get<std::string>();
  for (std::string amount : {"0", "-1", "-100", "100001", "9223372036854775807",
                             "9223372036854775808", "18446744073709551616",
                             "-9223372036854775809",
                             "100000000000000000000000000000"}) {
    auto r = deposit_raw(node, token, "{\"amount_cents\": " + amount + "}",
                         key(fresh_key()));
    CAF_CHECK_EQUAL(r.status, 422);
    if (r.status != 422)
      CAF_MESSAGE("amount " << amount << " answered " << r.status);
    CAF_CHECK_EQUAL(r.body["error"], "amount_out_of_range");
  }
  CAF_CHECK_EQUAL(node.post("/api/wallet/deposits", {{"amount_cents", 1}},
                            token, key(fresh_key()))
                    .status,
                  201);
  CAF_CHECK_EQUAL(node.post("/api/wallet/deposits", {{"amount_cents", 100000}},
                            token, key(fresh_key()))
                    .status,
                  201);
  CAF_CHECK_EQUAL(balance(node, token), 100001);
  check_reconciled(shared_databases());
}

CAF_TEST(idempotency keys belong to their user) {
  auto& node = shared_node();
  auto a = sign_up(node)["token"].get<std::string>();
  auto b = sign_up(node)["token"].get<std::string>();
  auto k = fresh_key();
  auto ra = node.post("/api/wallet/deposits", {{"amount_cents", 10}}, a, key(k));
  auto rb = node.post("/api/wallet/deposits", {{"amount_cents", 20}}, b, key(k));
  CAF_REQUIRE_EQUAL(ra.status, 201);
  CAF_REQUIRE_EQUAL(rb.status, 201);
  CAF_CHECK_NOT_EQUAL(ra.body["deposit_id"], rb.body["deposit_id"]);
  CAF_CHECK_EQUAL(balance(node, b), 20);
  check_reconciled(shared_databases());
}

CAF_TEST(transactions are newest first with balances and a cursor) {
  auto& node = shared_node();
  auto token = sign_up(node)["token"].get<std::string>();
  for (int amount : {100, 200, 300})
    CAF_REQUIRE_EQUAL(node.post("/api/wallet/deposits",
                                {{"amount_cents", amount}}, token,
                                key(fresh_key()))
                        .status,
                      201);
  auto page = node.get("/api/wallet/transactions?limit=2", token);
  CAF_REQUIRE_EQUAL(page.status, 200);
  CAF_REQUIRE_EQUAL(page.body["items"].size(), 2u);
  auto first = page.body["items"][0];
  CAF_CHECK_EQUAL(first["kind"], "deposit");
  CAF_CHECK_EQUAL(first["amount_cents"], 300);
  CAF_CHECK_EQUAL(first["balance_after_cents"], 600);
  CAF_CHECK(first["created_at"].is_string());
  CAF_CHECK(!first.contains("session_id"));
  CAF_CHECK_EQUAL(page.body["items"][1]["balance_after_cents"], 300);
  CAF_REQUIRE(page.body["next_cursor"].is_string());
  auto rest = node.get("/api/wallet/transactions?limit=2&cursor="
                         + page.body["next_cursor"].get<std::string>(),
                       token);
  CAF_REQUIRE_EQUAL(rest.status, 200);
  CAF_REQUIRE_EQUAL(rest.body["items"].size(), 1u);
  CAF_CHECK_EQUAL(rest.body["items"][0]["balance_after_cents"], 100);
  CAF_CHECK(rest.body["next_cursor"].is_null());
  auto all = node.get("/api/wallet/transactions", token);
  CAF_CHECK_EQUAL(all.body["items"].size(), 3u);
  CAF_CHECK_EQUAL(node.get("/api/wallet/transactions?limit=1000", token).status,
                  200);
  for (std::string q : {"limit=0", "limit=-1", "limit=abc", "limit=",
                        "cursor=abc", "cursor=-5", "cursor=0"})
    CAF_CHECK_EQUAL(node.get("/api/wallet/transactions?" + q, token).status,
                    400);
  // Someone else's history stays theirs.
  auto other = sign_up(node)["token"].get<std::string>();
  CAF_CHECK_EQUAL(node.get("/api/wallet/transactions", other).body["items"].size(),
                  0u);
  check_reconciled(shared_databases());
}

CAF_TEST(the deposit range comes from the configuration) {
  // A second node on the shared databases, configured otherwise.
  auto& dbs = shared_databases();
  test_node node{dbs, {"--billing.deposit-min=50", "--billing.deposit-max=500"}};
  auto token = sign_up(node)["token"].get<std::string>();
  CAF_CHECK_EQUAL(node.post("/api/wallet/deposits", {{"amount_cents", 49}},
                            token, key(fresh_key()))
                    .status,
                  422);
  CAF_CHECK_EQUAL(node.post("/api/wallet/deposits", {{"amount_cents", 501}},
                            token, key(fresh_key()))
                    .status,
                  422);
  CAF_CHECK_EQUAL(node.post("/api/wallet/deposits", {{"amount_cents", 500}},
                            token, key(fresh_key()))
                    .status,
                  201);
  check_reconciled(dbs);
}

CAF_TEST(an admin refunds a session once and never more than was charged) {
  auto& node = shared_node();
  auto& dbs = shared_databases();
  auto viewer = sign_up(node, "viewer");
  auto creator = sign_up(node, "creator");
  auto vtoken = viewer["token"].get<std::string>();
  auto ctoken = creator["token"].get<std::string>();
  auto viewer_id = viewer["user"]["id"].get<std::string>();
  auto creator_id = creator["user"]["id"].get<std::string>();
  auto admin = make_admin(node, dbs)["token"].get<std::string>();
  CAF_REQUIRE_EQUAL(node.post("/api/wallet/deposits", {{"amount_cents", 1000}},
                              vtoken, key(fresh_key()))
                      .status,
                    201);
  // Three minutes of a session, charged as the streaming role would.
  auto session = "sess" + std::to_string(::getpid());
  {
    local_billing billing{dbs.url("billing")};
    for (int minute = 0; minute < 3; ++minute) {
      auto r = billing.charge(billing::charge_request{
        viewer_id, creator_id, session, "video1", minute, 150, 2000});
      CAF_REQUIRE(r);
      CAF_CHECK_EQUAL(r->balance_cents, 1000 - 150 * (minute + 1));
    }
  }
  auto w = node.get("/api/wallet", vtoken).body;
  CAF_CHECK_EQUAL(w["balance_cents"], 550);
  CAF_CHECK_EQUAL(w["spent_cents"], 450);
  auto c = node.get("/api/wallet", ctoken).body;
  CAF_CHECK_EQUAL(c["earned_cents"], 360);
  CAF_CHECK_EQUAL(c["balance_cents"], 360);
  auto history = node.get("/api/wallet/transactions?limit=1", vtoken).body;
  CAF_CHECK_EQUAL(history["items"][0]["kind"], "charge");
  CAF_CHECK_EQUAL(history["items"][0]["amount_cents"], -150);
  CAF_CHECK_EQUAL(history["items"][0]["session_id"], session);
  CAF_CHECK_EQUAL(history["items"][0]["video_id"], "video1");
  auto earning = node.get("/api/wallet/transactions?limit=1", ctoken).body;
  CAF_CHECK_EQUAL(earning["items"][0]["kind"], "earning");
  CAF_CHECK_EQUAL(earning["items"][0]["amount_cents"], 120);
  auto path = "/api/admin/sessions/" + session + "/refund";
  json body{{"reason", "the video would not play"}};
  CAF_CHECK_EQUAL(node.post(path, body, "", key(fresh_key())).status, 401);
  CAF_CHECK_EQUAL(node.post(path, body, vtoken, key(fresh_key())).status, 403);
  CAF_CHECK_EQUAL(node.post(path, body, admin).status, 400);
  CAF_CHECK_EQUAL(node.post(path, json::object(), admin, key(fresh_key())).status,
                  400);
  auto k = fresh_key();
  auto refund = node.post(path, body, admin, key(k));
  CAF_REQUIRE_EQUAL(refund.status, 201);
  CAF_CHECK_EQUAL(refund.body["session_id"], session);
  CAF_CHECK_EQUAL(refund.body["refunded_cents"], 450);
  CAF_REQUIRE_EQUAL(refund.body["items"].size(), 3u);
  CAF_CHECK_EQUAL(refund.body["items"][0]["amount_cents"], 150);
  CAF_CHECK_EQUAL(refund.body["items"][0]["creator_cents"], 120);
  CAF_CHECK_EQUAL(refund.body["items"][0]["platform_cents"], 30);
  w = node.get("/api/wallet", vtoken).body;
  CAF_CHECK_EQUAL(w["balance_cents"], 1000);
  CAF_CHECK_EQUAL(w["spent_cents"], 0);
  c = node.get("/api/wallet", ctoken).body;
  CAF_CHECK_EQUAL(c["balance_cents"], 0);
  CAF_CHECK_EQUAL(c["earned_cents"], 0);
  auto last = node.get("/api/wallet/transactions?limit=1", vtoken).body;
  CAF_CHECK_EQUAL(last["items"][0]["kind"], "refund");
  CAF_CHECK_EQUAL(last["items"][0]["amount_cents"], 150);
  // The same request replays; a changed body under its key is 409.
  auto replay = node.post(path, body, admin, key(k));
  CAF_CHECK_EQUAL(replay.status, 201);
  CAF_CHECK_EQUAL(replay.raw, refund.raw);
  CAF_CHECK_EQUAL(replay.header("Idempotent-Replayed"), "true");
  CAF_CHECK_EQUAL(node.post(path, {{"reason", "another"}}, admin, key(k)).status,
                  409);
  // Another request finds nothing left: never more than was charged.
  auto again = node.post(path, body, admin, key(fresh_key()));
  CAF_CHECK_EQUAL(again.status, 201);
  CAF_CHECK_EQUAL(again.body["refunded_cents"], 0);
  CAF_CHECK_EQUAL(again.body["items"].size(), 0u);
  CAF_CHECK_EQUAL(balance(node, vtoken), 1000);
  CAF_CHECK_EQUAL(dbs.query("billing",
                            "SELECT count(*) FROM ledger_transactions"
                            " WHERE kind = 'refund' AND session_id = '"
                              + session + "'"),
                  "3");
  auto unknown = node.post("/api/admin/sessions/nosuchsession/refund", body,
                           admin, key(fresh_key()));
  CAF_CHECK_EQUAL(unknown.status, 404);
  check_reconciled(dbs);
}

CAF_TEST(the billing role reports ready and exports its gauges) {
  auto& node = shared_node();
  auto ready = node.get("/health/ready");
  CAF_CHECK_EQUAL(ready.status, 200);
  CAF_CHECK_EQUAL(ready.body["roles"]["billing"]["ready"], true);
  auto metrics = node.get("/metrics").raw;
  CAF_CHECK(metrics.find("streamify_billing_ledger_batches_total")
            != std::string::npos);
  CAF_CHECK(metrics.find("streamify_billing_wallets_active")
            != std::string::npos);
}
