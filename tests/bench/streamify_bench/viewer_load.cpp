#include "tests/bench/streamify_bench/viewer_load.hpp"

#include <algorithm>
#include <mutex>
#include <thread>

#include <httplib.h>
#include <pqxx/pqxx>

#include "actors/auth/password_hasher.hpp"
#include "actors/common/ids.hpp"

namespace streamify::bench {

namespace {

constexpr const char* password = "bench password 1";

int64_t micros_since(clock_type::time_point t0) {
  return std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now()
                                                               - t0)
    .count();
}

httplib::Headers bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

// One request, timed and counted; the parsed JSON body when it is 2xx.
struct timed_client {
  httplib::Client http;
  std::map<std::string, op_stats> stats;

  explicit timed_client(const load_options& o)
    : http((o.tls_ca.empty() ? "http://" : "https://") + o.host + ":"
           + std::to_string(o.port)) {
    if (!o.tls_ca.empty()) {
      http.set_ca_cert_path(o.tls_ca.c_str());
      http.enable_server_certificate_verification(true);
    }
    http.set_keep_alive(true);
    http.set_tcp_nodelay(true); // headers and body go out as two writes
    http.set_connection_timeout(10);
    http.set_read_timeout(30);
    http.set_write_timeout(30);
  }

  nlohmann::json post(const char* kind, const std::string& path,
                      const httplib::Headers& headers,
                      const nlohmann::json& body) {
    auto t0 = clock_type::now();
    auto res = http.Post(path.c_str(), headers, body.dump(), "application/json");
    int status = res ? res->status : 0;
    stats[kind].record(status, micros_since(t0));
    if (status < 200 || status >= 300)
      return nullptr;
    return nlohmann::json::parse(res->body, nullptr, false);
  }
};

} // namespace

viewer_load::viewer_load(load_options opts)
  : opts_(std::move(opts)), run_id_(random_id().substr(0, 10)) {
  viewers_.resize(static_cast<size_t>(opts_.viewers));
  for (size_t i = 0; i < viewers_.size(); ++i)
    viewers_[i].email = "bench-" + run_id_ + "-" + std::to_string(i)
                        + "@example.com";
}

template <class F>
void viewer_load::on_threads(F f) {
  std::vector<std::thread> threads;
  std::mutex mtx;
  auto n = std::max(1, std::min<int>(opts_.connections,
                                     static_cast<int>(viewers_.size())));
  for (int t = 0; t < n; ++t)
    threads.emplace_back([&, t] {
      timed_client client{opts_};
      for (size_t i = static_cast<size_t>(t); i < viewers_.size();
           i += static_cast<size_t>(n))
        f(client, viewers_[i]);
      std::lock_guard<std::mutex> guard{mtx};
      merge(client.stats);
    });
  for (auto& th : threads)
    th.join();
}

void viewer_load::merge(const std::map<std::string, op_stats>& part) {
  for (const auto& [kind, s] : part)
    stats_[kind].merge(s);
}

// argon2id is slow on purpose: seeded viewers share one hash of the lowest
// cost, which the auth role verifies as it verifies any stored hash.
void viewer_load::seed_users(const std::string& pw) {
  auth::password_hasher cheap{1, 8 * 1024};
  auto hash = cheap.hash(pw);
  pqxx::connection c{opts_.auth_db};
  pqxx::work txn{c};
  for (const auto& v : viewers_)
    txn.exec_params("INSERT INTO users (id, email, email_lower, display_name,"
                    " role, password_hash) VALUES ($1, $2, $2, $3, 'viewer', $4)",
                    random_id(), v.email, "Bench viewer", hash);
  txn.commit();
}

bool viewer_load::prepare() {
  if (!opts_.auth_db.empty())
    seed_users(password);
  const bool seeded = !opts_.auth_db.empty();
  on_threads([&](timed_client& c, viewer& v) {
    auto who = seeded ? c.post("login", "/api/auth/login", {},
                               {{"email", v.email}, {"password", password}})
                      : c.post("register", "/api/auth/register", {},
                               {{"email", v.email}, {"password", password},
                                {"display_name", "Bench viewer"},
                                {"role", "viewer"}});
    if (!who.is_object())
      return;
    v.token = who.value("token", "");
    auto headers = bearer(v.token);
    headers.emplace("Idempotency-Key", "bench-deposit-" + v.email);
    c.post("deposit", "/api/wallet/deposits", headers,
           {{"amount_cents", opts_.deposit_cents}});
    auto s = c.post("start", "/api/sessions", bearer(v.token),
                    {{"video_id", opts_.video_id}});
    if (!s.is_object())
      return;
    v.session_id = s.value("id", "");
    v.stream_path = s.value("stream_url", "");
    v.started = v.next_heartbeat = clock_type::now();
  });
  return live_sessions() > 0;
}

