#include "actors/catalog/transcoder.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "actors/catalog/hls_ladder.hpp"
#include "actors/catalog/low_priority_process.hpp"

namespace streamify::catalog {

namespace fs = std::filesystem;

namespace {

constexpr const char* undecodable
  = "the video could not be converted for playback; the file may be damaged "
    "or in a format the server cannot read";

constexpr const char* cut_short
  = "the video file ends before its stated length; it may have been cut off "
    "while it was copied or uploaded: please upload it again";

transcode_result failed(std::string reason) {
  transcode_result r;
  r.failure_reason = std::move(reason);
  return r;
}

std::string read_text(const fs::path& path) {
  std::ifstream in{path, std::ios::binary};
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// FFmpeg's files in the contract's names: the init segment is init.mp4 in
// every rendition folder, and each folder has segments.
bool settle_rendition(const fs::path& dir) {
  auto playlist = dir / "index.m3u8";
  std::string from;
  auto text = rename_init_uri(read_text(playlist), "init.mp4", from);
  if (from.empty() || from.find('/') != std::string::npos
      || !fs::exists(dir / from) || !fs::exists(dir / "seg_00000.m4s"))
    return false;
  std::error_code ec;
  if (from != "init.mp4")
    fs::rename(dir / from, dir / "init.mp4", ec);
  std::ofstream out{playlist, std::ios::binary | std::ios::trunc};
  out << text;
  return !ec && out.good();
}

} // namespace

transcode_result make_ladder(const storage_paths& paths,
                             const transcode_job& job,
                             const transcode_settings& settings,
                             const std::function<void(int32_t)>& on_percent) {
  auto source = paths.videos_dir + "/" + job.file_name;
  source_layout src;
  if (!probe_layout(source, settings.tools, src))
    return failed(undecodable);
  auto ladder = choose_ladder(src);
  fs::path final_dir = hls_dir(paths, job.video_id);
  fs::path work_dir = final_dir.string() + ".tmp";
  std::error_code ec;
  fs::remove_all(work_dir, ec);
  fs::create_directories(work_dir, ec);
  if (ec)
    return failed("the server could not store the converted video");
  auto args = ladder_command(source, work_dir.string(), src, ladder,
                             settings.segment_seconds);
  args.insert(args.begin(), settings.tools.ffmpeg);
  progress_reader progress{src.duration_ms};
  on_percent(0);
  auto limit = transcode_time_limit_s(settings.tools.timeout_s, src.duration_ms);
  auto run = run_low_priority(args, settings.nice, limit, *settings.cancel,
                              [&](const std::string& chunk) {
                                if (progress.feed(chunk))
                                  on_percent(progress.percent());
                              });
  transcode_result result;
  if (run.cancelled) {
    result.cancelled = true;
  } else if (run.status < 0) {
    result.failure_reason = "media tools are not available on the server";
  } else if (run.timed_out) {
    result.failure_reason = "converting the video for playback took too long";
  } else if (run.status != 0) {
    spdlog::warn("catalog: ffmpeg failed on video {} (exit {}): {}",
                 job.video_id, run.status, run.errors);
    result.failure_reason = undecodable;
  } else if (progress.out_time_ms()
             < src.duration_ms - settings.segment_seconds * 1000) {
    // FFmpeg stops quietly where a truncated file ends.
    spdlog::warn("catalog: video {} decodes to {} ms of {} ms: {}",
                 job.video_id, progress.out_time_ms(), src.duration_ms,
                 run.errors);
    result.failure_reason = cut_short;
  } else {
    result.ok = true;
    for (const auto& r : ladder) {
      result.ok = result.ok && settle_rendition(work_dir / r.name);
      result.renditions.push_back({r.name, r.width, r.height, r.bandwidth_bps()});
    }
    if (!result.ok)
      result.failure_reason = undecodable;
  }
  if (result.ok) {
    std::ofstream master{work_dir / "master.m3u8", std::ios::binary};
    master << master_playlist(ladder);
    master.close();
    fs::remove_all(final_dir, ec);
    if (!master.good() || (fs::rename(work_dir, final_dir, ec), ec))
      result = failed("the server could not store the converted video");
  }
  if (!result.ok) {
    fs::remove_all(work_dir, ec);
    result.renditions.clear();
  }
  return result;
}

} // namespace streamify::catalog
