// streamify-billing-bench: durable charges per second through the billing
// role (wallet actors -> group-commit ledger writer -> PostgreSQL), with
// reconcile after the run and pgbench running the same SQL shape on the same
// server for comparison.
//
//   streamify-billing-bench [--quick] [--pg-url=URL] [--wallets=N]
//     [--charges=N] [--writers=N] [--batch=N] [--window-us=N] [--drivers=N]
//     [--window=N] [--pgbench-seconds=N] [--min-rate=N] [--keep-db]
//
// --pg-url is an admin URL of the server (default: $STREAMIFY_TEST_PG_URL);
// the bench creates and drops its own databases. Exit status: 0 when every
// charge was answered as expected, reconcile found zero differences and the
// rate reached --min-rate (default 0: not checked).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <pqxx/pqxx>
#include <sodium.h>
#include <spdlog/spdlog.h>
#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include "actors/billing/billing_actor.hpp"
#include "actors/billing/ledger_rules.hpp"
#include "actors/common/ids.hpp"
#include "actors/common/message_types.hpp"
#include "persistence/billing/ledger_repository.hpp"
#include "persistence/common/migrations.hpp"
#include "tests/bench/billing_pgbench.hpp"

using namespace streamify;
using namespace streamify::billing;
using streamify::bench::pgbench_charges;
using streamify::bench::pgbench_rates;

namespace {

using done_atom = caf::atom_constant<caf::atom("done")>;

struct options {
  bool quick = false;
  std::string pg_url;
  int wallets = 2000;
  int creators = 100;
  int charges = 200000;
  int writers = 2;
  int batch = 1024;
  int window_us = 0;
  int drivers = 8;
  int window = 256; // requests each driver keeps outstanding
  int pgbench_seconds = 10;
  double min_rate = 0;
  bool keep_db = false;
};

bool starts(const std::string& arg, const std::string& prefix,
            std::string& value) {
  if (arg.rfind(prefix, 0) != 0)
    return false;
  value = arg.substr(prefix.size());
  return true;
}

options parse(int argc, char** argv) {
  options o;
  if (auto env = std::getenv("STREAMIFY_TEST_PG_URL"))
    o.pg_url = env;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i], v;
    if (a == "--quick") {
      o.quick = true;
      o.wallets = 200;
      o.creators = 20;
      o.charges = 6000;
      o.pgbench_seconds = 2;
    } else if (a == "--keep-db") {
      o.keep_db = true;
    } else if (starts(a, "--pg-url=", v)) {
      o.pg_url = v;
    } else if (starts(a, "--wallets=", v)) {
      o.wallets = std::stoi(v);
    } else if (starts(a, "--charges=", v)) {
      o.charges = std::stoi(v);
    } else if (starts(a, "--writers=", v)) {
      o.writers = std::stoi(v);
    } else if (starts(a, "--batch=", v)) {
      o.batch = std::stoi(v);
    } else if (starts(a, "--window-us=", v)) {
      o.window_us = std::stoi(v);
    } else if (starts(a, "--drivers=", v)) {
      o.drivers = std::stoi(v);
    } else if (starts(a, "--window=", v)) {
      o.window = std::stoi(v);
    } else if (starts(a, "--pgbench-seconds=", v)) {
      o.pgbench_seconds = std::stoi(v);
    } else if (starts(a, "--min-rate=", v)) {
      o.min_rate = std::stod(v);
    } else {
      std::cerr << "unknown argument " << a << "\n";
      std::exit(2);
    }
  }
  if (o.pg_url.empty()) {
    std::cerr << "no server: pass --pg-url or set STREAMIFY_TEST_PG_URL\n";
    std::exit(2);
  }
  return o;
}

std::string with_db(const std::string& url, const std::string& db) {
  return url.substr(0, url.rfind('/') + 1) + db;
}

constexpr int64_t price = 10;
constexpr int64_t fee_bps = 2000;

std::string viewer(int i) {
  return "bv" + std::to_string(i);
}

std::string creator(int i) {
  return "bc" + std::to_string(i);
}

// Gives every wallet enough money for all its charges, straight through the
// ledger store (deposits are not what is measured).
void seed(const std::string& url, const options& o) {
  persistence::ledger_repository repo{url, random_id};
  int64_t per_wallet = (o.charges / o.wallets + 2) * price;
  std::vector<persistence::movement> batch;
  for (int i = 0; i < o.wallets; ++i) {
    batch.push_back(deposit_movement(
      deposit_request{viewer(i), "seed", "seed", per_wallet}, random_id(),
      "seed", 0));
    if (batch.size() == 1000 || i + 1 == o.wallets) {
      for (const auto& out : repo.apply(batch))
        if (out.status != persistence::status_applied)
          throw std::runtime_error("seeding failed");
      batch.clear();
    }
  }
}

