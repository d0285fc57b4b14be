#pragma once

#include <string>

namespace streamify {

// 128 random bits as 32 lowercase hex characters: ids nobody can guess.
std::string random_id();

// ISO 8601 UTC with milliseconds, e.g. 2026-11-27T04:43:00.123Z.
std::string format_utc(int64_t epoch_ms);

// Lowercase ASCII copy (emails compare case-insensitively).
std::string ascii_lower(std::string s);

} // namespace streamify
