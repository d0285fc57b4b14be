#pragma once

#include <chrono>
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
constexpr double sample_duration_s = 20;
const std::string& sample_video();
// About 16 MB of lossless noise (1 s): larger than one 8 MiB response.
const std::string& large_video();
// What a shell command prints on stdout, without the final newline.
std::string command_output(const std::string& command);
// Uploads a video file (the sample by default) at this price and waits until
// it is ready (its ladder made), at most `limit`.
std::string upload(test_node& node, const std::string& token, int64_t price,
                   const std::string& file = sample_video(),
                   std::chrono::seconds limit = std::chrono::seconds(30));
// A viewer with `cents` deposited, in a live session of `video_id`.
struct watching {
  std::string viewer; // token
  std::string viewer_id;
  std::string session;
  std::string stream_url;
};
watching watch(test_node& node, const std::string& video_id, int64_t cents);
// The same for a freshly uploaded video (the sample by default) at `price`.
watching start_watching(test_node& node, int64_t price, int64_t cents,
                        const std::string& file = sample_video());

http_reply beat(test_node& node, const std::string& token,
                const std::string& session, double position, bool playing,
                std::optional<int64_t> seq = std::nullopt);
void sleep_ms(int ms);

} // namespace streamify::test
