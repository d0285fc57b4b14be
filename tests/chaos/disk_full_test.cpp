// The upload folder fills up (a small tmpfs as storage.data-dir): an upload
// larger than the space left fails with 503 storage_unavailable and leaves no
// file behind, while a session of another video keeps heartbeating and
// reading its stream.
#define CAF_SUITE chaos_disk_full

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include <sys/mount.h>
#include <unistd.h>

#include <caf/test/unit_test.hpp>

#include "tests/chaos/charging_client.hpp"
#include "tests/cluster/cluster_support.hpp"
#include "tests/integration/session_support.hpp"

using namespace streamify::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// An 8 MiB tmpfs on a fresh folder, unmounted and removed on destruction.
class small_tmpfs {
public:
  small_tmpfs() {
    char tmpl[] = "/tmp/chaos-disk.XXXXXX";
    if (::mkdtemp(tmpl))
      dir_ = tmpl;
    mounted_ = !dir_.empty()
               && ::mount("tmpfs", dir_.c_str(), "tmpfs", 0, "size=8m") == 0;
    if (!mounted_)
      why_ = std::strerror(errno);
  }
  ~small_tmpfs() {
    if (mounted_)
      ::umount2(dir_.c_str(), MNT_DETACH);
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  small_tmpfs(const small_tmpfs&) = delete;
  small_tmpfs& operator=(const small_tmpfs&) = delete;

  bool mounted() const { return mounted_; }
  const std::string& dir() const { return dir_; }
  const std::string& why() const { return why_; }

private:
  std::string dir_;
  bool mounted_ = false;
  std::string why_;
};

std::set<std::string> files_under(const std::string& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file())
      out.insert(e.path().string());
  return out;
}

http_reply upload_file(test_node& node, const std::string& token,
                       const std::string& file) {
  std::ifstream in{file, std::ios::binary};
  std::string bytes{std::istreambuf_iterator<char>(in), {}};
  std::string b = "chaos-boundary-7";
  std::string body = "--" + b
                     + "\r\nContent-Disposition: form-data; name=\"title\""
                       "\r\n\r\nToo big\r\n--" + b
                     + "\r\nContent-Disposition: form-data; "
                       "name=\"price_per_minute_cents\"\r\n\r\n1\r\n--" + b
                     + "\r\nContent-Disposition: form-data; name=\"file\"; "
                       "filename=\"big.mp4\"\r\nContent-Type: video/mp4\r\n\r\n"
                     + bytes + "\r\n--" + b + "--\r\n";
  return node.send("POST", "/api/videos", body,
                   "multipart/form-data; boundary=" + b,
                   {{"Authorization", "Bearer " + token}});
}

} // namespace

CAF_TEST(a full upload folder fails the upload cleanly and watching goes on) {
  small_tmpfs disk;
  if (!disk.mounted()) {
    CAF_MESSAGE("skipped: cannot mount a tmpfs here (needs root and "
                "CAP_SYS_ADMIN): "
                << disk.why());
    return;
  }
  test_databases dbs;
  test_node node{dbs,
                 {"--storage.data-dir=" + disk.dir(),
                  "--billing.minute-seconds=2",
                  "--streaming.heartbeat-interval=1", "--http.rate-limit=0",
                  "--access-log=off"}};
  auto creator = token_of(sign_up(node, "creator"));
  auto video = upload(node, creator, 1, sample_video());
  charging_client client{node, start_sessions(node, video, 1, 10'000), 1};
  auto& s = client.sessions().front();
  CAF_REQUIRE(poll_until(20s, [&] { return client.acknowledged_total() >= 2; }));
  auto before = files_under(disk.dir());
  CAF_REQUIRE_GREATER(fs::file_size(large_video()), 8u << 20);

  client.reset_statuses();
  auto r = upload_file(node, creator, large_video());
  CAF_MESSAGE("upload of " << fs::file_size(large_video()) << " bytes into "
              "8 MiB: " << r.status << " " << r.raw);
  CAF_CHECK_EQUAL(r.status, 503);
  CAF_CHECK(r.body.is_object()
            && r.body.value("error", "") == "storage_unavailable");
  CAF_CHECK(files_under(disk.dir()) == before);

  auto paid = client.acknowledged_total();
  CAF_CHECK(poll_until(20s, [&] { return client.acknowledged_total() > paid; }));
  auto statuses = client.statuses();
  CAF_CHECK_GREATER(statuses[200], 0);
  CAF_CHECK_EQUAL(statuses.size(), 1u);
  auto stream = node.send("GET", "/api/sessions/" + s.id + "/stream", "", "",
                          {{"Authorization", "Bearer " + s.token},
                           {"Range", "bytes=0-1023"}});
  CAF_CHECK_EQUAL(stream.status, 206);
  CAF_CHECK_EQUAL(stream.raw.size(), 1024u);
  client.stop();
}
