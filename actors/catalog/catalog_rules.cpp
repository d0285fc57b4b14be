#include "actors/catalog/catalog_rules.hpp"

#include <algorithm>
#include <cctype>

namespace streamify::catalog {

namespace {

size_t code_points(const std::string& s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

bool has_nul(const std::string& s) {
  return s.find('\0') != std::string::npos;
}

} // namespace

bool valid_utf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t extra;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= s.size())
      return false;
    for (size_t k = 1; k <= extra; ++k) {
      auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80)
        return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    static const uint32_t min_cp[] = {0, 0x80, 0x800, 0x10000};
    if (cp < min_cp[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += extra + 1;
  }
  return true;
}

std::string check_title(const std::string& title) {
  if (!valid_utf8(title) || has_nul(title))
    return "title must be UTF-8 text without NUL characters";
  auto n = code_points(title);
  if (n < 1 || n > 200)
    return "title must be 1 to 200 characters";
  return {};
}

std::string check_description(const std::string& description) {
  if (!valid_utf8(description) || has_nul(description))
    return "description must be UTF-8 text without NUL characters";
  if (code_points(description) > 5000)
    return "description must be at most 5000 characters";
  return {};
}

std::string check_price(int64_t cents) {
  if (cents < 0 || cents > 100000)
    return "price_per_minute_cents must be an integer from 0 to 100000";
  return {};
}

std::string check_category(std::string& category,
                           const std::vector<std::string>& allowed) {
  if (category.empty())
    category = "general";
  if (std::find(allowed.begin(), allowed.end(), category) != allowed.end())
    return {};
  std::string names;
  for (const auto& a : allowed)
    names += (names.empty() ? "" : ", ") + a;
  return "category must be one of: " + names;
}

std::string check_sort(const std::string& sort) {
  if (sort == "new" || sort == "popular" || sort == "price_asc"
      || sort == "price_desc")
    return {};
  return "sort must be new, popular, price_asc or price_desc";
}

int64_t sort_value(const video_info& video, const std::string& sort) {
  if (sort == "popular")
    return video.views;
  if (sort == "price_asc" || sort == "price_desc")
    return video.price_per_minute_cents;
  return video.created_at_ms;
}

std::string make_cursor(const std::string& sort, const video_info& last) {
  return sort + "." + std::to_string(sort_value(last, sort)) + "." + last.id;
}

bool parse_cursor(const std::string& cursor, const std::string& sort,
                  int64_t& value, std::string& id) {
  if (cursor.compare(0, sort.size() + 1, sort + ".") != 0)
    return false;
  auto rest = cursor.substr(sort.size() + 1);
  auto dot = rest.find('.');
  if (dot == std::string::npos || dot == 0 || dot > 19)
    return false;
  auto number = rest.substr(0, dot);
  if (!std::all_of(number.begin(), number.end(),
                   [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  id = rest.substr(dot + 1);
  if (id.empty() || id.size() > 64
      || !std::all_of(id.begin(), id.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '_'
                  || c == '-';
         }))
    return false;
  value = std::stoll(number);
  return true;
}

std::string thumbnail_name(const std::string& video_id) {
  return video_id + ".jpg";
}

storage_paths storage_under(const std::string& data_dir) {
  return {data_dir + "/videos", data_dir + "/thumbnails"};
}

std::string hls_dir(const storage_paths& paths, const std::string& video_id) {
  return paths.videos_dir + "/hls/" + video_id;
}

} // namespace streamify::catalog
