#include "nodes/admin_endpoint.hpp"

namespace streamify::node {

const char* build_id() {
  return STREAMIFY_BUILD_ID;
}

} // namespace streamify::node
