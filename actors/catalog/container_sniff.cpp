#include "actors/catalog/container_sniff.hpp"

namespace streamify::catalog {

std::string detect_container(const std::string& head) {
  if (head.size() >= 12 && head.compare(4, 4, "ftyp") == 0)
    return head.compare(8, 4, "qt  ") == 0 ? "video/quicktime" : "video/mp4";
  if (head.size() >= 4 && head.compare(0, 4, "\x1A\x45\xDF\xA3") == 0)
    return head.find("webm") != std::string::npos ? "video/webm"
                                                    : "video/x-matroska";
  return {};
}

std::string extension_for(const std::string& mime_type) {
  if (mime_type == "video/quicktime")
    return "mov";
  if (mime_type == "video/webm")
    return "webm";
  if (mime_type == "video/x-matroska")
    return "mkv";
  return "mp4";
}

} // namespace streamify::catalog
