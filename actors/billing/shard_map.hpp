#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace streamify::billing {

// The billing nodes wallets are spread over, each by the name the cluster
// knows it under ("host:port"). A user's wallet lives on the node whose name
// scores highest with the user id (rendezvous hashing): every node computes
// the same owner from the same names in any order, and adding or removing a
// node moves only the wallets that node gains or loses.
class shard_map {
public:
  // One unnamed shard: every wallet lives here.
  shard_map();
  // Sorted and without repeats; at least one name.
  explicit shard_map(std::vector<std::string> names);

  size_t size() const { return names_.size(); }
  const std::string& name(size_t index) const { return names_[index]; }
  // The index of `name`, or size() when it is not one of the shards.
  size_t index_of(std::string_view name) const;
  size_t owner(std::string_view user_id) const;

private:
  std::vector<std::string> names_;
};

} // namespace streamify::billing
