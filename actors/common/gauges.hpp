#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

namespace streamify {

// What an actor reports to /metrics: name → value.
using gauge_map = std::map<std::string, int64_t>;

// How the values of several actors of one kind combine into the role's.
enum class gauge_merge { sum, max };

// One statistic, declared once: its name on /metrics, the counter behind it
// and how several actors' values combine.
template <class Counters>
struct gauge {
  const char* name;
  int64_t Counters::*field;
  gauge_merge merge = gauge_merge::sum;
};

template <class Counters, size_t N>
gauge_map to_gauges(const Counters& c, const gauge<Counters> (&list)[N]) {
  gauge_map out;
  for (const auto& g : list)
    out[g.name] = c.*(g.field);
  return out;
}

// Adds one actor's gauges to the role's, each by its rule.
template <class Counters, size_t N>
void merge_gauges(gauge_map& into, const gauge_map& from,
                  const gauge<Counters> (&list)[N]) {
  for (const auto& g : list) {
    auto i = from.find(g.name);
    if (i == from.end())
      continue;
    auto& x = into[g.name];
    x = g.merge == gauge_merge::max ? std::max(x, i->second) : x + i->second;
  }
}

} // namespace streamify