struct driver_state {
  billing_actor role;
  caf::actor reporter;
  int first = 0;
  int count = 0; // wallets of this driver: first .. first+count-1
  int creators = 1;
  int64_t to_send = 0;
  int64_t sent = 0;
  int64_t answered = 0;
  int64_t ok = 0;
  int64_t failed = 0;
  int64_t minute_base = 0;
  std::vector<int64_t> minutes;
  // Microseconds from request to answer, one per charge; drive() reads them
  // after this driver reported done.
  std::shared_ptr<std::vector<int32_t>> latencies;
  static inline const char* name = "bench_driver";
};

void fire(caf::stateful_actor<driver_state>* self);

void answered(caf::stateful_actor<driver_state>* self) {
  auto& st = self->state;
  if (++st.answered == st.to_send) {
    self->send(st.reporter, done_atom::value, st.ok, st.failed);
    self->quit();
    return;
  }
  if (st.sent < st.to_send)
    fire(self);
}

void fire(caf::stateful_actor<driver_state>* self) {
  auto& st = self->state;
  auto w = static_cast<int>(st.sent % st.count);
  auto v = st.first + w;
  charge_request req{viewer(v),
                     creator(static_cast<int>(st.sent % st.creators)),
                     "bs" + std::to_string(v),
                     "video",
                     st.minute_base + st.minutes[w]++,
                     price,
                     fee_bps};
  ++st.sent;
  // The load generator sets no timer per request (in CAF 0.17 each one is a
  // wake-up of the clock thread, never cancelled): the whole run has one
  // deadline instead (see drive).
  auto sent_at = std::chrono::steady_clock::now();
  self->request(st.role, caf::infinite, charge_atom::value, std::move(req))
    .then(
      [self, sent_at](charge_result&) {
        auto& st = self->state;
        ++st.ok;
        st.latencies->push_back(static_cast<int32_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(
            std::chrono::steady_clock::now() - sent_at)
            .count()));
        answered(self);
      },
      [self](caf::error& err) {
        if (self->state.failed++ < 3)
          std::cerr << "charge failed: " << to_string(err) << "\n";
        answered(self);
      });
}

caf::behavior driver(caf::stateful_actor<driver_state>* self,
                     billing_actor role, caf::actor reporter, int first,
                     int count, int creators, int64_t to_send, int window,
                     int64_t minute_base,
                     std::shared_ptr<std::vector<int32_t>> latencies) {
  auto& st = self->state;
  st.latencies = std::move(latencies);
  st.latencies->reserve(static_cast<size_t>(to_send));
  st.role = std::move(role);
  st.reporter = std::move(reporter);
  st.first = first;
  st.count = count;
  st.creators = creators;
  st.to_send = to_send;
  st.minute_base = minute_base;
  st.minutes.assign(static_cast<size_t>(count), 0);
  if (to_send == 0) {
    self->send(st.reporter, done_atom::value, int64_t{0}, int64_t{0});
    self->quit();
    return {};
  }
  for (int i = 0; i < window && st.sent < st.to_send; ++i)
    fire(self);
  return {[](int) {}};
}

// CPU seconds (user + system) used so far by this process and by the
// PostgreSQL server the bench talks to (its postmaster's children): on a
// shared machine, charges per CPU second tell more than wall time does.
double proc_cpu_seconds(const std::string& pid) {
  std::ifstream in{"/proc/" + pid + "/stat"};
  std::string line;
  if (!std::getline(in, line))
    return 0;
  auto close = line.rfind(')');
  std::istringstream rest{line.substr(close + 2)};
  std::string field;
  double ticks = 0;
  for (int i = 3; rest >> field; ++i) {
    if (i == 14 || i == 15)
      ticks += std::stod(field);
    if (i == 15)
      break;
  }
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

double server_cpu_seconds(const std::string& postmaster) {
  double total = proc_cpu_seconds(postmaster);
  if (auto* dir = ::opendir("/proc")) {
    while (auto* e = ::readdir(dir)) {
      std::string pid = e->d_name;
      if (pid.find_first_not_of("0123456789") != std::string::npos)
        continue;
      std::ifstream in{"/proc/" + pid + "/stat"};
      std::string line;
      if (!std::getline(in, line))
        continue;
      auto close = line.rfind(')');
      std::istringstream rest{line.substr(close + 2)};
      std::string state, ppid;
      rest >> state >> ppid;
      if (ppid == postmaster)
        total += proc_cpu_seconds(pid);
    }
    ::closedir(dir);
  }
  return total;
}

double self_cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec
         + u.ru_stime.tv_usec / 1e6;
}

// How long the bench waits for a driver's report before it gives up.
constexpr auto run_deadline = std::chrono::minutes(10);

