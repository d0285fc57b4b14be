// actor-inspector: the operator's view into a running Streamify cluster. It
// connects to one node's admin endpoint, finds the other nodes through it and
// prints tables for people or JSON (--json) for machines.
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>

#include "actors/common/message_types.hpp"
#include "nodes/inspector_commands.hpp"

using namespace streamify;
using namespace streamify::node;

namespace {

constexpr const char* usage_text
  = "usage: actor-inspector [--host H] [--port P] [--secret S] [--json]\n"
    "                       [--timeout SECONDS] COMMAND ...\n"
    "commands:\n"
    "  nodes                          every node, its roles, reachable or not\n"
    "  actors [--node N]              live actors by kind\n"
    "  top [--by mailbox|messages] [--limit N] [--node N]\n"
    "                                 the busiest actors\n"
    "  sessions [--user U] [--video V]  live sessions\n"
    "  wallet USER                    owner node, residency, balance, entries\n"
    "  reconcile                      ledger invariants (exit 1: money is off)\n"
    "  end-session ID --yes           ends a live session\n"
    "  passivate-wallet USER --yes    stops a wallet's actor (it comes back on\n"
    "                                 the next payment)\n"
    "defaults: --host 127.0.0.1, --port $STREAMIFY_ADMIN_PORT or 7190,\n"
    "          --secret $STREAMIFY_ADMIN_SECRET\n";

[[noreturn]] void usage_error(const std::string& why) {
  throw client_error(why + "\n" + usage_text, 2);
}

int number(const std::string& option, const std::string& text) {
  if (text.empty() || text.size() > 9
      || text.find_first_not_of("0123456789") != std::string::npos)
    usage_error(option + " takes a number, not '" + text + "'");
  return std::stoi(text);
}

inspector_options parse(int argc, char** argv) {
  inspector_options o;
  if (auto env = std::getenv("STREAMIFY_ADMIN_SECRET"))
    o.secret = env;
  if (auto env = std::getenv("STREAMIFY_ADMIN_PORT"))
    o.port = static_cast<uint16_t>(std::atoi(env));
  std::vector<std::string> in(argv + 1, argv + argc);
  for (size_t i = 0; i < in.size(); ++i) {
    auto arg = in[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= in.size())
        usage_error(arg + " needs a value");
      return in[++i];
    };
    if (arg == "--json")
      o.json = true;
    else if (arg == "--yes")
      o.flags["yes"] = "1";
    else if (arg == "--host")
      o.host = value();
    else if (arg == "--port")
      o.port = static_cast<uint16_t>(number(arg, value()));
    else if (arg == "--secret")
      o.secret = value();
    else if (arg == "--timeout")
      o.timeout_s = std::max(1, number(arg, value()));
    else if (arg == "--limit")
      o.flags["limit"] = std::to_string(number(arg, value()));
    else if (arg == "--node" || arg == "--by" || arg == "--user"
             || arg == "--video")
      o.flags[arg.substr(2)] = value();
    else if (arg == "-h" || arg == "--help")
      throw client_error(usage_text, 0);
    else if (arg.rfind("--", 0) == 0)
      usage_error("unknown option " + arg);
    else if (o.command.empty())
      o.command = arg;
    else
      o.args.push_back(arg);
  }
  if (o.command.empty())
    usage_error("no command given");
  if (o.secret.empty())
    usage_error("no admin secret: pass --secret or set STREAMIFY_ADMIN_SECRET");
  return o;
}

} // namespace

int main(int argc, char** argv) {
  try {
    auto o = parse(argc, argv);
    caf::actor_system_config cfg;
    add_message_types(cfg);
    cfg.load<caf::io::middleman>();
    caf::actor_system sys{cfg};
    inspector_client client{sys, o.secret, std::chrono::seconds(o.timeout_s)};
    auto nodes = client.discover(o.host, o.port);
    return run_command(client, o, nodes);
  } catch (const client_error& e) {
    (e.code == 0 ? std::cout : std::cerr)
      << (e.code == 0 ? "" : "actor-inspector: ") << e.what() << '\n';
    return e.code;
  } catch (const std::exception& e) {
    std::cerr << "actor-inspector: " << e.what() << '\n';
    return 2;
  }
}
