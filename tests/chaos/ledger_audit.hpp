#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "tests/chaos/charging_client.hpp"

// What every chaos round ends with: the ledger against what the clients were
// told, and `streamify-node --reconcile`.
namespace streamify::test {

struct ledger_audit {
  int64_t acknowledged = 0;   // charges the client saw acknowledged
  int64_t ledger_charges = 0; // charges of these sessions in the ledger
  int64_t missing = 0;        // acknowledged but not in the ledger
  int64_t duplicate_keys = 0; // keys written twice (must be zero)
  bool reconciled = false;    // reconcile said "zero differences"
  std::string reconcile_line; // its last line
};

int64_t ledger_charges(const test_databases& dbs, const std::string& session);

// Checks (CAF_CHECK) each session's charges in the ledger against the highest
// minutes_paid acknowledged, duplicate keys and reconcile.
ledger_audit audit_ledger(const test_databases& dbs,
                          const std::map<std::string, int64_t>& acknowledged);

// GET /api/sessions/{id}: checks the session is active, waiting for payment,
// or ended with a reason the contract names; returns its state.
std::string check_session_state(test_node& node, const viewed_session& s);

} // namespace streamify::test