struct run_result {
  int64_t ok = 0;
  int64_t failed = 0;
  double seconds = 0;
  double client_cpu = 0; // this process
  double server_cpu = 0; // PostgreSQL (-1: not on this machine)
  std::vector<int32_t> latencies_us; // of the charges answered ok, sorted
};

double percentile_ms(const std::vector<int32_t>& sorted, double p) {
  if (sorted.empty())
    return 0;
  auto i = static_cast<size_t>(p * static_cast<double>(sorted.size() - 1));
  return sorted[i] / 1000.0;
}

// Sends `per_wallet` charges for every wallet from o.drivers drivers.
run_result drive(caf::actor_system& sys, const billing_actor& role,
                 const options& o, int64_t total, int64_t minute_base,
                 const std::string& postmaster) {
  caf::scoped_actor self{sys};
  auto cpu0 = self_cpu_seconds();
  auto server0 = postmaster.empty() ? 0 : server_cpu_seconds(postmaster);
  auto start = std::chrono::steady_clock::now();
  int drivers = std::max(1, std::min(o.drivers, o.wallets));
  std::vector<std::shared_ptr<std::vector<int32_t>>> latencies;
  for (int d = 0; d < drivers; ++d) {
    int first = o.wallets * d / drivers;
    int count = o.wallets * (d + 1) / drivers - first;
    int64_t share = total * (d + 1) / drivers - total * d / drivers;
    latencies.push_back(std::make_shared<std::vector<int32_t>>());
    sys.spawn(driver, role, caf::actor_cast<caf::actor>(self), first, count,
              o.creators, share, o.window, minute_base, latencies.back());
  }
  run_result r;
  for (int d = 0; d < drivers; ++d)
    self->receive(
      [&](done_atom, int64_t ok, int64_t failed) {
        r.ok += ok;
        r.failed += failed;
      },
      caf::after(run_deadline) >> [] {
        // Requests still open would keep the actor system from shutting down.
        std::cerr << "bench failed: a driver did not finish in time\n";
        std::_Exit(1);
      });
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now()
                                            - start)
                .count();
  r.client_cpu = self_cpu_seconds() - cpu0;
  r.server_cpu = postmaster.empty()
                   ? -1
                   : server_cpu_seconds(postmaster) - server0;
  for (const auto& l : latencies)
    r.latencies_us.insert(r.latencies_us.end(), l->begin(), l->end());
  std::sort(r.latencies_us.begin(), r.latencies_us.end());
  return r;
}

struct bench_config : caf::actor_system_config {
  bench_config() {
    streamify::add_message_types(*this);
    set("scheduler.policy", caf::atom("sharing"));
    if (auto env = std::getenv("BENCH_THREADS"))
      set("scheduler.max-threads", std::atoi(env));
    set("logger.verbosity", caf::atom("quiet"));
  }
};

} // namespace

