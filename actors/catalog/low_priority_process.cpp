#include "actors/catalog/low_priority_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

namespace streamify::catalog {

namespace {

constexpr size_t errors_kept = 4096;

// Between fork and exec only async-signal-safe calls.
[[noreturn]] void exec_child(pid_t parent, int nice, int out_fd, int err_fd,
                             char* const* argv) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent)
    ::_exit(127);
  ::setpriority(PRIO_PROCESS, 0, nice);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr); // the node blocks SIGTERM
  ::signal(SIGPIPE, SIG_DFL);
  int null_fd = ::open("/dev/null", O_RDONLY);
  if (null_fd < 0 || ::dup2(null_fd, 0) < 0 || ::dup2(out_fd, 1) < 0
      || ::dup2(err_fd, 2) < 0)
    ::_exit(127);
  ::close_range(3, ~0U, 0); // the node's sockets and files stay the node's
  ::execvp(argv[0], argv);
  ::_exit(127);
}

} // namespace

process_outcome
run_low_priority(const std::vector<std::string>& args, int nice,
                 int64_t limit_s,
                 const std::atomic<bool>& cancel,
                 const std::function<void(const std::string&)>& on_output) {
  process_outcome outcome;
  if (args.empty())
    return outcome;
  int out_pipe[2];
  int err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0)
    return outcome;
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return outcome;
  }
  std::vector<std::string> copy = args;
  std::vector<char*> argv;
  for (auto& a : copy)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  auto parent = ::getpid();
  pid_t pid = ::fork();
  if (pid == 0)
    exec_child(parent, nice, out_pipe[1], err_pipe[1], argv.data());
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (pid < 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    return outcome;
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(limit_s);
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  bool killed = false;
  char buf[16384];
  while (open_fds > 0) {
    if (!killed) {
      outcome.timed_out = std::chrono::steady_clock::now() >= deadline;
      outcome.cancelled = !outcome.timed_out && cancel.load();
      if (outcome.timed_out || outcome.cancelled) {
        ::kill(pid, SIGKILL);
        killed = true;
      }
    }
    auto ready = ::poll(fds, 2, 200);
    if (ready < 0 && errno != EINTR)
      break;
    for (auto& p : fds) {
      if (p.fd < 0 || (p.revents & (POLLIN | POLLHUP | POLLERR)) == 0)
        continue;
      auto n = ::read(p.fd, buf, sizeof(buf));
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0) {
        ::close(p.fd);
        p.fd = -1;
        --open_fds;
        continue;
      }
      std::string chunk(buf, static_cast<size_t>(n));
      if (p.fd == out_pipe[0]) {
        on_output(chunk);
      } else {
        outcome.errors += chunk;
        if (outcome.errors.size() > errors_kept)
          outcome.errors.erase(0, outcome.errors.size() - errors_kept);
      }
    }
  }
  for (auto& p : fds)
    if (p.fd >= 0)
      ::close(p.fd);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  outcome.status = WIFEXITED(status) ? WEXITSTATUS(status)
                                     : 128 + WTERMSIG(status);
  if (outcome.status == 127 && !killed)
    outcome.status = -1; // exec failed: no such tool
  return outcome;
}

} // namespace streamify::catalog
