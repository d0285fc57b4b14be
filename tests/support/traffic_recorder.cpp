#include "tests/support/traffic_recorder.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace streamify::test {

void record_exchange(const std::string& method, const std::string& path,
                     const httplib::Response& res) {
  const char* file = std::getenv("STREAMIFY_TEST_RECORD");
  if (file == nullptr || *file == '\0')
    return;
  auto type = res.get_header_value("Content-Type");
  nlohmann::json line{{"source", program_invocation_short_name},
                      {"method", method},
                      {"path", path},
                      {"status", res.status},
                      {"content_type", type},
                      {"body", nullptr}};
  if (type.rfind("application/json", 0) == 0) {
    auto body = nlohmann::json::parse(res.body, nullptr, false);
    if (body.is_discarded())
      line["body_text"] = res.body;
    else
      line["body"] = std::move(body);
  }
  // One write per line on an O_APPEND descriptor: lines from the test
  // processes ctest runs side by side never interleave.
  auto text = line.dump(-1, ' ', false,
                        nlohmann::json::error_handler_t::replace)
              + '\n';
  int fd = ::open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    throw std::runtime_error(std::string{"cannot open STREAMIFY_TEST_RECORD "}
                             + file);
  auto written = ::write(fd, text.data(), text.size());
  ::close(fd);
  if (written != static_cast<ssize_t>(text.size()))
    throw std::runtime_error(std::string{"cannot append to "} + file);
}

} // namespace streamify::test
