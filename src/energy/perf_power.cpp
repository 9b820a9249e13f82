// The perf_event "power" PMU meter: RAPL counters that the kernel reads and extends to 64 bits.
#include "perf_power.h"

#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "cpu_topology.h"
#include "domains.h"
#include "meters.h"
#include "text_file.h"

namespace greenbatch::energy {
namespace {

/// The RAPL counters update about once a millisecond.
constexpr double rapl_update_period_s = 1e-3;

/// A power PMU event and the domain it becomes.
struct EventKind {
  const char* event;   ///< file name under events/
  const char* domain;  ///< "package" becomes "package-N"; "psys" stays "psys"
  DomainKind kind;
};

constexpr std::array<EventKind, 4> event_kinds{{
    {"energy-pkg", "package", DomainKind::package},
    {"energy-cores", "cores", DomainKind::cores},
    {"energy-ram", "dram", DomainKind::dram},
    {"energy-psys", "psys", DomainKind::psys},
}};

/// The config of an event file such as "event=0x02"; nullopt for anything else.
std::optional<std::uint64_t> parse_event(const std::string& text) {
  const std::string key = "event=";
  if (text.compare(0, key.size(), key) != 0) return std::nullopt;
  std::string_view value(text);
  value.remove_prefix(key.size());
  int base = 10;
  if (value.size() > 2 && value[0] == '0' && (value[1] == 'x' || value[1] == 'X')) {
    value.remove_prefix(2);
    base = 16;
  }
  std::uint64_t config = 0;
  const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), config, base);
  if (ec != std::errc() || ptr != value.data() + value.size() || value.empty()) return std::nullopt;
  return config;
}

/// The CPUs of a cpumask such as "0", "0,28" or "0-1"; empty when it does not parse.
std::vector<int> parse_cpu_list(const std::string& text) {
  std::vector<int> cpus;
  std::istringstream items(text);
  for (std::string item; std::getline(items, item, ',');) {
    const auto dash = item.find('-');
    const auto first = parse_u64(item.substr(0, dash));
    const auto last = dash == std::string::npos ? first : parse_u64(item.substr(dash + 1));
    if (!first || !last || *last < *first) return {};
    for (auto cpu = *first; cpu <= *last; ++cpu) cpus.push_back(static_cast<int>(cpu));
  }
  return cpus;
}

/// A number such as "2.3283064365386962890625e-10"; nullopt when it is not one.
std::optional<double> parse_double(const std::string& text) {
  double value = 0.0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

/// What unprivileged users lack, with the current perf_event_paranoid when it can be read.
std::string permission_fix(const std::filesystem::path& proc_root) {
  const auto paranoid = read_text(proc_root / "sys/kernel/perf_event_paranoid");
  return fmt::format(
      "system-wide perf events need root or CAP_PERFMON (CAP_SYS_ADMIN before Linux 5.8), "
      "or sysctl kernel.perf_event_paranoid=0{}",
      paranoid.text ? fmt::format(" (it is {} now)", *paranoid.text) : std::string());
}

/// One open counter and its joules since open.
struct PerfCounter {
  int fd = -1;
  std::string what;  ///< "power/energy-pkg/ on CPU 0 (<pmu>/events/energy-pkg)"
  double scale = 0.0;
  std::uint64_t last = 0;
  double joules = 0.0;
};

class PerfPowerMeter final : public Meter {
 public:
  PerfPowerMeter(MeterOptions options, PerfCounterOps ops) : options_(std::move(options)), ops_(std::move(ops)) {}
  ~PerfPowerMeter() override {
    for (const auto& c : counters_) ops_.close(c.fd);
  }
  PerfPowerMeter(const PerfPowerMeter&) = delete;
  PerfPowerMeter& operator=(const PerfPowerMeter&) = delete;

  [[nodiscard]] std::string_view name() const override { return "perf"; }
  [[nodiscard]] std::string_view source() const override { return "perf"; }
  [[nodiscard]] const std::vector<Domain>& domains() const override { return domains_; }
  [[nodiscard]] double resolution_s() const override { return rapl_update_period_s; }

  Reading read() override {
    Reading reading{options_.now_s(), {}};
    reading.joules.reserve(counters_.size());
    for (auto& c : counters_) {
      const auto count = ops_.read(c.fd);
      if (!count) throw MeterFault("cannot read perf counter " + c.what);
      c.joules += static_cast<double>(*count - c.last) * c.scale;
      c.last = *count;
      reading.joules.push_back(c.joules);
    }
    return reading;
  }

  /// Opens {type, config} on `cpu` as `domain`; the reason when it cannot be opened or read.
  std::optional<std::string> add(Domain domain, std::uint32_t type, std::uint64_t config, int cpu, double scale,
                                 const std::string& event, const std::filesystem::path& event_file) {
    const std::string what = fmt::format("power/{}/ on CPU {} ({})", event, cpu, event_file.string());
    const int fd = ops_.open(type, config, cpu);
    if (fd < 0) {
      if (-fd == EACCES || -fd == EPERM) {
        return describe({-fd, "permission denied opening perf event " + what}, permission_fix(options_.proc_root));
      }
      return fmt::format("cannot open perf event {}: {}", what, std::strerror(-fd));
    }
    const auto count = ops_.read(fd);
    if (!count) {
      ops_.close(fd);
      return "cannot read perf counter " + what;
    }
    domains_.push_back(std::move(domain));
    counters_.push_back({fd, what, scale, *count, 0.0});
    return std::nullopt;
  }

  /// Applies the in_total rule shared by the CPU meters.
  void settle_totals() { assign_totals(domains_); }

 private:
  MeterOptions options_;
  PerfCounterOps ops_;
  std::vector<Domain> domains_;
  std::vector<PerfCounter> counters_;
};

}  // namespace

