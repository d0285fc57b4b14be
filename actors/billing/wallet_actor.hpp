#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <caf/actor_clock.hpp>
#include <caf/timespan.hpp>

#include "actors/billing/ledger_messages.hpp"
#include "actors/billing/payment_provider.hpp"
#include "actors/billing/wallet_book.hpp"
#include "actors/common/actor_stats.hpp"
#include "actors/common/clock.hpp"

namespace streamify::billing {

struct wallet_settings {
  // Passivated after this long without a request, never with a write in
  // flight (billing.wallet-idle).
  caf::timespan idle = std::chrono::seconds(300);
  // How long a write may wait for the ledger writer; 0: no limit. The writer
  // lives on this node and answers every write (or fails it when it stops),
  // so the default spares each charge a timer.
  caf::timespan write_timeout{0};
  // Writes one wallet keeps at the ledger writer at once; they apply in order.
  size_t max_in_flight = 64;
  // Writes waiting beyond those before the wallet answers 503.
  size_t queue_limit = 4096;
  // Results kept to answer repeated keys without the database.
  size_t remembered_keys = 256;
  // When another owner claimed the account meanwhile: claim it back once and
  // write (one billing node), or refuse with wallet_moved (several billing
  // nodes, whose shard map names the owner).
  bool reclaim_when_moved = true;
};

struct wallet_state {
  std::string user_id;
  wallet_settings settings;
  ledger_writer_actor writer;
  billing_router_actor router;
  std::shared_ptr<payment_provider> provider;
  std::shared_ptr<const clock> clk;
  std::function<std::string()> make_id;

  wallet_book book;
  uint64_t handled = 0; // requests received from the router
  bool timer_armed = false;
  caf::actor_clock::time_point last_active;
  actor_stats::handle stats;
  static inline const char* name = "wallet";
};

// One user's wallet, spawned by the billing router on first use. It is the
// single writer of the user's debits: it claims the user's account (moving
// owner_epoch on), sends each write with that epoch to its ledger writer and
// answers only after the commit. Repeated keys are answered from memory or
// joined to the write in flight; another request under a used key is a
// conflict. When idle for `settings.idle` with nothing in flight or waiting,
// it asks the router to passivate it.
wallet_actor::behavior_type
wallet(wallet_actor::stateful_pointer<wallet_state> self, std::string user_id,
       wallet_settings settings, ledger_writer_actor writer,
       billing_router_actor router, std::shared_ptr<payment_provider> provider,
       std::shared_ptr<const clock> clk,
       std::function<std::string()> make_id);

} // namespace streamify::billing
