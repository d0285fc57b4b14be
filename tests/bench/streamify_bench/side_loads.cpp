#include "tests/bench/streamify_bench/side_loads.hpp"

#include <random>

#include <httplib.h>

#include "actors/common/ids.hpp"

namespace streamify::bench {

namespace {

constexpr const char* login_password = "bench login password";
constexpr int login_threads = 32; // logins in flight at most

int64_t micros_since(clock_type::time_point t0) {
  return std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now()
                                                               - t0)
    .count();
}

httplib::Client make_client(const std::string& host, int port) {
  httplib::Client c{host, port};
  c.set_keep_alive(true);
  c.set_tcp_nodelay(true); // headers and body go out as two writes
  c.set_connection_timeout(10);
  c.set_read_timeout(30);
  return c;
}

} // namespace

op_stats reference_load(const std::string& host, int port,
                        const std::string& path, int connections,
                        double seconds, int64_t range_bytes) {
  std::vector<op_stats> parts(static_cast<size_t>(connections));
  std::vector<std::thread> threads;
  auto deadline = clock_type::now()
                  + std::chrono::duration_cast<clock_type::duration>(
                    std::chrono::duration<double>(seconds));
  for (int t = 0; t < connections; ++t)
    threads.emplace_back([&, t] {
      auto c = make_client(host, port);
      auto& stats = parts[static_cast<size_t>(t)];
      std::mt19937_64 rng{static_cast<uint64_t>(t) + 1};
      int64_t size = -1;
      while (clock_type::now() < deadline) {
        httplib::Headers headers;
        if (range_bytes > 0) {
          auto span = size > range_bytes ? size - range_bytes : 1;
          auto first = static_cast<int64_t>(rng() % static_cast<uint64_t>(span));
          headers.emplace("Range", "bytes=" + std::to_string(first) + "-"
                                     + std::to_string(first + range_bytes - 1));
        }
        auto t0 = clock_type::now();
        auto res = c.Get(path.c_str(), headers);
        int64_t got = res ? static_cast<int64_t>(res->body.size()) : 0;
        stats.record(res ? res->status : 0, micros_since(t0), got);
        if (res && res->status == 206) {
          auto cr = res->get_header_value("Content-Range");
          auto slash = cr.rfind('/');
          if (slash != std::string::npos)
            size = std::stoll(cr.substr(slash + 1));
        }
      }
    });
  for (auto& th : threads)
    th.join();
  op_stats all;
  for (const auto& p : parts)
    all.merge(p);
  return all;
}

login_load::login_load(const load_options& opts, double per_second)
  : opts_(opts), per_second_(per_second) {
}

login_load::~login_load() {
  int64_t ignored = 0;
  if (!threads_.empty())
    stop(ignored);
}

void login_load::start() {
  auto c = make_client(opts_.host, opts_.port);
  auto run = random_id().substr(0, 10);
  for (int i = 0; i < 8; ++i) {
    auto email = "bench-login-" + run + "-" + std::to_string(i) + "@example.com";
    nlohmann::json body{{"email", email}, {"password", login_password},
                        {"display_name", "Bench login"}, {"role", "viewer"}};
    auto res = c.Post("/api/auth/register", body.dump(), "application/json");
    if (res && res->status == 201)
      emails_.push_back(email);
  }
  if (emails_.empty())
    return;
  parts_.resize(login_threads);
  started_ = clock_type::now();
  auto period = std::chrono::duration_cast<clock_type::duration>(
    std::chrono::duration<double>(login_threads / per_second_));
  for (int t = 0; t < login_threads; ++t)
    threads_.emplace_back([this, t, period] {
      auto client = make_client(opts_.host, opts_.port);
      auto& stats = parts_[static_cast<size_t>(t)];
      const auto& email = emails_[static_cast<size_t>(t) % emails_.size()];
      nlohmann::json body{{"email", email}, {"password", login_password}};
      auto next = clock_type::now() + period * t / login_threads;
      while (!stop_) {
        std::this_thread::sleep_until(next);
        // A tick missed while this client waited is not sent late.
        while (next <= clock_type::now())
          next += period;
        if (stop_)
          break;
        auto t0 = clock_type::now();
        auto res = client.Post("/api/auth/login", body.dump(), "application/json");
        stats.record(res ? res->status : 0, micros_since(t0));
      }
    });
}

op_stats login_load::stop(int64_t& offered) {
  stop_ = true;
  // Open loop: what the schedule offered, whether or not a client was free.
  offered = static_cast<int64_t>(
    per_second_ * std::chrono::duration<double>(clock_type::now() - started_).count());
  for (auto& th : threads_)
    th.join();
  threads_.clear();
  op_stats all;
  for (const auto& p : parts_)
    all.merge(p);
  return all;
}

} // namespace streamify::bench
