#include "tests/integration/billing_load.hpp"

#include <caf/test/unit_test.hpp>

#include "persistence/billing/ledger_repository.hpp"
#include "tests/integration/billing_support.hpp"

namespace streamify::test {

void tally::add(const caf::expected<billing::charge_result>& r) {
  std::lock_guard<std::mutex> guard{mtx};
  if (r) {
    ++ok;
    transactions.insert(r->transaction_id);
  } else if (r.error() == errc::payment_required
             && machine_code(r.error()) == "insufficient_funds") {
    ++insufficient;
  } else if (r.error() == errc::unavailable) {
    ++unavailable;
  } else {
    ++other;
    others.push_back(machine_code(r.error()));
  }
}

void check_reconciled(const test_databases& dbs) {
  auto report = persistence::reconcile_ledger(dbs.url("billing"));
  CAF_CHECK(report.ok());
  if (!report.ok())
    CAF_MESSAGE(report.to_string());
  auto r = reconcile(dbs);
  CAF_CHECK_EQUAL(r.rc, 0);
  CAF_CHECK(r.output.find("reconcile: zero differences") != std::string::npos);
}

} // namespace streamify::test
