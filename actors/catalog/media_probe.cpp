#include "actors/catalog/media_probe.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <nlohmann/json.hpp>

extern char** environ;

namespace streamify::catalog {

namespace {

// Runs argv under coreutils' `timeout`; returns the exit status (-1 when it
// could not start) and whatever it wrote to stdout.
int run_tool(std::vector<std::string> args, int64_t timeout_s,
             std::string& out) {
  args.insert(args.begin(),
              {"timeout", "-k", "5", std::to_string(timeout_s)});
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
    return -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  if (rc != 0) {
    ::close(pipe_fds[0]);
    return -1;
  }
  char buf[8192];
  for (;;) {
    auto n = ::read(pipe_fds[0], buf, sizeof(buf));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    if (out.size() < (size_t{4} << 20))
      out.append(buf, static_cast<size_t>(n));
  }
  ::close(pipe_fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

media_facts failed(std::string reason) {
  media_facts f;
  f.failure_reason = std::move(reason);
  return f;
}

} // namespace

media_facts parse_probe(const std::string& json) {
  auto doc = nlohmann::json::parse(json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return failed("the file could not be read as a video");
  media_facts facts;
  for (const auto& s : doc.value("streams", nlohmann::json::array())) {
    auto type = s.value("codec_type", "");
    if (type == "video" && facts.video_codec.empty()) {
      facts.video_codec = s.value("codec_name", "");
      facts.width = s.value("width", 0);
      facts.height = s.value("height", 0);
    } else if (type == "audio" && facts.audio_codec.empty()) {
      facts.audio_codec = s.value("codec_name", "");
    }
  }
  if (facts.video_codec.empty())
    return failed("the file contains no video stream");
  double seconds = 0;
  if (auto f = doc.find("format"); f != doc.end() && f->is_object()) {
    auto d = f->value("duration", "");
    seconds = std::strtod(d.c_str(), nullptr);
  }
  if (!(seconds > 0) || !std::isfinite(seconds))
    return failed("the video's duration could not be determined");
  facts.duration_ms = static_cast<int64_t>(std::llround(seconds * 1000));
  facts.ok = true;
  return facts;
}

namespace {

double frame_rate_of(const nlohmann::json& stream) {
  for (auto key : {"avg_frame_rate", "r_frame_rate"}) {
    auto text = stream.value(key, "");
    auto slash = text.find('/');
    double num = std::strtod(text.c_str(), nullptr);
    double den = slash == std::string::npos
                   ? 1.0
                   : std::strtod(text.c_str() + slash + 1, nullptr);
    if (num > 0 && den > 0 && std::isfinite(num / den) && num / den <= 1000)
      return num / den;
  }
  return 25.0;
}

int64_t rotation_of(const nlohmann::json& stream) {
  if (auto tags = stream.find("tags"); tags != stream.end() && tags->is_object())
    if (auto r = tags->value("rotate", ""); !r.empty())
      return std::strtoll(r.c_str(), nullptr, 10);
  for (const auto& side : stream.value("side_data_list", nlohmann::json::array()))
    if (side.is_object() && side.contains("rotation")
        && side["rotation"].is_number())
      return side["rotation"].get<int64_t>();
  return 0;
}

} // namespace

bool parse_layout(const std::string& json, source_layout& out) {
  auto doc = nlohmann::json::parse(json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return false;
  out = source_layout{};
  bool video = false;
  for (const auto& s : doc.value("streams", nlohmann::json::array())) {
    auto type = s.value("codec_type", "");
    if (type == "video" && !video) {
      video = true;
      out.width = s.value("width", int64_t{0});
      out.height = s.value("height", int64_t{0});
      out.frame_rate = frame_rate_of(s);
      if (std::abs(rotation_of(s)) % 180 == 90)
        std::swap(out.width, out.height);
    } else if (type == "audio") {
      out.audio = true;
    }
  }
  if (auto f = doc.find("format"); f != doc.end() && f->is_object()) {
    auto d = f->value("duration", "");
    auto seconds = std::strtod(d.c_str(), nullptr);
    if (seconds > 0 && std::isfinite(seconds))
      out.duration_ms = static_cast<int64_t>(std::llround(seconds * 1000));
  }
  return video && out.width > 0 && out.height > 0;
}

bool probe_layout(const std::string& video_path, const media_tools& tools,
                  source_layout& out) {
  std::string json;
  auto rc = run_tool({tools.ffprobe, "-v", "error", "-print_format", "json",
                      "-show_format", "-show_streams", video_path},
                     tools.timeout_s, json);
  return rc == 0 && parse_layout(json, out);
}

media_facts probe_media(const std::string& video_path,
                        const std::string& thumbnail_path,
                        const media_tools& tools) {
  std::string json;
  auto rc = run_tool({tools.ffprobe, "-v", "error", "-print_format", "json",
                      "-show_format", "-show_streams", video_path},
                     tools.timeout_s, json);
  if (rc < 0)
    return failed("media tools are not available on the server");
  if (rc != 0)
    return failed("the file could not be read as a video");
  auto facts = parse_probe(json);
  if (!facts.ok)
    return facts;
  char at[32];
  std::snprintf(at, sizeof(at), "%.3f",
                static_cast<double>(facts.duration_ms) / 10000.0);
  auto partial = thumbnail_path + ".part.jpg";
  std::string ignored;
  rc = run_tool({tools.ffmpeg, "-v", "error", "-nostdin", "-ss", at, "-i",
                 video_path, "-frames:v", "1", "-vf",
                 "scale='min(640,iw)':-2", "-q:v", "4", "-y", partial},
                tools.timeout_s, ignored);
  if (rc != 0 || std::rename(partial.c_str(), thumbnail_path.c_str()) != 0) {
    std::remove(partial.c_str());
    return failed("no thumbnail could be made from the video");
  }
  return facts;
}

} // namespace streamify::catalog
