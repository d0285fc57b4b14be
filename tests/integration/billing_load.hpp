#pragma once

#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <caf/expected.hpp>

#include "actors/billing/messages.hpp"
#include "tests/support/test_node.hpp"

// Concurrent charges against the billing role hosted in the test process
// (local_billing), and the checks every such scenario ends with.
namespace streamify::test {

// Runs `n` requests made by `make(i)` through `send` from `threads` threads.
template <class MakeRequest, class Send>
void storm(int n, int threads, MakeRequest make, Send send) {
  std::atomic<int> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (int i; (i = next++) < n;)
        send(make(i));
    });
  for (auto& th : pool)
    th.join();
}

// The answers to concurrent charges, by outcome.
struct tally {
  std::mutex mtx;
  int ok = 0;
  int insufficient = 0;
  int unavailable = 0;
  int other = 0;
  std::set<std::string> transactions;
  std::vector<std::string> others; // their machine codes

  void add(const caf::expected<billing::charge_result>& r);
};

// Both reconcile paths on the databases' ledger: the library function and
// the operator command; each must find zero differences.
void check_reconciled(const test_databases& dbs);

} // namespace streamify::test
