#include "tests/integration/catalog_support.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace streamify::test {

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

} // namespace

test_databases& catalog_env::dbs() {
  static test_databases instance;
  return instance;
}

test_node& catalog_env::node() {
  static test_node instance{
    dbs(),
    {"--storage.data-dir=" + data_dir,
     "--storage.upload-limit=" + std::to_string(upload_limit),
     "--http.rate-limit=0"}};
  return instance;
}

catalog_env::~catalog_env() {
  std::error_code ignored;
  if (!data_dir.empty())
    std::filesystem::remove_all(data_dir, ignored);
}

std::vector<std::string> catalog_env::stored_files() const {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(videos_dir()))
    out.push_back(e.path().filename().string());
  return out;
}

catalog_env& catalog() {
  static catalog_env env = [] {
    catalog_env e;
    e.data_dir = std::filesystem::temp_directory_path().string()
                 + "/streamify-catalog-" + std::to_string(::getpid());
    std::filesystem::create_directories(e.data_dir);
    return e;
  }();
  return env;
}

const std::string& sample_video(const std::string& kind) {
  static std::map<std::string, std::string> made;
  if (auto i = made.find(kind); i != made.end())
    return i->second;
  auto path = catalog().data_dir + "/sample." + kind;
  std::string codec = kind == "mp4"
                        ? "-c:v libx264 -preset ultrafast -pix_fmt yuv420p"
                        : "-c:v libvpx-vp9 -b:v 200k -deadline realtime "
                          "-cpu-used 8";
  auto cmd = "ffmpeg -v error -nostdin -f lavfi "
             "-i testsrc=duration=3:size=320x240:rate=25 "
             + codec + " -y " + path;
  if (std::system(cmd.c_str()) != 0)
    throw std::runtime_error("ffmpeg could not make a sample: " + cmd);
  return made[kind] = read_file(path);
}

const std::string& generated_media(const std::string& name,
                                   const std::string& ffmpeg_args) {
  static std::map<std::string, std::string> made;
  if (auto i = made.find(name); i != made.end())
    return i->second;
  auto path = catalog().data_dir + "/" + name;
  auto cmd = "ffmpeg -v error -nostdin " + ffmpeg_args + " -y " + path;
  if (std::system(cmd.c_str()) != 0)
    throw std::runtime_error("ffmpeg could not make a sample: " + cmd);
  return made[name] = read_file(path);
}

std::string tool_output(const std::string& command) {
  std::string out;
  if (FILE* p = ::popen(command.c_str(), "r")) {
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof(buf), p)) > 0;)
      out.append(buf, n);
    ::pclose(p);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
    out.pop_back();
  return out;
}

std::pair<std::string, std::string>
multipart(const std::vector<form_part>& parts) {
  const std::string boundary = "----streamify-test-boundary-7d1f";
  std::string body;
  for (const auto& p : parts) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\""
            + p.name + "\"";
    if (!p.filename.empty())
      body += "; filename=\"" + p.filename
              + "\"\r\nContent-Type: application/octet-stream";
    body += "\r\n\r\n" + p.value + "\r\n";
  }
  body += "--" + boundary + "--\r\n";
  return {body, "multipart/form-data; boundary=" + boundary};
}

http_reply upload(const std::string& token, const std::vector<form_part>& parts) {
  return upload_to(catalog().node(), token, parts);
}

http_reply upload_to(test_node& node, const std::string& token,
                     const std::vector<form_part>& parts) {
  auto [body, type] = multipart(parts);
  httplib::Headers h;
  if (!token.empty())
    h.emplace("Authorization", "Bearer " + token);
  return node.send("POST", "/api/videos", body, type, h);
}

http_reply upload_video(const std::string& token, const std::string& title,
                        const std::string& bytes, int64_t price,
                        const std::string& category,
                        const std::string& description) {
  std::vector<form_part> parts{{"title", title, ""},
                               {"price_per_minute_cents",
                                std::to_string(price), ""},
                               {"file", bytes, "clip.bin"}};
  if (!category.empty())
    parts.push_back({"category", category, ""});
  if (!description.empty())
    parts.push_back({"description", description, ""});
  return upload(token, parts);
}

nlohmann::json wait_processed(const std::string& id, const std::string& token) {
  return wait_processed(catalog().node(), id, token);
}

nlohmann::json wait_processed(test_node& node, const std::string& id,
                              const std::string& token) {
  // Long enough for a transcode on a busy machine; only a hang takes this.
  for (int i = 0; i < 1200; ++i) {
    auto r = node.get("/api/videos/" + id, token);
    if (r.status == 200 && r.body["status"] != "processing")
      return r.body;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  throw std::runtime_error("video " + id + " stayed processing");
}

int connect_loopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot connect");
  }
  return fd;
}

std::string send_raw(int port, const std::string& bytes, bool read_answer) {
  int fd = connect_loopback(port);
  size_t sent = 0;
  while (sent < bytes.size()) {
    auto n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0)
      break;
    sent += static_cast<size_t>(n);
  }
  std::string answer;
  if (read_answer) {
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof(buf), 0)) > 0;)
      answer.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return answer;
}

} // namespace streamify::test
