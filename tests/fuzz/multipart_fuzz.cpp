// Multipart bodies with any boundary through httplib's parser (in a loopback
// server, as the gateway receives uploads) into the upload receiver: every
// request gets an answer, and no partial file outlives its request.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include <httplib.h>

#include "gateway/upload_receiver.hpp"
#include "tests/fuzz/fuzz_require.hpp"

namespace fs = std::filesystem;
using streamify::gateway::upload_receiver;

namespace {

struct loopback {
  std::string dir;
  httplib::Server server;
  std::thread thread;
  int port = 0;
  std::unique_ptr<httplib::Client> client;

  loopback() {
    char tmpl[] = "/tmp/streamify-fuzz-multipart.XXXXXX";
    dir = mkdtemp(tmpl);
    server.Post("/upload", [this](const httplib::Request& req,
                                  httplib::Response& res,
                                  const httplib::ContentReader& reader) {
      upload_receiver rx{dir, 4096};
      if (!req.is_multipart_form_data()) {
        res.status = 415;
        return;
      }
      bool complete = reader(
        [&rx](const httplib::MultipartFormData& p) { return rx.on_part(p); },
        [&rx](const char* d, size_t n) { return rx.on_data(d, n); });
      res.status = complete && rx.finish() ? 201 : 400;
    });
    server.set_tcp_nodelay(true);
    port = server.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { server.listen_after_bind(); });
    while (!server.is_running())
      std::this_thread::yield();
    client = std::make_unique<httplib::Client>("127.0.0.1", port);
    client->set_keep_alive(false);
    client->set_tcp_nodelay(true);
    client->set_read_timeout(10);
  }
};

loopback& net() {
  static loopback* l = new loopback;
  return *l;
}

} // namespace

// Input: the boundary up to the first newline (kept to header-safe
// characters), then the body.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  auto nl = input.find('\n');
  std::string boundary = nl == std::string::npos ? "" : input.substr(0, nl);
  std::string body = nl == std::string::npos ? input : input.substr(nl + 1);
  for (auto& c : boundary)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e)
      c = '-';
  auto& l = net();
  auto type = "multipart/form-data; boundary=" + boundary;
  // A connection a request of its own: after a refused body httplib's
  // server would read the unread rest as the next request, and answers
  // would no longer match their requests.
  auto res = l.client->Post("/upload", body, type);
  FUZZ_REQUIRE(static_cast<bool>(res));
  FUZZ_REQUIRE(res->status == 201 || res->status == 400 || res->status == 415
          || res->status == 413);
  FUZZ_REQUIRE(fs::is_empty(l.dir));
  return 0;
}
