#include "tests/integration/inspector_support.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

#include <sys/wait.h>
#include <unistd.h>

namespace streamify::test {

namespace {

std::string shell_quoted(const std::string& arg) {
  std::string out = "'";
  for (char c : arg)
    out += c == '\'' ? std::string{"'\\''"} : std::string(1, c);
  return out + "'";
}

} // namespace

nlohmann::json inspector_run::json() const {
  return nlohmann::json::parse(out, nullptr, false);
}

inspector_run run_inspector(int admin_port, const std::string& secret,
                            const std::vector<std::string>& args) {
  auto err_path = "/tmp/streamify-inspector-" + std::to_string(::getpid())
                  + ".err";
  std::string cmd = shell_quoted(STREAMIFY_INSPECTOR_BIN) + " --port "
                    + std::to_string(admin_port) + " --secret "
                    + shell_quoted(secret);
  for (const auto& a : args)
    cmd += " " + shell_quoted(a);
  cmd += " 2>" + shell_quoted(err_path);
  inspector_run run;
  if (auto* pipe = ::popen(cmd.c_str(), "r")) {
    char buf[4096];
    while (auto n = std::fread(buf, 1, sizeof(buf), pipe))
      run.out.append(buf, n);
    auto status = ::pclose(pipe);
    run.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::ifstream err{err_path};
  run.err.assign(std::istreambuf_iterator<char>(err), {});
  std::remove(err_path.c_str());
  return run;
}

std::string line_with(const std::string& table, const std::string& needle) {
  std::istringstream in{table};
  for (std::string line; std::getline(in, line);)
    if (line.find(needle) != std::string::npos)
      return line;
  return {};
}

} // namespace streamify::test
