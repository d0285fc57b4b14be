#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_cast.hpp>

namespace streamify::gateway {

// Where each role lives, as the gateway sees it: one handle per role name,
// local or remote. The node fills it; routes only read it.
class directory {
public:
  explicit directory(std::vector<std::string> configured)
    : configured_(std::move(configured)) {
  }

  void set(const std::string& role, caf::actor handle) {
    std::lock_guard<std::mutex> guard{mtx_};
    handles_[role] = std::move(handle);
  }

  // An invalid handle when the role is not (yet) reachable.
  template <class Handle = caf::actor>
  Handle get(const std::string& role) const {
    std::lock_guard<std::mutex> guard{mtx_};
    auto i = handles_.find(role);
    if (i == handles_.end())
      return Handle{};
    return caf::actor_cast<Handle>(i->second);
  }

  const std::vector<std::string>& configured() const { return configured_; }

private:
  std::vector<std::string> configured_;
  mutable std::mutex mtx_;
  std::map<std::string, caf::actor> handles_;
};

} // namespace streamify::gateway
