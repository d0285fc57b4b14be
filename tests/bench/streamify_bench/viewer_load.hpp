#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tests/bench/streamify_bench/op_stats.hpp"

namespace streamify::bench {

struct load_options {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string tls_ca; // set: HTTPS to host:port, trusting this CA file
  std::string video_id;
  int64_t viewers = 50;
  std::string auth_db;    // set: viewers are made in this database directly
  int connections = 32;   // client threads, one keep-alive connection each
  double seconds = 10;
  int64_t heartbeat_ms = 0; // per session; 0: as fast as possible
  int64_t range_kbps = 0;   // per session; 0: no range reads
  int64_t range_bytes = 1 << 20;
  int64_t deposit_cents = 100000;
  bool end_sessions = true;
};

using clock_type = std::chrono::steady_clock;

struct viewer {
  std::string email;
  std::string token;
  std::string session_id;
  std::string stream_path; // stream_url, renewed by every heartbeat answer
  int64_t seq = 0;
  int64_t range_offset = 0;
  int64_t file_size = -1;
  int64_t range_bytes_read = 0;
  clock_type::time_point started;
  clock_type::time_point next_heartbeat;
};

// Each phase runs on `connections` threads and records its requests by kind
// ("register", "login", "deposit", "start", "heartbeat", "range", "end").
class viewer_load {
public:
  explicit viewer_load(load_options opts);

  // Makes the viewers (seeded or registered), logs them in, deposits and
  // starts one session each. Returns false when no session started.
  bool prepare();
  // Heartbeats and range reads for `seconds`; returns the measured seconds.
  double run();
  void finish();

  std::map<std::string, op_stats>& stats() { return stats_; }
  int64_t live_sessions() const;

private:
  void seed_users(const std::string& password);
  template <class F>
  void on_threads(F f);
  void merge(const std::map<std::string, op_stats>& part);

  load_options opts_;
  std::string run_id_;
  std::vector<viewer> viewers_;
  std::map<std::string, op_stats> stats_;
};

} // namespace streamify::bench
