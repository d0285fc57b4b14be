#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "persistence/analytics/analytics_store.hpp"

// Report ranges of the analytics API: inclusive UTC days written YYYY-MM-DD.
namespace streamify::analytics {

constexpr int64_t max_range_days = 366;

// Days since 1970-01-01 of a real calendar date in YYYY-MM-DD (years
// 1970-9999); nothing for anything else.
std::optional<int64_t> parse_day(const std::string& text);

std::string format_day(int64_t day);

// The range of `from`/`to` (either may be empty: `to` defaults to today,
// `from` to 29 days before `to`), or an error text: a malformed date, from
// after to, or more than max_range_days days.
std::optional<persistence::day_range>
parse_range(const std::string& from, const std::string& to, int64_t today,
            std::string& error);

// Every day of the range in order, the days missing from `sparse` as zeros.
std::vector<persistence::day_totals>
every_day(const std::vector<persistence::day_totals>& sparse,
          persistence::day_range range);

} // namespace streamify::analytics
