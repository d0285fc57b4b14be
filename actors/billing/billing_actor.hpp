#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/fwd.hpp>

#include "actors/billing/ledger_messages.hpp"
#include "actors/billing/ledger_writer.hpp"
#include "actors/billing/payment_provider.hpp"
#include "actors/billing/shard_map.hpp"
#include "actors/billing/wallet_actor.hpp"
#include "actors/common/clock.hpp"

namespace streamify::billing {

// The billing nodes wallets are spread over and the handle reaching each
// (invalid for this node, at `self`). Without handles every wallet is here.
struct billing_shards {
  shard_map map;
  size_t self = 0;
  std::vector<billing_router_actor> nodes;
};

struct billing_settings {
  int64_t deposit_min_cents = 1;      // billing.deposit-min
  int64_t deposit_max_cents = 100000; // billing.deposit-max
  wallet_settings wallet;
  caf::timespan read_timeout = std::chrono::seconds(10);
  int64_t history_max_limit = 100;
  int64_t outbox_max_limit = 5000;
  billing_shards shards;
};

struct billing_state {
  struct wallet_entry {
    wallet_actor handle;
    uint64_t forwarded = 0; // requests handed to the wallet
  };

  billing_settings settings;
  std::vector<ledger_writer_actor> writers;
  std::vector<ledger_reader_actor> readers;
  size_t next_reader = 0;
  std::shared_ptr<payment_provider> provider;
  std::shared_ptr<const clock> clk;
  std::function<std::string()> make_id;
  std::unordered_map<std::string, wallet_entry> wallets;
  int64_t wallets_spawned = 0;
  int64_t wallets_passivated = 0;
  int64_t free_charges = 0;
  int64_t forwarded = 0; // money writes sent to the wallet's billing node
  actor_stats::handle stats;
  static inline const char* name = "billing";
};

// The billing role: validates, spawns one wallet actor per user on first use
// (and passivates it when idle), forwards money writes to the user's wallet
// (which answers the caller directly) and queries to the ledger readers.
// With several billing nodes, a money write whose wallet the shard map puts
// on another node goes there; queries read the shared ledger here.
billing_router_actor::behavior_type
billing_role(billing_router_actor::stateful_pointer<billing_state> self,
             std::vector<ledger_writer_actor> writers,
             std::vector<ledger_reader_actor> readers,
             billing_settings settings,
             std::shared_ptr<payment_provider> provider,
             std::shared_ptr<const clock> clk,
             std::function<std::string()> make_id);

// Everything of one billing role: `connections` writers and `readers`
// readers, each with a store from `make_store`, spawned detached (or not, for
// tests), and the router in front.
struct billing_topology {
  size_t writers = 1;
  size_t readers = 2;
  writer_settings writer;
  billing_settings settings;
  bool detached = true;
};

billing_router_actor
spawn_billing(caf::actor_system& sys, const billing_topology& topology,
              std::function<std::shared_ptr<persistence::ledger_store>()>
                make_store,
              std::shared_ptr<payment_provider> provider,
              std::shared_ptr<const clock> clk,
              std::function<std::string()> make_id);

} // namespace streamify::billing
