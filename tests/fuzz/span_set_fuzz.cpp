// span_set::decode on any text (the stored paid window): what decodes
// encodes back to the same text, its spans are ordered, disjoint and
// non-empty, and the total is their sum.
#include <cstdint>
#include <string>

#include "actors/streaming/paid_window.hpp"
#include "tests/fuzz/fuzz_require.hpp"

using streamify::streaming::span_set;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto set = span_set::decode(text);
  if (!set)
    return 0;
  FUZZ_REQUIRE(set->encode() == text);
  int64_t total = 0;
  int64_t last_end = -1;
  for (const auto& s : set->spans()) {
    FUZZ_REQUIRE(s.begin_ms > last_end && s.end_ms > s.begin_ms);
    total += s.length();
    last_end = s.end_ms;
  }
  FUZZ_REQUIRE(total == set->total_ms());
  return 0;
}