PerfCounterOps system_perf_ops() {
  return {
      [](std::uint32_t type, std::uint64_t config, int cpu) {
        perf_event_attr attr{};
        attr.type = type;
        attr.size = sizeof attr;
        attr.config = config;
        const long fd = ::syscall(SYS_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
        return fd < 0 ? -errno : static_cast<int>(fd);
      },
      [](int fd) -> std::optional<std::uint64_t> {
        std::uint64_t count = 0;
        if (::read(fd, &count, sizeof count) != static_cast<ssize_t>(sizeof count)) return std::nullopt;
        return count;
      },
      [](int fd) { ::close(fd); },
  };
}

OpenResult open_perf_power(const MeterOptions& options) { return open_perf_power(options, system_perf_ops()); }

OpenResult open_perf_power(const MeterOptions& options, const PerfCounterOps& ops) {
  const auto pmu = options.sysfs_root / "bus/event_source/devices/power";
  std::error_code error;
  if (!std::filesystem::is_directory(pmu, error)) {
    return {nullptr, fmt::format("no perf power PMU at {} (the kernel exposes no RAPL events on this machine, "
                                 "e.g. a VM)",
                                 pmu.string())};
  }
  const auto type = read_u64(pmu / "type");
  if (!type) return {nullptr, fmt::format("cannot read the PMU type number from {}", (pmu / "type").string())};
  const auto mask = read_text(pmu / "cpumask");
  const auto mask_cpus = mask.text ? parse_cpu_list(*mask.text) : std::vector<int>{};
  if (mask_cpus.empty()) return {nullptr, fmt::format("cannot parse the CPU list in {}", (pmu / "cpumask").string())};

  // The package of each cpumask CPU; its position in the mask when sysfs has no topology for it.
  std::map<int, int> package_of;
  for (const auto& c : list_cpus(options.sysfs_root)) package_of[c.cpu] = c.package;
  const auto package = [&](std::size_t i) {
    const auto it = package_of.find(mask_cpus[i]);
    return it != package_of.end() ? it->second : static_cast<int>(i);
  };

  auto meter = std::make_unique<PerfPowerMeter>(options, ops);
  for (const auto& kind : event_kinds) {
    const auto event_file = pmu / "events" / kind.event;
    if (!std::filesystem::exists(event_file, error)) continue;
    const auto event_text = read_text(event_file);
    const auto config = event_text.text ? parse_event(*event_text.text) : std::nullopt;
    if (!config) return {nullptr, fmt::format("cannot parse {} (expected event=0xNN)", event_file.string())};
    const auto unit_file = pmu / "events" / (std::string(kind.event) + ".unit");
    const auto unit = read_text(unit_file);
    if (!unit.text) return {nullptr, unit.failure.message};
    if (*unit.text != "Joules") {
      return {nullptr, fmt::format("{} says the unit is '{}', not Joules", unit_file.string(), *unit.text)};
    }
    const auto scale_file = pmu / "events" / (std::string(kind.event) + ".scale");
    const auto scale_text = read_text(scale_file);
    const auto scale = scale_text.text ? parse_double(*scale_text.text) : std::nullopt;
    if (!scale) return {nullptr, fmt::format("cannot parse the scale in {}", scale_file.string())};

    // psys is platform-wide: one counter, on the first CPU of the mask.
    const std::size_t cpu_count = kind.kind == DomainKind::psys ? 1 : mask_cpus.size();
    for (std::size_t i = 0; i < cpu_count; ++i) {
      Domain domain{
          kind.kind == DomainKind::psys ? std::string(kind.domain) : fmt::format("{}-{}", kind.domain, package(i)),
          kind.kind};
      if (auto reason = meter->add(std::move(domain), static_cast<std::uint32_t>(*type), *config, mask_cpus[i], *scale,
                                   kind.event, event_file)) {
        return {nullptr, std::move(*reason)};
      }
    }
  }
  if (meter->domains().empty()) {
    return {nullptr, fmt::format("no energy events under {}", (pmu / "events").string())};
  }
  meter->settle_totals();
  return {std::move(meter), {}};
}

}  // namespace greenbatch::energy
