// The RAPL meter that reads the energy MSRs through /dev/cpu/N/msr (Intel and AMD registers).

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <utility>

#include "cpu_topology.h"
#include "domains.h"
#include "meters.h"
#include "text_file.h"

namespace greenbatch::energy {
namespace {

/// The RAPL registers of one vendor; 0 where the vendor has none.
struct RegisterSet {
  std::uint32_t unit = 0;       ///< MSR_RAPL_POWER_UNIT: energy unit in bits 12:8
  std::uint32_t package = 0;    ///< package energy status
  std::uint32_t cores = 0;      ///< PP0 on Intel (per package); per physical core on AMD
  std::uint32_t dram = 0;       ///< DRAM energy status
  std::uint32_t psys = 0;       ///< platform energy, one counter for the whole machine
  bool cores_per_core = false;  ///< the cores register counts one physical core (AMD)
};

constexpr RegisterSet intel_registers{0x606, 0x611, 0x639, 0x619, 0x64D, false};
constexpr RegisterSet amd_registers{0xC0010299, 0xC001029B, 0xC001029A, 0, 0, true};

/// RAPL counters update about once a millisecond.
constexpr double msr_update_period_s = 1e-3;

const std::string msr_permission_fix =
    "reading MSRs needs root, or CAP_SYS_RAWIO plus read access to /dev/cpu/*/msr "
    "(e.g. setcap cap_sys_rawio=ep $(command -v greenbatch))";

/// An open /dev/cpu/N/msr; a register is the 8 bytes at offset = its number.
class MsrFile {
 public:
  explicit MsrFile(ReadOnlyFile file) : file_(std::move(file)) {}

  /// The register's value, or the errno of the failure (EIO for a short read).
  [[nodiscard]] std::pair<std::optional<std::uint64_t>, int> read(std::uint32_t reg) const {
    std::uint64_t value = 0;
    const int error = file_.read_exact(&value, sizeof value, reg);
    if (error == 0) return {value, 0};
    return {std::nullopt, error};
  }
  [[nodiscard]] const std::filesystem::path& path() const { return file_.path(); }

 private:
  ReadOnlyFile file_;
};

/// One 32-bit energy counter and its last raw value.
struct Counter {
  const MsrFile* file = nullptr;
  std::uint32_t reg = 0;
  double unit_j = 0.0;
  std::uint32_t last = 0;
};

/// A domain's counters (several for AMD cores) and its joules since open.
struct DomainCounters {
  std::vector<Counter> counters;
  double joules = 0.0;
};

class RaplMsrMeter final : public Meter {
 public:
  explicit RaplMsrMeter(MeterOptions options) : options_(std::move(options)) {}

  [[nodiscard]] std::string_view name() const override { return "rapl-msr"; }
  [[nodiscard]] std::string_view source() const override { return "rapl"; }
  [[nodiscard]] const std::vector<Domain>& domains() const override { return domains_; }
  [[nodiscard]] double resolution_s() const override { return msr_update_period_s; }
  [[nodiscard]] std::string notes() const override { return notes_; }

  Reading read() override {
    Reading reading{options_.now_s(), {}};
    reading.joules.reserve(domains_.size());
    for (std::size_t d = 0; d < domains_.size(); ++d) {
      for (auto& c : counters_[d].counters) {
        const auto [value, error] = c.file->read(c.reg);
        if (!value) {
          throw MeterFault(fmt::format("cannot read MSR {:#x} ({}) from {}: {}", c.reg, domains_[d].name,
                                       c.file->path().string(), std::strerror(error)));
        }
        const auto raw = static_cast<std::uint32_t>(*value);
        counters_[d].joules += static_cast<double>(static_cast<std::uint32_t>(raw - c.last)) * c.unit_j;
        c.last = raw;
      }
      reading.joules.push_back(counters_[d].joules);
    }
    return reading;
  }

  /// The file of `cpu`, opened once; null with the reason when it cannot be opened.
  std::pair<const MsrFile*, std::string> file(int cpu) {
    if (const auto it = files_.find(cpu); it != files_.end()) return {it->second.get(), {}};
    ReadOnlyFile opened(options_.dev_root / "cpu" / std::to_string(cpu) / "msr");
    if (!opened.ok()) {
      if (opened.failure().error == ENOENT) {
        return {nullptr, fmt::format("no {}: load the msr kernel module (modprobe msr)", opened.path().string())};
      }
      return {nullptr, describe(opened.failure(), msr_permission_fix)};
    }
    auto& slot = files_[cpu];
    slot = std::make_unique<MsrFile>(std::move(opened));
    return {slot.get(), {}};
  }

  /// Adds a domain made of `counters`.
  void add(Domain domain, std::vector<Counter> counters) {
    domains_.push_back(std::move(domain));
    counters_.push_back({std::move(counters), 0.0});
  }