int64_t viewer_load::live_sessions() const {
  return std::count_if(viewers_.begin(), viewers_.end(),
                       [](const viewer& v) { return !v.session_id.empty(); });
}

double viewer_load::run() {
  const auto t0 = clock_type::now();
  const auto deadline = t0 + std::chrono::duration_cast<clock_type::duration>(
                               std::chrono::duration<double>(opts_.seconds));
  const auto interval = std::chrono::milliseconds(opts_.heartbeat_ms);
  const double bytes_per_us = static_cast<double>(opts_.range_kbps) * 125.0 / 1e6;
  std::vector<std::thread> threads;
  std::mutex mtx;
  auto n = std::max(1, std::min<int>(opts_.connections,
                                     static_cast<int>(viewers_.size())));
  for (int t = 0; t < n; ++t)
    threads.emplace_back([&, t] {
      timed_client c{opts_};
      std::vector<viewer*> mine;
      for (size_t i = static_cast<size_t>(t); i < viewers_.size();
           i += static_cast<size_t>(n))
        if (!viewers_[i].session_id.empty())
          mine.push_back(&viewers_[i]);
      auto heartbeat = [&](viewer& v) {
        auto pos = static_cast<double>(micros_since(v.started)) / 1e6;
        auto s = c.post("heartbeat", "/api/sessions/" + v.session_id + "/heartbeat",
                        bearer(v.token),
                        {{"position_s", pos}, {"playing", true}, {"seq", ++v.seq}});
        if (s.is_object() && s.contains("stream_url"))
          v.stream_path = s["stream_url"].get<std::string>();
        v.next_heartbeat += interval;
      };
      // A player fetches the next part once its buffer is used up.
      auto range_due = [&](const viewer& v) {
        return bytes_per_us > 0
               && bytes_per_us * static_cast<double>(micros_since(v.started))
                    >= static_cast<double>(v.range_bytes_read);
      };
      auto read_range = [&](viewer& v) {
        auto first = v.file_size > 0 ? v.range_offset % v.file_size : 0;
        auto range = "bytes=" + std::to_string(first) + "-"
                     + std::to_string(first + opts_.range_bytes - 1);
        auto t0 = clock_type::now();
        auto res = c.http.Get(v.stream_path.c_str(), {{"Range", range}});
        int status = res ? res->status : 0;
        int64_t got = res ? static_cast<int64_t>(res->body.size()) : 0;
        c.stats["range"].record(status, micros_since(t0), got);
        if (res && status == 206) {
          auto cr = res->get_header_value("Content-Range");
          auto slash = cr.rfind('/');
          if (slash != std::string::npos)
            v.file_size = std::stoll(cr.substr(slash + 1));
        }
        v.range_offset = first + opts_.range_bytes;
        v.range_bytes_read += std::max<int64_t>(got, opts_.range_bytes);
      };
      while (!mine.empty() && clock_type::now() < deadline) {
        auto next = deadline;
        bool busy = false;
        for (auto* v : mine) {
          if (clock_type::now() >= deadline)
            break;
          if (range_due(*v)) {
            read_range(*v);
            busy = true;
          }
          if (opts_.heartbeat_ms == 0 || clock_type::now() >= v->next_heartbeat) {
            heartbeat(*v);
            busy = true;
          }
          next = std::min(next, v->next_heartbeat);
        }
        if (!busy && bytes_per_us == 0)
          std::this_thread::sleep_until(std::min(next, deadline));
        else if (!busy)
          std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
      std::lock_guard<std::mutex> guard{mtx};
      merge(c.stats);
    });
  for (auto& th : threads)
    th.join();
  return static_cast<double>(micros_since(t0)) / 1e6;
}

void viewer_load::finish() {
  if (!opts_.end_sessions)
    return;
  on_threads([&](timed_client& c, viewer& v) {
    if (!v.session_id.empty())
      c.post("end", "/api/sessions/" + v.session_id + "/end", bearer(v.token),
             nlohmann::json::object());
  });
}

} // namespace streamify::bench
