#pragma once

#include <string>

namespace streamify::gateway {

// docs/openapi.yaml as JSON, converted at build time (cmake/openapi_embed.py).
const std::string& openapi_json();

} // namespace streamify::gateway
