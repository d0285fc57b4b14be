#include "actors/analytics/day_rules.hpp"

#include <cstdio>
#include <map>

namespace streamify::analytics {

namespace {

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t z, int64_t& y, int64_t& m, int64_t& d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp + (mp < 10 ? 3 : -9);
  y = yoe + era * 400 + (m <= 2);
}

bool digits(const std::string& s, size_t from, size_t count, int64_t& out) {
  out = 0;
  for (size_t i = from; i < from + count; ++i) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

} // namespace

std::optional<int64_t> parse_day(const std::string& text) {
  int64_t y, m, d;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-'
      || !digits(text, 0, 4, y) || !digits(text, 5, 2, m)
      || !digits(text, 8, 2, d) || y < 1970 || m < 1 || m > 12 || d < 1)
    return std::nullopt;
  auto day = days_from_civil(y, m, d);
  if (format_day(day) != text) // 2026-02-30 and the like
    return std::nullopt;
  return day;
}

std::string format_day(int64_t day) {
  int64_t y, m, d;
  civil_from_days(day, y, m, d);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04lld-%02lld-%02lld",
                static_cast<long long>(y), static_cast<long long>(m),
                static_cast<long long>(d));
  return buf;
}

std::optional<persistence::day_range>
parse_range(const std::string& from, const std::string& to, int64_t today,
            std::string& error) {
  persistence::day_range range{today, today};
  if (!to.empty()) {
    auto day = parse_day(to);
    if (!day) {
      error = "to must be a date YYYY-MM-DD";
      return std::nullopt;
    }
    range.to_day = *day;
  }
  range.from_day = range.to_day - 29;
  if (!from.empty()) {
    auto day = parse_day(from);
    if (!day) {
      error = "from must be a date YYYY-MM-DD";
      return std::nullopt;
    }
    range.from_day = *day;
  }
  if (range.from_day > range.to_day) {
    error = "from must not be after to";
    return std::nullopt;
  }
  if (range.to_day - range.from_day + 1 > max_range_days) {
    error = "a range covers at most " + std::to_string(max_range_days)
            + " days";
    return std::nullopt;
  }
  return range;
}

std::vector<persistence::day_totals>
every_day(const std::vector<persistence::day_totals>& sparse,
          persistence::day_range range) {
  std::map<int64_t, persistence::activity_totals> by_day;
  for (const auto& d : sparse)
    by_day[d.day] = d.totals;
  std::vector<persistence::day_totals> out;
  for (auto day = range.from_day; day <= range.to_day; ++day)
    out.push_back({day, by_day[day]});
  return out;
}

} // namespace streamify::analytics
