// What an interrupted command says before it ends.
#include "interruptions.h"

#include <unistd.h>

#include <csignal>

namespace greenbatch::cli {
namespace {

std::string g_message;  // written before the handler is installed, only read by it

extern "C" void announce_and_end(int signal) {
  (void)!::write(STDERR_FILENO, g_message.data(), g_message.size());  // async-signal-safe
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}

}  // namespace

void announce_interruptions(std::string message) {
  g_message = std::move(message);
  std::signal(SIGINT, announce_and_end);
  std::signal(SIGTERM, announce_and_end);
}

}  // namespace greenbatch::cli
