// RAPL through powercap sysfs: intel-rapl and intel-rapl-mmio zones (AMD CPUs appear there too).
#include <algorithm>
#include <map>
#include <regex>

#include <fmt/format.h>

#include "domains.h"
#include "meters.h"
#include "text_file.h"

namespace greenbatch::energy {
namespace {

constexpr const char* kPermissionFix =
    "run as root, or let users read the counters: sudo chmod a+r /sys/class/powercap/intel-rapl*/energy_uj "
    "(until the next boot)";

// One zone directory, e.g. intel-rapl:0:1.
struct Zone {
  std::filesystem::path dir;
  std::string control;                 // "intel-rapl" or "intel-rapl-mmio"
  std::string id;                      // "0" or "0:1"
  std::string label;                   // the zone's `name` file: package-0, core, uncore, dram, psys
  std::optional<ReadOnlyFile> energy;  // energy_uj, opened once
  std::uint64_t range_uj = 0;
  std::uint64_t last_uj = 0;
  std::optional<double> last_s;  // when last_uj was read
  double joules = 0.0;
};

// No RAPL zone of a real machine draws this much: a step implying more is a broken counter (e.g.
// one that stepped backwards and would otherwise be taken for a wrap), not energy.
constexpr double kMaxPlausibleWatts = 10'000.0;

// Maps a zone's `name` (and its package's index for sub-zones) to a domain.
std::optional<Domain> domain_of(const std::string& label, const std::string& package_index) {
  if (label.starts_with("package-")) return Domain{label, DomainKind::package, true};
  if (label == "psys") return Domain{"psys", DomainKind::psys, true};
  if (label == "core") return Domain{"cores-" + package_index, DomainKind::cores, false};
  if (label == "uncore") return Domain{"uncore-" + package_index, DomainKind::uncore, false};
  if (label == "dram") return Domain{"dram-" + package_index, DomainKind::dram, true};
  return std::nullopt;
}

class PowercapMeter final : public Meter {
 public:
  PowercapMeter(std::vector<Zone> zones, std::vector<Domain> domains, std::string notes, MeterOptions options)
      : zones_(std::move(zones)),
        domains_(std::move(domains)),
        notes_(std::move(notes)),
        options_(std::move(options)) {}

  [[nodiscard]] std::string_view name() const override { return "rapl"; }
  [[nodiscard]] std::string_view source() const override { return "rapl"; }
  [[nodiscard]] const std::vector<Domain>& domains() const override { return domains_; }
  [[nodiscard]] std::string notes() const override { return notes_; }
  [[nodiscard]] double resolution_s() const override { return 0.001; }  // RAPL updates about every 1 ms

  // A counter below its last value wrapped past max_energy_range_uj (several wraps between two
  // reads cannot be told apart, so the sampler reads far more often than the ~minutes a wrap takes).
  // energy_uj stays open: sysfs regenerates it on every read at offset 0.
  Reading read() override {
    Reading reading{options_.now_s(), {}};
    for (auto& zone : zones_) {
      std::string problem;
      const auto value = zone.energy->read_u64(&problem);
      if (!value) throw MeterFault(problem);
      if (*value > zone.range_uj) {
        throw MeterFault(fmt::format("suspect counter: {} reads {} uJ, above its max_energy_range_uj {}", zone.label,
                                     *value, zone.range_uj));
      }
      const std::uint64_t delta = *value >= zone.last_uj ? *value - zone.last_uj
                                                         : *value + zone.range_uj - zone.last_uj;
      if (zone.last_s && reading.time_s > *zone.last_s) {
        const double watts = static_cast<double>(delta) * 1e-6 / (reading.time_s - *zone.last_s);
        if (watts > kMaxPlausibleWatts) {
          throw MeterFault(
              fmt::format("suspect counter: {} stepped from {} to {} uJ in {:.3g} s ({:.3g} W, a wrap or "
                          "a step backwards no real zone makes); its energy is not used",
                          zone.label, zone.last_uj, *value, reading.time_s - *zone.last_s, watts));
        }
      }
      zone.last_uj = *value;
      zone.last_s = reading.time_s;
      zone.joules += static_cast<double>(delta) * 1e-6;
      reading.joules.push_back(zone.joules);
    }
    return reading;
  }

