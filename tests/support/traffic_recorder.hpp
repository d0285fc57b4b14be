#pragma once

#include <string>

#include <httplib.h>

namespace streamify::test {

// When STREAMIFY_TEST_RECORD names a file, appends one JSON line per HTTP
// exchange to it: {source, method, path, status, content_type, body} (body:
// the parsed JSON for a JSON response, else null; an unparsable JSON body goes
// to body_text). tests/openapi checks every line against docs/openapi.yaml.
void record_exchange(const std::string& method, const std::string& path,
                     const httplib::Response& res);

} // namespace streamify::test
