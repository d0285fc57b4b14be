#pragma once

#include <cstdint>
#include <string>

namespace streamify::gateway {

// What to send for a Range header (empty when absent) on a file of `size`
// bytes, at most `cap` bytes per response. status 200: the whole file;
// 206: bytes [first, first + length) of it; 416: nothing (unsatisfiable,
// malformed, or more than one range).
struct range_plan {
  int status = 200;
  int64_t first = 0;
  int64_t length = 0;
};

range_plan plan_range(const std::string& header, int64_t size, int64_t cap);

// "bytes first-last/size" for a 206, "bytes */size" for a 416.
std::string content_range(const range_plan& plan, int64_t size);

} // namespace streamify::gateway
