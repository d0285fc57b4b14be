#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>

namespace streamify {

using status_atom = caf::atom_constant<caf::atom("status")>;
// Asks a role's worker whether its store answers (the role's readiness).
using ping_atom = caf::atom_constant<caf::atom("ping")>;

// What every role answers to `status`: readiness for /health/ready and the
// gauges it exports to /metrics.
struct role_status {
  std::string role;
  bool ready = false;
  std::string detail;
  std::map<std::string, int64_t> gauges;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, role_status& x) {
  return f(caf::meta::type_name("role_status"), x.role, x.ready, x.detail,
           x.gauges);
}

} // namespace streamify
