#include "gateway/media_playlist.hpp"

#include <string_view>

namespace streamify::gateway {

namespace {

constexpr std::string_view extinf = "#EXTINF:";
constexpr std::string_view ext_map = "#EXT-X-MAP:";

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// "4.000000," or "4," or "3.5" in microseconds; at most 6 decimals count.
// Durations beyond a day are refused.
std::optional<int64_t> duration_us(std::string_view text) {
  auto comma = text.find(',');
  auto number = text.substr(0, comma);
  int64_t whole = 0;
  size_t i = 0;
  for (; i < number.size() && number[i] >= '0' && number[i] <= '9'; ++i) {
    whole = whole * 10 + (number[i] - '0');
    if (whole > 86'400)
      return std::nullopt;
  }
  if (i == 0)
    return std::nullopt;
  int64_t fraction = 0;
  int64_t scale = 1'000'000;
  if (i < number.size() && number[i] == '.') {
    for (++i; i < number.size() && number[i] >= '0' && number[i] <= '9'; ++i)
      if (scale > 1) {
        scale /= 10;
        fraction += (number[i] - '0') * scale;
      }
  }
  if (i != number.size())
    return std::nullopt;
  return whole * 1'000'000 + fraction;
}

// URI="..." inside an attribute list.
std::string quoted_uri(std::string_view attributes) {
  auto at = attributes.find("URI=\"");
  if (at == std::string_view::npos)
    return {};
  at += 5;
  auto end = attributes.find('"', at);
  if (end == std::string_view::npos)
    return {};
  return std::string{attributes.substr(at, end - at)};
}

} // namespace

const media_segment* media_playlist::find(const std::string& uri) const {
  for (const auto& s : segments)
    if (s.uri == uri)
      return &s;
  return nullptr;
}

std::optional<media_playlist> parse_media_playlist(const std::string& text) {
  media_playlist out;
  std::string_view rest{text};
  bool first = true;
  int64_t pending_us = -1; // an EXTINF's duration waiting for its URI
  int64_t elapsed_us = 0;
  while (!rest.empty()) {
    auto eol = rest.find('\n');
    auto line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view{}
                                         : rest.substr(eol + 1);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (first) {
      if (line != "#EXTM3U")
        return std::nullopt;
      first = false;
      continue;
    }
    if (line.empty())
      continue;
    if (starts_with(line, extinf)) {
      auto duration = duration_us(line.substr(extinf.size()));
      if (pending_us >= 0 || !duration)
        return std::nullopt;
      pending_us = *duration;
    } else if (starts_with(line, ext_map)) {
      out.init_uri = quoted_uri(line.substr(ext_map.size()));
    } else if (line.front() != '#') {
      if (pending_us < 0)
        return std::nullopt;
      auto begin_ms = elapsed_us / 1000;
      elapsed_us += pending_us;
      out.segments.push_back({std::string{line}, begin_ms, elapsed_us / 1000});
      pending_us = -1;
    }
  }
  if (first || pending_us >= 0)
    return std::nullopt;
  return out;
}

} // namespace streamify::gateway
