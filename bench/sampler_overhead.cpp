// The sampler's cost: CPU time of its background thread as a share of one core, at a given
// period, for the meters `--meter auto` picks here and for RAPL powercap against a generated
// two-package tree (7 zones). Usage: greenbatch_sampler_overhead [SECONDS=10] [PERIOD_MS=10]
#include <fmt/format.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "greenbatch/energy/meter_registry.h"
#include "greenbatch/energy/sampler.h"

namespace {

using greenbatch::energy::MeterOptions;

// A powercap tree like a two-socket Intel server: packages with core and DRAM sub-zones, and psys.
std::filesystem::path make_powercap_tree() {
  std::string pattern = (std::filesystem::temp_directory_path() / "greenbatch-bench-XXXXXX").string();
  const std::filesystem::path root = mkdtemp(pattern.data());
  const auto write_zone = [&](const std::string& zone, const std::string& name) {
    const auto dir = root / "class" / "powercap" / zone;
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "name") << name << "\n";
    std::ofstream(dir / "energy_uj") << "123456789\n";
    std::ofstream(dir / "max_energy_range_uj") << "262143328850\n";
  };
  for (const std::string p : {"0", "1"}) {
    write_zone("intel-rapl:" + p, "package-" + p);
    write_zone("intel-rapl:" + p + ":0", "core");
    write_zone("intel-rapl:" + p + ":1", "dram");
  }
  write_zone("intel-rapl:2", "psys");
  return root;
}

void measure(const std::string& label, const std::string& spec, const MeterOptions& options, double seconds,
             double period_ms) {
  greenbatch::energy::Sampler sampler(greenbatch::energy::open_meters(spec, options),
                                      greenbatch::energy::SamplerOptions{period_ms / 1e3, true, {}});
  const auto domains = sampler.domains().size();
  const auto start = std::chrono::steady_clock::now();
  sampler.start();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  sampler.stop();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = sampler.thread_cpu_seconds();
  fmt::print("{:<34} {:>2} domains  {:>7.0f} reads/s  {:>8.2f} us CPU/read  {:>6.3f} % of one core\n", label, domains,
             static_cast<double>(sampler.reads()) / wall, cpu / static_cast<double>(sampler.reads()) * 1e6,
             100.0 * cpu / wall);
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::stod(argv[1]) : 10.0;
  const double period_ms = argc > 2 ? std::stod(argv[2]) : 10.0;
  fmt::print("sampler overhead over {:g} s at a {:g} ms period\n", seconds, period_ms);
  const auto options = MeterOptions::from_environment();
  measure("no meter (the loop itself)", "none", options, seconds, period_ms);
  measure("auto on this machine", "auto", options, seconds, period_ms);
  measure("estimate", "estimate", options, seconds, period_ms);
  auto fixture = options;
  fixture.sysfs_root = make_powercap_tree();
  measure("rapl (generated 2-socket tree)", "rapl", fixture, seconds, period_ms);
  std::filesystem::remove_all(fixture.sysfs_root);
  return 0;
}
