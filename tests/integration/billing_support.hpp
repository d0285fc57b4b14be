#pragma once

#include <memory>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "actors/billing/billing_actor.hpp"
#include "actors/common/errc.hpp"
#include "tests/support/test_node.hpp"

namespace streamify::test {

// `streamify-node --reconcile` on a set of databases: the check every billing
// scenario ends with.
command_result reconcile(const test_databases& dbs);

// Creates an admin with `streamify-node --create-admin` and logs in over
// HTTP; returns {token, user}.
nlohmann::json make_admin(test_node& node, const test_databases& dbs);

// The billing role of a node, hosted in this process against a billing
// database: how the tests drive charges before the streaming role exists
// (and what a second billing node sharing the ledger looks like).
class local_billing {
public:
  explicit local_billing(const std::string& url,
                         billing::billing_topology topology = {});
  ~local_billing();
  local_billing(const local_billing&) = delete;
  local_billing& operator=(const local_billing&) = delete;

  caf::expected<billing::charge_result>
  charge(const billing::charge_request& req);
  caf::expected<billing::deposit_result>
  deposit(const std::string& user, int64_t amount, const std::string& key);
  caf::expected<billing::wallet_summary> summary(const std::string& user);
  caf::expected<role_status> status();

  caf::actor_system& system() { return *sys_; }
  const billing::billing_actor& role() const { return role_; }

private:
  std::unique_ptr<caf::actor_system_config> cfg_;
  std::unique_ptr<caf::actor_system> sys_;
  billing::billing_actor role_;
};

// The machine code of a role's error ("insufficient_funds", ...).
std::string machine_code(const caf::error& err);


} // namespace streamify::test
