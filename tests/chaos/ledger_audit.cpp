#include "tests/chaos/ledger_audit.hpp"

#include <caf/test/unit_test.hpp>

#include "tests/integration/billing_support.hpp"

namespace streamify::test {

int64_t ledger_charges(const test_databases& dbs, const std::string& session) {
  return std::stoll(dbs.query(
    "billing", "SELECT count(*) FROM ledger_transactions WHERE kind = 'charge' "
               "AND session_id = '" + session + "'"));
}

ledger_audit audit_ledger(const test_databases& dbs,
                          const std::map<std::string, int64_t>& acknowledged) {
  ledger_audit out;
  for (const auto& [session, paid] : acknowledged) {
    auto in_ledger = ledger_charges(dbs, session);
    out.acknowledged += paid;
    out.ledger_charges += in_ledger;
    if (in_ledger < paid) {
      out.missing += paid - in_ledger;
      CAF_MESSAGE("session " << session << ": " << paid
                  << " minutes acknowledged, " << in_ledger << " in the ledger");
    }
  }
  CAF_CHECK_EQUAL(out.missing, 0);
  out.duplicate_keys = std::stoll(dbs.query(
    "billing", "SELECT count(*) FROM (SELECT key FROM ledger_transactions "
               "GROUP BY key HAVING count(*) > 1) AS twice"));
  CAF_CHECK_EQUAL(out.duplicate_keys, 0);
  auto check = reconcile(dbs);
  out.reconciled = check.rc == 0
                   && check.output.find("zero differences") != std::string::npos;
  auto at = check.output.rfind("reconcile: ");
  if (at != std::string::npos)
    out.reconcile_line = check.output.substr(
      at, check.output.find('\n', at) - at);
  CAF_CHECK(out.reconciled);
  if (!out.reconciled)
    CAF_MESSAGE(check.output);
  return out;
}

std::string check_session_state(test_node& node, const viewed_session& s) {
  auto r = node.get("/api/sessions/" + s.id, s.token);
  CAF_CHECK_EQUAL(r.status, 200);
  if (r.status != 200)
    return {};
  auto state = r.body.value("state", std::string{});
  CAF_CHECK(state == "active" || state == "payment_required"
            || state == "ended");
  if (state == "ended") {
    auto reason = r.body.value("end_reason", std::string{});
    CAF_CHECK(reason == "viewer" || reason == "timeout"
              || reason == "video_deleted");
  }
  return state;
}

} // namespace streamify::test
