#include "tests/integration/billing_support.hpp"

#include <stdexcept>

#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "actors/billing/ledger_rules.hpp"
#include "actors/common/ids.hpp"
#include "actors/common/message_types.hpp"
#include "persistence/billing/ledger_repository.hpp"
#include "persistence/common/migrations.hpp"
#include "tests/integration/shared_node.hpp"

namespace streamify::test {

namespace {

struct billing_config : caf::actor_system_config {
  billing_config() {
    streamify::add_message_types(*this);
    set("scheduler.max-threads", 4);
    set("logger.verbosity", caf::atom("quiet"));
  }
};

template <class T, class... Ts>
caf::expected<T> ask_role(caf::actor_system& sys,
                          const billing::billing_actor& role, Ts&&... xs) {
  caf::scoped_actor self{sys};
  caf::expected<T> out = caf::error{};
  self->request(role, std::chrono::seconds(30), std::forward<Ts>(xs)...)
    .receive([&](T& x) { out = std::move(x); },
             [&](caf::error& err) { out = std::move(err); });
  return out;
}

} // namespace

command_result reconcile(const test_databases& dbs) {
  return run_node_command(
    {"--reconcile", "--billing.database-url=" + dbs.url("billing")});
}

nlohmann::json make_admin(test_node& node, const test_databases& dbs) {
  auto email = unique_email("admin");
  std::string password = "admin password";
  auto r = run_node_command({"--create-admin=" + email,
                             "--auth.database-url=" + dbs.url("auth"),
                             "--auth.pwhash-ops=1", "--auth.pwhash-mem=8"},
                            {{"STREAMIFY_ADMIN_PASSWORD", password}});
  if (r.rc != 0)
    throw std::runtime_error("--create-admin failed: " + r.output);
  auto login = node.post("/api/auth/login",
                         {{"email", email}, {"password", password}});
  if (login.status != 200)
    throw std::runtime_error("admin login failed: " + login.raw);
  return login.body;
}

local_billing::local_billing(const std::string& url,
                             billing::billing_topology topology) {
  persistence::migrate(url, "billing", persistence::billing_migrations());
  cfg_ = std::make_unique<billing_config>();
  sys_ = std::make_unique<caf::actor_system>(*cfg_);
  role_ = billing::spawn_billing(
    *sys_, topology,
    [url] {
      return std::make_shared<persistence::ledger_repository>(
        url, billing::ordered_id);
    },
    std::make_shared<billing::sandbox_provider>(),
    std::make_shared<system_clock>(), billing::ordered_id);
}

local_billing::~local_billing() {
  caf::anon_send_exit(role_, caf::exit_reason::user_shutdown);
  role_ = billing::billing_actor{};
  sys_.reset(); // waits for the wallets and the ledger workers
}

caf::expected<billing::charge_result>
local_billing::charge(const billing::charge_request& req) {
  return ask_role<billing::charge_result>(*sys_, role_,
                                          billing::charge_atom::value, req);
}

caf::expected<billing::deposit_result>
local_billing::deposit(const std::string& user, int64_t amount,
                       const std::string& key) {
  return ask_role<billing::deposit_result>(
    *sys_, role_, billing::deposit_atom::value,
    billing::deposit_request{user, key, "", amount});
}

caf::expected<billing::wallet_summary>
local_billing::summary(const std::string& user) {
  return ask_role<billing::wallet_summary>(*sys_, role_,
                                           billing::wallet_atom::value, user);
}

caf::expected<role_status> local_billing::status() {
  return ask_role<role_status>(*sys_, role_, status_atom::value);
}


std::string machine_code(const caf::error& err) {
  const auto& ctx = err.context();
  return ctx.match_element<std::string>(0) ? ctx.get_as<std::string>(0) : "";
}

} // namespace streamify::test
