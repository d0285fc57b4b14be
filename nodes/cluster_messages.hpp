#pragma once

#include <caf/atom.hpp>

namespace streamify::node {

// (locate_atom, std::string role) -> caf::actor: asked of a node's published
// role_host for one of the roles it hosts.
using locate_atom = caf::atom_constant<caf::atom("locate")>;
// A role_locator's own timer: try to (re)acquire its role now.
using reacquire_atom = caf::atom_constant<caf::atom("reacquire")>;

} // namespace streamify::node
