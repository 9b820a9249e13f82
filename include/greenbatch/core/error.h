#pragma once
/// Typed errors for user mistakes: each names the offending input and the fix. `cli` maps them
/// to one message and an exit code; bugs use assertions instead.

#include <stdexcept>
#include <string>

namespace greenbatch {

/// Process exit codes the CLI returns for each kind of error.
enum class ExitCode : int {
  ok = 0,
  failure = 1,        ///< an unexpected internal error
  usage = 2,          ///< bad flags or arguments
  input = 3,          ///< a bad file, model name or value the user supplied
  unsupported = 4,    ///< asked for something this build or machine cannot do
  trials_failed = 5,  ///< the command ran, but some trials failed (kept with their status; rerun to retry)
};

/// Base of every greenbatch user-facing error; the message is complete and ready to print.
class Error : public std::runtime_error {
 public:
  /// Wraps a message that names the input and the fix.
  explicit Error(const std::string& message) : std::runtime_error(message) {}
  /// The exit code the CLI returns for this error.
  [[nodiscard]] virtual ExitCode exit_code() const { return ExitCode::failure; }
};

/// A malformed command line or option value (e.g. a batch size that is not a positive number).
class UsageError : public Error {
 public:
  using Error::Error;
  [[nodiscard]] ExitCode exit_code() const override { return ExitCode::usage; }
};

/// A file, model name or value the user gave that cannot be used (missing, corrupt, mismatched).
class InputError : public Error {
 public:
  using Error::Error;
  [[nodiscard]] ExitCode exit_code() const override { return ExitCode::input; }
};

/// A request this build or machine cannot serve (e.g. CUDA with a CPU-only LibTorch).
class UnsupportedError : public Error {
 public:
  using Error::Error;
  [[nodiscard]] ExitCode exit_code() const override { return ExitCode::unsupported; }
};

/// Some trials of a study failed: the run finished, every result is stored with its status, and
/// a rerun retries the failed ones.
class TrialsFailedError : public Error {
 public:
  using Error::Error;
  [[nodiscard]] ExitCode exit_code() const override { return ExitCode::trials_failed; }
};

}  // namespace greenbatch