  /// Applies the in_total rule shared by the CPU meters.
  void settle_totals() { assign_totals(domains_); }

  /// Sets what notes() says.
  void set_notes(std::string notes) { notes_ = std::move(notes); }

 private:
  MeterOptions options_;
  std::map<int, std::unique_ptr<MsrFile>> files_;
  std::vector<Domain> domains_;
  std::vector<DomainCounters> counters_;
  std::string notes_;
};

/// A counter at `reg` of `file` with its current value, or nullopt when the register is unreadable.
std::optional<Counter> probe(const MsrFile& file, std::uint32_t reg, double unit_j) {
  const auto value = file.read(reg).first;
  if (!value) return std::nullopt;
  return Counter{&file, reg, unit_j, static_cast<std::uint32_t>(*value)};
}

std::string unknown_vendor_reason(const VendorId& vendor, const std::filesystem::path& proc_root) {
  const auto cpuinfo = (proc_root / "cpuinfo").string();
  if (vendor.id.empty()) return "no vendor_id in " + cpuinfo + ": RAPL MSRs are known only for Intel and AMD CPUs";
  return fmt::format(
      "unknown CPU vendor '{}' in {}: RAPL MSRs are known only for GenuineIntel, AuthenticAMD "
      "and HygonGenuine",
      vendor.id, cpuinfo);
}

}  // namespace

OpenResult open_rapl_msr(const MeterOptions& options) {
  const auto vendor = read_cpu_vendor(options.proc_root);
  if (vendor.vendor == CpuVendor::unknown) return {nullptr, unknown_vendor_reason(vendor, options.proc_root)};
  const RegisterSet& regs = vendor.vendor == CpuVendor::intel ? intel_registers : amd_registers;
  const auto cpus = list_cpus(options.sysfs_root);
  if (cpus.empty()) {
    return {nullptr, fmt::format("no CPU topology under {} (cpuN/topology/physical_package_id)",
                                 (options.sysfs_root / "devices/system/cpu").string())};
  }
  const auto packages = one_cpu_per_package(cpus);
  const auto cores = one_cpu_per_core(cpus);

  auto meter = std::make_unique<RaplMsrMeter>(options);
  Counter first_package;  // its file and unit serve the platform-wide psys register
  std::string missing;
  const auto skip = [&missing](const std::string& domain) { (missing += missing.empty() ? "" : ", ") += domain; };
  for (const auto& pkg : packages) {
    const auto [file, reason] = meter->file(pkg.cpu);
    if (file == nullptr) return {nullptr, reason};
    const auto [unit_raw, unit_error] = file->read(regs.unit);
    if (!unit_raw) {
      return {nullptr, fmt::format("cannot read the RAPL energy-unit MSR {:#x} from {}: {}", regs.unit,
                                   file->path().string(), std::strerror(unit_error))};
    }
    const double unit_j = std::ldexp(1.0, -static_cast<int>((*unit_raw >> 8) & 0x1f));
    const auto n = std::to_string(pkg.package);

    const auto package = probe(*file, regs.package, unit_j);
    if (!package) {
      return {nullptr, fmt::format("cannot read the package energy MSR {:#x} from {} (this CPU exposes no RAPL "
                                   "package counter)",
                                   regs.package, file->path().string())};
    }
    meter->add({"package-" + n, DomainKind::package}, {*package});
    if (first_package.file == nullptr) first_package = *package;

    std::vector<Counter> core_counters;
    if (regs.cores_per_core) {
      for (const auto& core : cores) {
        if (core.package != pkg.package) continue;
        const auto* core_file = meter->file(core.cpu).first;
        const auto counter = core_file != nullptr ? probe(*core_file, regs.cores, unit_j) : std::nullopt;
        if (!counter) {
          core_counters.clear();
          break;
        }
        core_counters.push_back(*counter);
      }
    } else if (const auto counter = probe(*file, regs.cores, unit_j)) {
      core_counters.push_back(*counter);
    }
    if (core_counters.empty()) {
      skip("cores-" + n);
    } else {
      meter->add({"cores-" + n, DomainKind::cores}, std::move(core_counters));
    }

    if (regs.dram != 0) {
      if (const auto dram = probe(*file, regs.dram, unit_j)) {
        meter->add({"dram-" + n, DomainKind::dram}, {*dram});
      } else {
        skip("dram-" + n);
      }
    }
  }
  if (regs.psys != 0) {
    // Platform-wide: one counter, read on the first package's CPU in that package's unit.
    if (const auto psys = probe(*first_package.file, regs.psys, first_package.unit_j)) {
      meter->add({"psys", DomainKind::psys}, {*psys});
    } else {
      skip("psys");
    }
  }
  meter->settle_totals();
  if (!missing.empty()) meter->set_notes("registers not readable on this CPU, domains skipped: " + missing);
  return {std::move(meter), {}};
}

}  // namespace greenbatch::energy
