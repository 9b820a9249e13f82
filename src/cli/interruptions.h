#pragma once
/// Internal to cli: on SIGINT or SIGTERM, say what was kept and how to resume, then end with the
/// signal's usual status (130 / 143).

#include <string>

namespace greenbatch::cli {

/// From now on, SIGINT and SIGTERM print `message` to stderr and end the process as the signal
/// would. Call once per command; the message is copied.
void announce_interruptions(std::string message);

}  // namespace greenbatch::cli
