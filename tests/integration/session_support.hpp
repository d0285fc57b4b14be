#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "tests/integration/shared_node.hpp"

// Helpers of the session tests (sessions and their stream endpoint): a node
// with a 2 s minute, money, and an uploaded sample video.
namespace streamify::test {

test_node& session_node();
std::string token_of(const nlohmann::json& account);
// The catalog and billing routes answer 401 without a token when present.
bool money_and_videos(test_node& node);
std::string key();
void deposit(test_node& node, const std::string& token, int64_t cents);
int64_t balance(test_node& node, const std::string& token);
// A 20 s ffmpeg testsrc MP4 made at first use; its path.
const std::string& sample_video();
// Uploads a video file (the sample by default) at this price and waits until
// it is ready.
std::string upload(test_node& node, const std::string& token, int64_t price,
                   const std::string& file = sample_video());
http_reply beat(test_node& node, const std::string& token,
                const std::string& session, double position, bool playing,
                std::optional<int64_t> seq = std::nullopt);
void sleep_ms(int ms);

} // namespace streamify::test
