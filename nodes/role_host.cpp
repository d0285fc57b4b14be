#include "nodes/role_host.hpp"

#include "actors/common/errc.hpp"
#include "nodes/cluster_messages.hpp"

namespace streamify::node {

caf::behavior role_host(caf::event_based_actor*,
                        std::map<std::string, caf::actor> roles) {
  return {
    [roles](locate_atom, const std::string& role) -> caf::result<caf::actor> {
      auto i = roles.find(role);
      if (i == roles.end())
        return fail(errc::not_found, "role_not_hosted",
                    "this node does not host " + role);
      return i->second;
    },
  };
}

} // namespace streamify::node
