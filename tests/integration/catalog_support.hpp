#pragma once

#include <string>
#include <vector>

#include "tests/support/test_node.hpp"

namespace streamify::test {

// A node of its own for the catalog tests: a private storage folder (to look
// for files) and a small upload limit (to hit 413 cheaply).
struct catalog_env {
  static constexpr int64_t upload_limit = 20'000'000;
  std::string data_dir;
  ~catalog_env();
  test_node& node();
  test_databases& dbs();
  std::string videos_dir() const { return data_dir + "/videos"; }
  // Files in the videos folder (partial uploads included).
  std::vector<std::string> stored_files() const;
};

catalog_env& catalog();

// A real video made by ffmpeg at first use ("webm": VP9, "mp4": H.264),
// 3 s of testsrc at 320x240; returns its bytes.
const std::string& sample_video(const std::string& kind);

// A file made by `ffmpeg -v error -nostdin ARGS -y <folder>/NAME` at first
// use (the name's extension picks the container); returns its bytes.
const std::string& generated_media(const std::string& name,
                                   const std::string& ffmpeg_args);

// What a shell command wrote to stdout (ffprobe), trailing newline removed.
std::string tool_output(const std::string& command);

struct form_part {
  std::string name;
  std::string value;
  std::string filename; // set for the file part
};

// A multipart/form-data body and its Content-Type.
std::pair<std::string, std::string> multipart(const std::vector<form_part>& parts);

http_reply upload(const std::string& token, const std::vector<form_part>& parts);
http_reply upload_to(test_node& node, const std::string& token,
                     const std::vector<form_part>& parts);
// title, price and a file of the given bytes.
http_reply upload_video(const std::string& token, const std::string& title,
                        const std::string& bytes, int64_t price = 10,
                        const std::string& category = "",
                        const std::string& description = "");

// Polls the owner's view of a video until it leaves `processing`.
nlohmann::json wait_processed(const std::string& id, const std::string& token);
nlohmann::json wait_processed(test_node& node, const std::string& id,
                              const std::string& token);

// A TCP connection to 127.0.0.1:port (throws when refused); the caller
// closes it.
int connect_loopback(int port);

// Sends raw bytes on a fresh connection, then closes it (half-sent uploads);
// returns whatever the server answered before the close, if anything.
std::string send_raw(int port, const std::string& bytes, bool read_answer);

} // namespace streamify::test
