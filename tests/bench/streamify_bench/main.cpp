// streamify-bench: realistic viewers played against a gateway. Each viewer
// signs up (or is seeded in the auth database with a cheap hash), deposits,
// starts a session on one video, then heartbeats (at an interval or as fast
// as possible) and reads ranges of the stream at a bitrate; at the end the
// sessions are ended and the ledger reconciled.
//
//   streamify-bench --port=8080 --video=ID [--viewers=50] [--seconds=10]
//     [--host=H] [--tls-ca=FILE] (HTTPS through the TLS edge, trusting FILE)
//     [--connections=32] [--heartbeat-ms=0] [--range-kbps=0]
//     [--range-bytes=1048576] [--auth-db=URL] [--billing-db=URL]
//     [--login-rate=PER_S] [--keep-sessions] [--json]
//   streamify-bench --reference=/path --port=P [--ranges --range-bytes=B]
//     the same client against another server (nginx), for the ratio.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "persistence/billing/ledger_repository.hpp"
#include "tests/bench/streamify_bench/side_loads.hpp"
#include "tests/bench/streamify_bench/viewer_load.hpp"

using namespace streamify::bench;

namespace {

struct cli {
  load_options load;
  std::string billing_db;
  std::string reference; // a path on another server: measure that instead
  int64_t login_rate = 0;
  bool range_only = false;
  bool json = false;
};

[[noreturn]] void usage(const std::string& why) {
  std::cerr << "streamify-bench: " << why << "\n"
            << "usage: streamify-bench --video=ID [--host=H] [--port=P] [--tls-ca=FILE]"
               " [--viewers=N] [--seconds=S] [--connections=C]"
               " [--heartbeat-ms=MS] [--range-kbps=K] [--range-bytes=B]"
               " [--deposit-cents=C] [--auth-db=URL] [--billing-db=URL]"
               " [--login-rate=N] [--keep-sessions] [--json]\n"
               "       streamify-bench --reference=PATH [--port=P]"
               " [--connections=C] [--seconds=S] [--ranges --range-bytes=B]\n";
  std::exit(2);
}

int64_t number(const std::string& key, const std::string& value) {
  try {
    size_t used = 0;
    auto x = std::stoll(value, &used);
    if (used == value.size() && x >= 0)
      return x;
  } catch (const std::exception&) {
  }
  usage(key + " needs a non-negative integer");
}

cli parse(int argc, char** argv) {
  cli c;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto eq = arg.find('=');
    auto key = arg.substr(0, eq);
    auto value = eq == std::string::npos ? "" : arg.substr(eq + 1);
    auto& o = c.load;
    if (key == "--json") c.json = true;
    else if (key == "--keep-sessions") o.end_sessions = false;
    else if (key == "--host") o.host = value;
    else if (key == "--tls-ca") o.tls_ca = value;
    else if (key == "--port") o.port = static_cast<int>(number(key, value));
    else if (key == "--video") o.video_id = value;
    else if (key == "--viewers") o.viewers = number(key, value);
    else if (key == "--seconds") o.seconds = static_cast<double>(number(key, value));
    else if (key == "--connections") o.connections = static_cast<int>(number(key, value));
    else if (key == "--heartbeat-ms") o.heartbeat_ms = number(key, value);
    else if (key == "--range-kbps") o.range_kbps = number(key, value);
    else if (key == "--range-bytes") o.range_bytes = number(key, value);
    else if (key == "--deposit-cents") o.deposit_cents = number(key, value);
    else if (key == "--auth-db") o.auth_db = value;
    else if (key == "--billing-db") c.billing_db = value;
    else if (key == "--reference") c.reference = value;
    else if (key == "--ranges") c.range_only = true;
    else if (key == "--login-rate") c.login_rate = number(key, value);
    else usage("unknown option " + key);
  }
  if (c.load.video_id.empty() && c.reference.empty())
    usage("--video (or --reference) is required");
  if (c.load.viewers == 0 || c.load.connections == 0 || c.load.range_bytes == 0)
    usage("--viewers, --connections and --range-bytes must be positive");
  return c;
}

