// The upload receiver driven by a script of parts and chunks read from the
// input: a finished upload is a recognised container within the size limit
// whose file on disk has exactly the bytes counted, and no partial file
// outlives the receiver.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "actors/catalog/container_sniff.hpp"
#include "gateway/upload_receiver.hpp"
#include "tests/fuzz/fuzz_require.hpp"

namespace fs = std::filesystem;
using streamify::gateway::upload_receiver;

namespace {

constexpr int64_t size_limit = 2048;

const std::string& videos_dir() {
  static const std::string dir = [] {
    char tmpl[] = "/tmp/streamify-fuzz-upload.XXXXXX";
    return std::string{mkdtemp(tmpl)};
  }();
  return dir;
}

bool dir_empty() {
  return fs::is_empty(videos_dir());
}

void check_sniff(const std::string& head) {
  auto mime = streamify::catalog::detect_container(head);
  if (mime == "video/mp4" || mime == "video/quicktime")
    FUZZ_REQUIRE(head.size() >= 12 && head.compare(4, 4, "ftyp") == 0);
  else if (!mime.empty())
    FUZZ_REQUIRE(head.rfind("\x1A\x45\xDF\xA3", 0) == 0);
}

} // namespace

// Each step: one byte opcode, then for a part one name byte, for data one
// length byte and that many bytes.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  check_sniff(std::string(reinterpret_cast<const char*>(data), size));
  static const char* names[] = {"file", "title", "price_per_minute_cents",
                                "description", "category", ""};
  bool keep = false;
  std::string kept;
  {
    upload_receiver rx{videos_dir(), size_limit};
    bool ok = true;
    size_t i = 0;
    while (ok && i + 1 < size) {
      auto op = data[i++];
      if (op % 3 == 0) {
        httplib::MultipartFormData part;
        part.name = names[data[i++] % 6];
        ok = rx.on_part(part);
      } else {
        size_t n = std::min<size_t>(data[i++] * (op % 3 == 2 ? 16 : 1), size - i);
        ok = rx.on_data(reinterpret_cast<const char*>(data + i), n);
        i += std::min<size_t>(n, size - i);
      }
    }
    if (ok)
      ok = rx.finish();
    if (!ok) {
      FUZZ_REQUIRE(rx.error() != upload_receiver::problem::none);
    } else if (rx.has_file()) {
      FUZZ_REQUIRE(!rx.mime_type().empty() && rx.size() <= size_limit);
      keep = size % 2 == 0;
      if (keep) {
        kept = rx.path_of(rx.keep("kept"));
        FUZZ_REQUIRE(static_cast<int64_t>(fs::file_size(kept)) == rx.size());
      }
    }
    FUZZ_REQUIRE(rx.size() <= size_limit || rx.error() == upload_receiver::problem::too_large);
  }
  if (keep)
    fs::remove(kept);
  FUZZ_REQUIRE(dir_empty());
  return 0;
}
