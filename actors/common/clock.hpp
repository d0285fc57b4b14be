#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace streamify {

// Wall-clock time for domain rules (token expiry, timestamps). Injected into
// actors so tests can move time by hand.
class clock {
public:
  virtual ~clock() = default;
  virtual int64_t now_ms() const = 0;
  int64_t now_s() const { return now_ms() / 1000; }
};

class system_clock final : public clock {
public:
  int64_t now_ms() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock_t::now().time_since_epoch())
      .count();
  }

private:
  using system_clock_t = std::chrono::system_clock;
};

class manual_clock final : public clock {
public:
  explicit manual_clock(int64_t start_ms) : now_(start_ms) {}
  int64_t now_ms() const override { return now_.load(); }
  void advance_ms(int64_t ms) { now_ += ms; }

private:
  std::atomic<int64_t> now_;
};

} // namespace streamify
