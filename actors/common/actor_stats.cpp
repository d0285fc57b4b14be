#include "actors/common/actor_stats.hpp"

namespace streamify {

actor_stats::handle& actor_stats::handle::operator=(handle&& other) noexcept {
  if (this != &other) {
    if (table_)
      table_->remove(key_);
    table_ = other.table_;
    key_ = other.key_;
    entry_ = std::move(other.entry_);
    other.table_ = nullptr;
  }
  return *this;
}

actor_stats::handle::~handle() {
  if (table_ && entry_)
    table_->remove(key_);
}

void actor_stats::handle::record(size_t mailbox_size) {
  if (!entry_)
    return;
  entry_->mailbox.store(static_cast<int64_t>(mailbox_size),
                        std::memory_order_relaxed);
  entry_->handled.fetch_add(1, std::memory_order_relaxed);
  entry_->sampled_at_ns.store(now_ns(), std::memory_order_relaxed);
}

void actor_stats::handle::label(const std::string& key,
                                const std::string& value) {
  if (!entry_)
    return;
  std::lock_guard<std::mutex> guard{entry_->labels_mutex};
  entry_->labels[key] = value;
}

actor_stats::handle actor_stats::enroll(std::string kind, std::string id) {
  auto e = std::make_shared<entry>();
  e->kind = std::move(kind);
  e->id = std::move(id);
  e->sampled_at_ns = now_ns();
  std::lock_guard<std::mutex> guard{mutex_};
  auto key = next_key_++;
  entries_.emplace(key, e);
  return handle{this, key, std::move(e)};
}

std::vector<actor_sample> actor_stats::samples() const {
  std::vector<std::shared_ptr<entry>> copy;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    copy.reserve(entries_.size());
    for (const auto& [key, e] : entries_)
      copy.push_back(e);
  }
  auto now = now_ns();
  std::vector<actor_sample> out;
  out.reserve(copy.size());
  for (const auto& e : copy) {
    actor_sample s;
    s.kind = e->kind;
    s.id = e->id;
    s.mailbox = e->mailbox.load(std::memory_order_relaxed);
    s.handled = e->handled.load(std::memory_order_relaxed);
    s.age_ms = (now - e->sampled_at_ns.load(std::memory_order_relaxed))
               / 1'000'000;
    {
      std::lock_guard<std::mutex> guard{e->labels_mutex};
      s.labels = e->labels;
    }
    out.push_back(std::move(s));
  }
  return out;
}

bool actor_stats::contains(const std::string& kind,
                           const std::string& id) const {
  std::lock_guard<std::mutex> guard{mutex_};
  for (const auto& [key, e] : entries_)
    if (e->id == id && e->kind == kind)
      return true;
  return false;
}

size_t actor_stats::size() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return entries_.size();
}

actor_stats& actor_stats::node() {
  static actor_stats table;
  return table;
}

void actor_stats::remove(uint64_t key) {
  std::lock_guard<std::mutex> guard{mutex_};
  entries_.erase(key);
}

int64_t actor_stats::now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::steady_clock::now().time_since_epoch())
    .count();
}

} // namespace streamify