int main(int argc, char** argv) {
  auto o = parse(argc, argv);
  if (sodium_init() < 0)
    return 1;
  spdlog::set_level(spdlog::level::warn);
  auto db = "streamify_bench_" + std::to_string(::getpid());
  auto url = with_db(o.pg_url, db);
  auto pgb_url = with_db(o.pg_url, db + "_pgbench");
  std::string fsync;
  std::string sync_commit;
  std::string postmaster; // empty when the server runs elsewhere
  {
    pqxx::connection admin{o.pg_url};
    pqxx::nontransaction{admin}.exec("CREATE DATABASE " + db);
    pqxx::nontransaction{admin}.exec("CREATE DATABASE " + db + "_pgbench");
    fsync = pqxx::nontransaction{admin}.exec1("SHOW fsync")[0].as<std::string>();
    sync_commit = pqxx::nontransaction{admin}
                    .exec1("SHOW synchronous_commit")[0]
                    .as<std::string>();
    auto backend = pqxx::nontransaction{admin}
                     .exec1("SELECT pg_backend_pid()")[0]
                     .as<std::string>();
    std::ifstream in{"/proc/" + backend + "/stat"};
    std::string line;
    if (std::getline(in, line)) {
      std::istringstream rest{line.substr(line.rfind(')') + 2)};
      std::string state;
      rest >> state >> postmaster;
    }
  }
  int rc = 0;
  try {
    persistence::migrate(url, "billing", persistence::billing_migrations());
    persistence::migrate(pgb_url, "billing", persistence::billing_migrations());
    seed(url, o);
    bench_config cfg;
    run_result warm;
    run_result r;
    role_status status;
    {
      caf::actor_system sys{cfg};
      billing_topology topology;
      topology.writers = static_cast<size_t>(o.writers);
      topology.readers = 1;
      topology.writer.batch_max = static_cast<size_t>(o.batch);
      topology.writer.batch_window = std::chrono::microseconds(o.window_us);
      billing_actor role = spawn_billing(
        sys, topology,
        [url] {
          return std::make_shared<persistence::ledger_repository>(url,
                                                                  ordered_id);
        },
        std::make_shared<sandbox_provider>(), std::make_shared<system_clock>(),
        ordered_id);
      // Warm-up: one charge per wallet spawns and claims every wallet.
      warm = drive(sys, role, o, o.wallets, 0, postmaster);
      r = drive(sys, role, o, o.charges, 1, postmaster);
      caf::scoped_actor self{sys};
      self->request(role, std::chrono::seconds(10), status_atom::value)
        .receive([&](role_status& s) { status = s; }, [](caf::error&) {});
      caf::anon_send_exit(role, caf::exit_reason::user_shutdown);
    }
    auto report = persistence::reconcile_ledger(url);
    pgbench_rates pg;
    if (o.pgbench_seconds > 0)
      pg = pgbench_charges(pgb_url, o.wallets, o.creators, o.pgbench_seconds);
    auto& g = status.gauges;
    double rate = r.ok / r.seconds;
    double avg_batch = g["ledger_batches_total"] > 0
                         ? double(g["ledger_batch_items_total"])
                             / g["ledger_batches_total"]
                         : 0;
    double commit_ms = g["ledger_batches_total"] > 0
                         ? g["ledger_commit_us_total"] / 1000.0
                             / g["ledger_batches_total"]
                         : 0;
    std::printf(
      "billing bench: fsync=%s synchronous_commit=%s wallets=%d writers=%d "
      "batch=%d window_us=%d in_flight=%d\n",
      fsync.c_str(), sync_commit.c_str(), o.wallets, o.writers, o.batch,
      o.window_us, o.drivers * o.window);
    std::printf("  warm-up: %lld wallets claimed and charged in %.2f s\n",
                static_cast<long long>(warm.ok), warm.seconds);
    std::printf("  durable charges: %lld ok, %lld failed in %.2f s = %.0f "
                "charges/s\n",
                static_cast<long long>(r.ok),
                static_cast<long long>(r.failed), r.seconds, rate);
    std::printf("  latency, request to answer: p50 %.1f ms, p99 %.1f ms, "
                "max %.1f ms\n",
                percentile_ms(r.latencies_us, 0.5),
                percentile_ms(r.latencies_us, 0.99),
                percentile_ms(r.latencies_us, 1.0));
    if (r.server_cpu >= 0) {
      double cpu = r.client_cpu + r.server_cpu;
      std::printf("  cpu: bench process %.2f s + PostgreSQL %.2f s = %.1f us "
                  "per charge; %u cores at that cost would carry %.0f "
                  "charges/s\n",
                  r.client_cpu, r.server_cpu, cpu * 1e6 / std::max<int64_t>(1, r.ok),
                  std::thread::hardware_concurrency(),
                  r.ok / cpu * std::thread::hardware_concurrency());
    }
    std::printf("  ledger: %lld batches, %.1f charges/batch on average, "
                "largest %lld, commit %.2f ms on average, %.2f ms at most\n",
                static_cast<long long>(g["ledger_batches_total"]), avg_batch,
                static_cast<long long>(g["ledger_batch_size_max"]), commit_ms,
                g["ledger_commit_us_max"] / 1000.0);
    std::printf("  reconcile: %s\n", report.to_string().c_str());
    if (o.pgbench_seconds > 0) {
      std::printf("  pgbench, same SQL, one charge per transaction, 32 "
                  "connections: %.0f charges/s\n",
                  pg.single);
      std::printf("  pgbench, same SQL, 100 charges per transaction, 2 "
                  "connections: %.0f charges/s\n",
                  pg.batched);
    }
    bool all = r.ok == o.charges && warm.ok == o.wallets;
    std::printf("result: %s (reconcile %s, %s, rate %s)\n",
                report.ok() && all && rate >= o.min_rate ? "PASS" : "FAIL",
                report.ok() ? "zero differences" : "DIFFERENCES",
                all ? "every charge committed" : "charges MISSING",
                rate >= o.min_rate ? "ok" : "below --min-rate");
    if (!report.ok() || !all || rate < o.min_rate)
      rc = 1;
  } catch (const std::exception& e) {
    std::cerr << "bench failed: " << e.what() << "\n";
    rc = 1;
  }
  if (!o.keep_db) {
    try {
      pqxx::connection admin{o.pg_url};
      pqxx::nontransaction{admin}.exec("DROP DATABASE IF EXISTS " + db
                                       + " WITH (FORCE)");
      pqxx::nontransaction{admin}.exec("DROP DATABASE IF EXISTS " + db
                                       + "_pgbench WITH (FORCE)");
    } catch (const std::exception&) {
    }
  }
  return rc;
}
