// Output files written whole or not at all.
#include "greenbatch/core/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

#include "greenbatch/core/error.h"

namespace greenbatch {
namespace {

// Flushes `path` to the disk, so the rename that follows publishes complete content.
bool sync_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

void create_output_folder(const std::filesystem::path& dir, std::string_view option) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec) && !std::filesystem::is_directory(dir, ec)) {
    throw InputError(
        fmt::format("{} {}: that is a file, not a folder; give a folder for the output files", option, dir.string()));
  }
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    throw InputError(fmt::format("{} {}: cannot create the folder ({}); choose a folder you may write to", option,
                                 dir.string(), ec.message()));
  }
}

void write_file_atomically(const std::filesystem::path& target, const std::function<void(std::ostream&)>& write) {
  std::error_code ec;
  if (std::filesystem::is_directory(target, ec)) {
    throw InputError(fmt::format("'{}' is a folder; give a file name to write", target.string()));
  }
  const auto temporary = target.parent_path() / fmt::format(".{}.tmp-{}", target.filename().string(), ::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) {
      throw InputError(fmt::format("cannot write '{}' ({}); check that its folder exists and that you may write there",
                                   target.string(), std::strerror(errno)));
    }
    try {
      write(out);
    } catch (...) {
      out.close();
      std::filesystem::remove(temporary, ec);
      throw;
    }
    out.flush();
    if (!out) {
      const int error = errno;
      out.close();
      std::filesystem::remove(temporary, ec);
      throw InputError(fmt::format("writing '{}' failed ({}); nothing was changed: free disk space and run again",
                                   target.string(), error != 0 ? std::strerror(error) : "write error"));
    }
  }
  if (!sync_file(temporary)) {
    const int error = errno;
    std::filesystem::remove(temporary, ec);
    throw InputError(
        fmt::format("writing '{}' failed ({}); nothing was changed", target.string(), std::strerror(error)));
  }
  std::filesystem::rename(temporary, target, ec);
  if (ec) {
    std::filesystem::remove(temporary, ec);
    throw InputError(fmt::format("cannot replace '{}' ({}); nothing was changed", target.string(), ec.message()));
  }
}

void write_file_atomically(const std::filesystem::path& target, std::string_view content) {
  write_file_atomically(target, [content](std::ostream& out) {
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
  });
}

}  // namespace greenbatch
