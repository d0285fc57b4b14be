#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <utility>
#include <vector>

#include <caf/error.hpp>
#include <caf/result.hpp>
#include <caf/timespan.hpp>

namespace streamify {

// A role's detached workers behind one bounded queue: each worker does one
// job at a time, a job waits for an idle worker, and beyond `queue_limit`
// waiting jobs the role refuses at once (503) instead of queueing without
// end. Lives in the role actor's state; only that actor touches it.
template <class Worker>
class worker_pool {
public:
  using job = std::function<void(const Worker&)>;

  worker_pool() = default;
  worker_pool(std::vector<Worker> workers, size_t queue_limit)
    : workers_(workers), idle_(std::move(workers)), queue_limit_(queue_limit) {
  }

  const std::vector<Worker>& workers() const { return workers_; }
  bool empty() const { return workers_.empty(); }

  // No room for another waiting job.
  bool full() const { return queue_.size() >= queue_limit_; }

  // Queues a job; it runs as soon as a worker is idle. The job hands the
  // worker back with `release` once the worker answered.
  void submit(job j) {
    queue_.push_back(std::move(j));
    dispatch();
  }

  void release(const Worker& w) {
    idle_.push_back(w);
    dispatch();
  }

  int64_t queued() const { return static_cast<int64_t>(queue_.size()); }
  int64_t busy() const {
    return static_cast<int64_t>(workers_.size() - idle_.size());
  }

private:
  void dispatch() {
    while (!idle_.empty() && !queue_.empty()) {
      auto worker = idle_.back();
      idle_.pop_back();
      auto j = std::move(queue_.front());
      queue_.pop_front();
      j(worker);
    }
  }

  std::vector<Worker> workers_;
  std::vector<Worker> idle_;
  std::deque<job> queue_;
  size_t queue_limit_ = 0;
};

// Asks a worker of `pool` (in `self`'s state) with `xs...` and answers the
// caller with `done(answer)`, or with the worker's error. The caller checks
// `pool.full()` first and answers its role's overload error.
template <class Out, class In, class Self, class Worker, class... Ts>
caf::result<Out> ask_worker(Self* self, worker_pool<Worker>& pool,
                            caf::timespan timeout,
                            std::function<Out(In&)> done, Ts... xs) {
  auto rp = self->template make_response_promise<Out>();
  auto* p = &pool;
  pool.submit([self, p, rp, timeout, done, xs...](const Worker& w) {
    self->request(w, timeout, xs...)
      .then(
        [p, w, rp, done](In& answer) mutable {
          rp.deliver(done(answer));
          p->release(w);
        },
        [p, w, rp](caf::error& err) mutable {
          rp.deliver(std::move(err));
          p->release(w);
        });
  });
  return rp;
}

} // namespace streamify
