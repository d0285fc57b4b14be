// plan_range on any header, file size and cap: a 206 lies within the file and
// within the cap, a 200 is the whole file, anything else is a 416.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "gateway/byte_range.hpp"
#include "tests/fuzz/fuzz_require.hpp"

using streamify::gateway::content_range;
using streamify::gateway::plan_range;

namespace {

int64_t take_int(const uint8_t*& data, size_t& size, int64_t modulo) {
  uint64_t v = 0;
  auto n = std::min<size_t>(size, 8);
  std::memcpy(&v, data, n);
  data += n;
  size -= n;
  return static_cast<int64_t>(v % static_cast<uint64_t>(modulo));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto file_size = take_int(data, size, int64_t{1} << 50);
  auto cap = 1 + take_int(data, size, int64_t{1} << 30);
  std::string header(reinterpret_cast<const char*>(data), size);
  auto plan = plan_range(header, file_size, cap);
  auto text = content_range(plan, file_size);
  switch (plan.status) {
    case 200:
      FUZZ_REQUIRE(header.empty() && plan.first == 0 && plan.length == file_size
              && file_size <= cap);
      break;
    case 206:
      FUZZ_REQUIRE(plan.first >= 0 && plan.first < file_size && plan.length >= 1
              && plan.length <= cap && plan.first + plan.length <= file_size);
      FUZZ_REQUIRE(text.rfind("bytes " + std::to_string(plan.first) + "-", 0) == 0);
      break;
    case 416:
      FUZZ_REQUIRE(!header.empty() && plan.length == 0 && text.rfind("bytes */", 0) == 0);
      break;
    default:
      FUZZ_REQUIRE(false);
  }
  if (header.find(',') != std::string::npos)
    FUZZ_REQUIRE(plan.status == 416);
  return 0;
}
