#pragma once

#include <caf/fwd.hpp>

namespace streamify {

// Registers every message type that may cross nodes and the error category.
// Call on each process before its actor_system exists.
void add_message_types(caf::actor_system_config& cfg);

} // namespace streamify