// Requests of the measured phase get a rate; set-up and tear-down do not.
bool during_run(const std::string& kind) {
  return kind != "register" && kind != "login" && kind != "deposit"
         && kind != "start" && kind != "end";
}

void print_table(std::map<std::string, op_stats>& stats, double seconds,
                 int64_t live) {
  std::printf("%lld live sessions, %.1f s measured\n",
              static_cast<long long>(live), seconds);
  std::printf("%-10s %9s %10s %9s %8s %8s %8s %8s %7s  %s\n", "request",
              "count", "per s", "MB/s", "p50 ms", "p90 ms", "p99 ms", "max ms",
              "errors", "statuses");
  for (auto& [kind, s] : stats) {
    bool measured = during_run(kind);
    auto j = s.to_json(measured ? seconds : 0);
    std::printf("%-10s %9lld %10.0f %9.1f %8.2f %8.2f %8.2f %8.2f %7lld  %s\n",
                kind.c_str(), static_cast<long long>(s.count()),
                j["per_second"].get<double>(),
                j["bytes_per_second"].get<double>() / 1e6,
                j["p50_ms"].get<double>(), j["p90_ms"].get<double>(),
                j["p99_ms"].get<double>(), j["max_ms"].get<double>(),
                static_cast<long long>(s.errors()),
                j["statuses"].dump().c_str());
  }
}

int reference_main(cli& c) {
  auto s = reference_load(c.load.host, c.load.port, c.reference,
                          c.load.connections, c.load.seconds,
                          c.range_only ? c.load.range_bytes : 0);
  std::map<std::string, op_stats> stats{{"reference", s}};
  if (c.json)
    std::cout << nlohmann::json{{"seconds", c.load.seconds},
                                {"requests", {{"reference", s.to_json(c.load.seconds)}}}}
                   .dump(2)
              << "\n";
  else
    print_table(stats, c.load.seconds, 0);
  return s.errors() == 0 ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
  auto c = parse(argc, argv);
  if (!c.reference.empty())
    return reference_main(c);
  viewer_load load{c.load};
  try {
    if (!load.prepare()) {
      std::cerr << "streamify-bench: no session started (is the video ready,"
                   " the node up and the wallet role serving?)\n";
      return 1;
    }
  } catch (const std::exception& e) {
    std::cerr << "streamify-bench: preparing viewers failed: " << e.what() << "\n";
    return 1;
  }
  auto live = load.live_sessions();
  login_load logins{c.load, static_cast<double>(c.login_rate)};
  if (c.login_rate > 0)
    logins.start();
  auto seconds = load.run();
  int64_t logins_offered = 0;
  if (c.login_rate > 0)
    load.stats()["login_load"] = logins.stop(logins_offered);
  load.finish();
  auto& stats = load.stats();
  nlohmann::json out{{"live_sessions", live}, {"seconds", seconds}};
  for (auto& [kind, s] : stats) {
    bool measured = during_run(kind);
    out["requests"][kind] = s.to_json(measured ? seconds : 0);
  }
  if (c.login_rate > 0)
    out["logins_offered"] = logins_offered;
  bool money_ok = true;
  if (!c.billing_db.empty()) {
    auto report = streamify::persistence::reconcile_ledger(c.billing_db);
    money_ok = report.ok();
    out["reconcile"] = {{"differences", report.differences()},
                        {"transactions", report.transactions},
                        {"report", report.to_string()}};
  }
  if (c.json) {
    std::cout << out.dump(2) << "\n";
  } else {
    print_table(stats, seconds, live);
    if (c.login_rate > 0)
      std::cout << "logins offered: " << logins_offered << "\n";
    if (out.contains("reconcile"))
      std::cout << "reconcile: " << out["reconcile"]["report"].get<std::string>()
                << "\n";
  }
  return money_ok ? 0 : 3;
}
