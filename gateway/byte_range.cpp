#include "gateway/byte_range.hpp"

#include <algorithm>
#include <optional>

namespace streamify::gateway {

namespace {

constexpr size_t max_digits = 18; // stays below INT64_MAX

std::optional<int64_t> parse_number(const std::string& s) {
  if (s.empty() || s.size() > max_digits
      || s.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoll(s);
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos)
    return {};
  auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

range_plan unsatisfiable() {
  return {416, 0, 0};
}

} // namespace

range_plan plan_range(const std::string& header, int64_t size, int64_t cap) {
  if (header.empty()) {
    if (size <= cap)
      return {200, 0, size};
    return {206, 0, cap};
  }
  const std::string unit = "bytes=";
  if (header.compare(0, unit.size(), unit) != 0)
    return unsatisfiable();
  auto spec = trim(header.substr(unit.size()));
  auto dash = spec.find('-');
  if (dash == std::string::npos || spec.find(',') != std::string::npos)
    return unsatisfiable();
  auto first_text = trim(spec.substr(0, dash));
  auto last_text = trim(spec.substr(dash + 1));
  int64_t first = 0;
  int64_t last = size - 1;
  if (first_text.empty()) {
    auto suffix = parse_number(last_text);
    if (!suffix || *suffix == 0)
      return unsatisfiable();
    first = std::max<int64_t>(0, size - *suffix);
  } else {
    auto a = parse_number(first_text);
    if (!a)
      return unsatisfiable();
    first = *a;
    if (!last_text.empty()) {
      auto b = parse_number(last_text);
      if (!b || *b < first)
        return unsatisfiable();
      last = std::min(*b, size - 1);
    }
  }
  if (size == 0 || first >= size)
    return unsatisfiable();
  return {206, first, std::min(last - first + 1, cap)};
}

std::string content_range(const range_plan& plan, int64_t size) {
  if (plan.status == 416)
    return "bytes */" + std::to_string(size);
  return "bytes " + std::to_string(plan.first) + "-"
         + std::to_string(plan.first + plan.length - 1) + "/"
         + std::to_string(size);
}

} // namespace streamify::gateway
