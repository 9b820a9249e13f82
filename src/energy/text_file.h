#pragma once
// Reading small sysfs/proc text files, with failures that say what went wrong.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace greenbatch::energy {

/// Why a file could not be read: errno (ENOENT, EACCES, ...) and a message naming the file.
struct FileFailure {
  int error = 0;        ///< errno of the failed call
  std::string message;  ///< "permission denied reading /sys/.../energy_uj"
};

/// The whole content of a text file with trailing whitespace removed, or the failure.
struct TextOrFailure {
  std::optional<std::string> text;  ///< set on success
  FileFailure failure;              ///< set on failure
};

/// Reads `path`; never throws for I/O errors.
TextOrFailure read_text(const std::filesystem::path& path);

/// Parses an unsigned decimal integer (as sysfs writes it); nullopt when it is not one.
std::optional<std::uint64_t> parse_u64(const std::string& text);

/// Reads and parses an unsigned decimal file; nullopt on any failure.
std::optional<std::uint64_t> read_u64(const std::filesystem::path& path);

/// "<message>; <fix>" for permission failures, "<message>" otherwise. `fix` says how to get
/// access (run as root, chmod a+r, a capability).
std::string describe(const FileFailure& failure, const std::string& permission_fix);

}  // namespace greenbatch::energy

namespace greenbatch::energy {

/// A file opened once and read again and again at an offset: sysfs attributes and MSR device
/// files produce fresh content on every read, so the sampler need not reopen them. Move-only.
class ReadOnlyFile {
 public:
  /// Opens `path` read-only (close-on-exec); check ok() and failure().
  explicit ReadOnlyFile(std::filesystem::path path);
  ~ReadOnlyFile();
  ReadOnlyFile(ReadOnlyFile&& other) noexcept;
  ReadOnlyFile& operator=(ReadOnlyFile&& other) noexcept;
  ReadOnlyFile(const ReadOnlyFile&) = delete;
  ReadOnlyFile& operator=(const ReadOnlyFile&) = delete;

  /// Whether it opened.
  [[nodiscard]] bool ok() const { return fd_ >= 0; }
  /// Why it did not open ("permission denied reading <path>", ...).
  [[nodiscard]] const FileFailure& failure() const { return failure_; }
  /// The file's path.
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  /// Reads exactly `size` bytes at `offset`; returns 0, or the errno of the failure (EIO for a
  /// short read).
  [[nodiscard]] int read_exact(void* buffer, std::size_t size, std::uint64_t offset) const;
  /// Reads an unsigned decimal counter from the start of the file, or says why it cannot.
  [[nodiscard]] std::optional<std::uint64_t> read_u64(std::string* problem) const;

 private:
  int fd_ = -1;
  std::filesystem::path path_;
  FileFailure failure_;
};

}  // namespace greenbatch::energy
