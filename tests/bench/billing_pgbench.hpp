#pragma once

#include <string>

namespace streamify::bench {

// Charges per second pgbench reaches with the ledger writer's SQL; -1 when a
// run failed (its output then goes to stderr).
struct pgbench_rates {
  double single = -1;  // one charge per transaction, 32 connections
  double batched = -1; // 100 charges per set-based transaction, 2 connections
};

// Runs pgbench for `seconds` each way against `url`, a database that already
// has the ledger schema, after adding `wallets` funded viewer and `creators`
// creator accounts to it.
pgbench_rates pgbench_charges(const std::string& url, int wallets,
                              int creators, int seconds);

} // namespace streamify::bench
