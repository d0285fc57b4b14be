#include "tests/chaos/charging_client.hpp"

#include <chrono>
#include <numeric>

#include "tests/integration/session_support.hpp"

namespace streamify::test {

using nlohmann::json;

std::vector<viewed_session> start_sessions(test_node& node,
                                           const std::string& video, int count,
                                           int64_t cents) {
  std::vector<viewed_session> out;
  for (int i = 0; i < count; ++i) {
    auto w = watch(node, video, cents);
    out.push_back({w.viewer, w.session});
  }
  return out;
}

charging_client::charging_client(test_node& node,
                                 std::vector<viewed_session> sessions,
                                 int threads)
  : node_(node), sessions_(std::move(sessions)) {
  for (const auto& s : sessions_) {
    acknowledged_[s.id] = 0;
    next_seq_[s.id] = 1;
  }
  for (int t = 0; t < threads; ++t)
    threads_.emplace_back(
      [this, t, threads] { run(static_cast<size_t>(t), threads); });
}

charging_client::~charging_client() {
  stop();
}

void charging_client::stop() {
  stop_ = true;
  for (auto& t : threads_)
    if (t.joinable())
      t.join();
}

void charging_client::run(size_t first, size_t step) {
  while (!stop_) {
    for (size_t i = first; i < sessions_.size() && !stop_; i += step) {
      const auto& s = sessions_[i];
      int64_t seq = 0;
      {
        std::lock_guard<std::mutex> guard{mtx_};
        seq = next_seq_[s.id]++;
      }
      // Billing follows the wall clock while playing; the position stays
      // inside the clip so the session never reaches its end.
      json body{{"position_s", 1.0}, {"playing", true}, {"seq", seq}};
      auto r = node_.post("/api/sessions/" + s.id + "/heartbeat", body,
                          s.token);
      std::lock_guard<std::mutex> guard{mtx_};
      ++statuses_[r.status];
      if (r.status == 200 && r.body.is_object()) {
        auto paid = r.body.value("minutes_paid", int64_t{0});
        acknowledged_[s.id] = std::max(acknowledged_[s.id], paid);
      }
    }
    for (int i = 0; i < 3 && !stop_; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

std::map<std::string, int64_t> charging_client::acknowledged() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return acknowledged_;
}

int64_t charging_client::acknowledged_total() const {
  auto all = acknowledged();
  return std::accumulate(all.begin(), all.end(), int64_t{0},
                         [](int64_t sum, const auto& kv) {
                           return sum + kv.second;
                         });
}

std::map<int, int> charging_client::statuses() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return statuses_;
}

void charging_client::reset_statuses() {
  std::lock_guard<std::mutex> guard{mtx_};
  statuses_.clear();
}

} // namespace streamify::test