 private:
  std::vector<Zone> zones_;
  std::vector<Domain> domains_;
  std::string notes_;
  MeterOptions options_;
};

// Every zone directory of both control types, sorted so that packages come before sub-zones.
std::vector<Zone> list_zones(const std::filesystem::path& powercap) {
  static const std::regex pattern(R"((intel-rapl(?:-mmio)?):(\d+(?::\d+)?))");
  std::vector<Zone> zones;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(powercap, error)) {
    std::smatch match;
    const std::string leaf = entry.path().filename().string();
    if (!std::regex_match(leaf, match, pattern)) continue;
    zones.push_back(Zone{entry.path(), match[1], match[2], {}, std::nullopt, 0, 0, 0.0});
  }
  std::ranges::sort(zones,
                    [](const Zone& a, const Zone& b) { return std::tie(a.control, a.id) < std::tie(b.control, b.id); });
  return zones;
}

}  // namespace

OpenResult open_rapl_powercap(const MeterOptions& options) {
  const auto powercap = options.sysfs_root / "class" / "powercap";
  std::vector<Zone> zones = list_zones(powercap);
  if (zones.empty()) {
    return {nullptr, fmt::format("no RAPL zones under {} (no intel-rapl powercap driver: a VM, a non-x86 CPU, "
                                 "or the intel_rapl_common/rapl kernel module is not loaded)",
                                 powercap.string())};
  }
  std::map<std::string, std::string> package_index;  // "intel-rapl:0" -> "0"
  std::vector<Zone> kept;
  std::vector<Domain> domains;
  std::vector<std::string> notes;
  for (auto& zone : zones) {
    const auto label = read_text(zone.dir / "name");
    if (!label.text) return {nullptr, describe(label.failure, kPermissionFix)};
    zone.label = *label.text;
    const std::string key = zone.control + ":" + zone.id;
    if (zone.label.starts_with("package-")) package_index[key] = zone.label.substr(8);
    const std::string parent = key.substr(0, key.rfind(':'));
    const bool is_subzone = zone.id.find(':') != std::string::npos;
    auto domain = domain_of(zone.label, is_subzone ? package_index[parent] : "");
    if (!domain) {
      notes.push_back(fmt::format("{}: zone '{}' not recognised, skipped", key, zone.label));
      continue;
    }
    // An MMIO zone repeats a package the MSR-backed zones already report on some Intel CPUs.
    if (std::ranges::any_of(domains, [&](const Domain& d) { return d.name == domain->name; })) {
      notes.push_back(fmt::format("{}: {} already measured, skipped", key, domain->name));
      continue;
    }
    const auto range_file = zone.dir / "max_energy_range_uj";
    const auto range = read_text(range_file);
    if (!range.text) {
      return {nullptr,
              fmt::format("{} (needed to correct counter wraparound)", describe(range.failure, kPermissionFix))};
    }
    zone.energy.emplace(zone.dir / "energy_uj");
    if (!zone.energy->ok()) return {nullptr, describe(zone.energy->failure(), kPermissionFix)};
    std::string problem;
    const auto energy_uj = zone.energy->read_u64(&problem);
    if (!energy_uj) return {nullptr, problem};
    const auto range_uj = parse_u64(*range.text);
    if (!range_uj || *range_uj == 0)
      return {nullptr, fmt::format("{} does not hold a counter range", range_file.string())};
    zone.range_uj = *range_uj;
    zone.last_uj = *energy_uj;
    kept.push_back(std::move(zone));
    domains.push_back(*domain);
  }
  if (kept.empty()) return {nullptr, fmt::format("no usable RAPL zone under {}", powercap.string())};
  assign_totals(domains);
  std::string joined;
  for (const auto& note : notes) (joined += joined.empty() ? "" : "; ") += note;
  return {std::make_unique<PowercapMeter>(std::move(kept), std::move(domains), std::move(joined), options), {}};
}

}  // namespace greenbatch::energy
