// Trace replay: arrival times (or gaps) read from a text file, one number per line.
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "greenbatch/core/error.h"
#include "greenbatch/core/number.h"
#include "processes.h"

namespace greenbatch::workload {
namespace {

class TraceArrival final : public ArrivalProcess {
 public:
  TraceArrival(std::string spec, std::vector<double> times) : spec_(std::move(spec)), times_(std::move(times)) {}

  std::optional<double> next() override {
    if (next_ == times_.size()) return std::nullopt;
    return times_[next_++];
  }
  [[nodiscard]] std::string spec() const override { return spec_; }
  [[nodiscard]] ArrivalKind kind() const override { return ArrivalKind::trace; }
  [[nodiscard]] std::optional<double> mean_rate() const override {
    if (times_.size() < 2 || times_.back() == times_.front()) return std::nullopt;
    return static_cast<double>(times_.size() - 1) / (times_.back() - times_.front());
  }

 private:
  std::string spec_;
  std::vector<double> times_;
  std::size_t next_ = 0;
};

std::string_view trimmed(std::string_view text) {
  constexpr std::string_view kBlank = " \t\r";
  const auto first = text.find_first_not_of(kBlank);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kBlank) - first + 1);
}

// Reads the arrival times, turning gaps into times when `gaps` is set.
std::vector<double> read_times(const std::filesystem::path& path, bool gaps) {
  std::ifstream in(path);
  if (!in) throw InputError(fmt::format("cannot read trace file '{}'; check its permissions", path.string()));
  constexpr std::string_view kFormat = "write one non-negative number of seconds per line ('#' starts a comment)";
  std::vector<double> times;
  std::string line;
  for (int line_number = 1; std::getline(in, line); ++line_number) {
    const auto text = trimmed(line);
    if (text.empty() || text.front() == '#') continue;
    const auto where = fmt::format("trace file '{}' line {}", path.string(), line_number);
    const auto value = to_real(text);
    if (!value) throw InputError(fmt::format("{}: '{}' is not a number; {}", where, text, kFormat));
    if (*value < 0) throw InputError(fmt::format("{}: {} is negative; {}", where, *value, kFormat));
    const double previous = times.empty() ? 0.0 : times.back();
    if (!gaps && *value < previous) {
      throw InputError(
          fmt::format("{}: time {} s is before the previous arrival at {} s; absolute times must "
                      "be non-decreasing (add ',gaps' to the spec if the file holds gaps)",
                      where, *value, previous));
    }
    times.push_back(gaps ? previous + *value : *value);
  }
  if (in.bad()) throw InputError(fmt::format("error while reading trace file '{}'", path.string()));
  if (times.empty()) {
    throw InputError(fmt::format("trace file '{}' holds no arrival times; {}", path.string(), kFormat));
  }
  return times;
}

}  // namespace

std::unique_ptr<ArrivalProcess> make_trace(const std::filesystem::path& file, bool gaps) {
  const auto path = std::filesystem::absolute(file).lexically_normal();
  std::error_code ignored;
  if (!std::filesystem::exists(path, ignored)) {
    throw InputError(fmt::format("trace file '{}' does not exist; check the path in the trace: spec", path.string()));
  }
  if (!std::filesystem::is_regular_file(path, ignored)) {
    throw InputError(
        fmt::format("trace file '{}' is not a regular file; give a text file of arrival times", path.string()));
  }
  auto spec = fmt::format("trace:{},{}", path.string(), gaps ? "gaps" : "times");
  return std::make_unique<TraceArrival>(std::move(spec), read_times(path, gaps));
}

}  // namespace greenbatch::workload
