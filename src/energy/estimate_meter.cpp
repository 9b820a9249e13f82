// The estimate meter: CPU power from the process's share of CPU time and a linear power model.
#include "estimate_meter.h"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <regex>

#include <fmt/format.h>

#include "greenbatch/core/cpuinfo.h"
#include "meters.h"
#include "text_file.h"

namespace greenbatch::energy {
namespace {

// Watts per logical CPU at idle and at full load by CPU family: Cloud Carbon Footprint's
// coefficients (averages of SPECpower results per micro-architecture), as published in the file
// output/coefficients-aws-use.csv of github.com/cloud-carbon-footprint/ccf-coefficients at commit
// b0032d928c787cf76cecd7d1d611c5b46f366e29, rounded to two decimals.
struct FamilyRow {
  const char* pattern;  // ECMAScript regex over cpuinfo's "model name"
  const char* family;
  double idle_w_per_cpu;
  double max_w_per_cpu;
};
constexpr std::array<FamilyRow, 11> kFamilies{{
    {R"(EPYC \w{3}1\b)", "AMD EPYC 1st gen (Naples)", 0.85, 2.60},
    {R"(EPYC \w{3}2\b)", "AMD EPYC 2nd gen (Rome)", 0.47, 1.69},
    {R"(EPYC \w{3}3\b)", "AMD EPYC 3rd gen (Milan)", 0.46, 1.96},
    {R"(EPYC \w{3}4\b)", "AMD EPYC 4th gen (Genoa)", 0.74, 2.28},
    {R"(Xeon.*\b(Platinum|Gold|Silver|Bronze) \d1\d\d)", "Intel Xeon Skylake-SP", 0.61, 4.10},
    {R"(Xeon.*\b(Platinum|Gold|Silver|Bronze) \d2\d\d)", "Intel Xeon Cascade Lake", 0.69, 4.06},
    {R"(Xeon.*\b(Platinum|Gold|Silver|Bronze) \d3\d\d)", "Intel Xeon Ice Lake", 0.77, 3.76},
    {R"(Xeon.*\b(Platinum|Gold|Silver|Bronze) \d4\d\d)", "Intel Xeon Sapphire Rapids", 1.04, 4.16},
    {R"(Xeon.*\b(Platinum|Gold|Silver|Bronze) \d5\d\d)", "Intel Xeon Emerald Rapids", 0.81, 4.48},
    {R"(Xeon.*E5-\d{4}\w? v4)", "Intel Xeon Broadwell", 0.71, 3.69},
    {R"(Xeon.*E5-\d{4}\w? v3)", "Intel Xeon Haswell", 1.86, 5.60},
}};
// The stated default for an unknown CPU: the median over every architecture of that file
// (Cloud Carbon Footprint's rule for an unknown micro-architecture is the average or median).
constexpr double kDefaultIdleWPerCpu = 0.73;
constexpr double kDefaultMaxWPerCpu = 3.72;

class EstimateMeter final : public Meter {
 public:
  EstimateMeter(EstimateModel model, int logical_cpus, std::function<double()> cpu_seconds,
                std::function<double()> wall_seconds)
      : model_(std::move(model)),
        logical_cpus_(logical_cpus),
        cpu_seconds_(std::move(cpu_seconds)),
        wall_seconds_(std::move(wall_seconds)),
        last_cpu_(cpu_seconds_()),
        last_wall_(wall_seconds_()) {}

  [[nodiscard]] std::string_view name() const override { return "estimate"; }
  [[nodiscard]] std::string_view source() const override { return "estimate"; }
  [[nodiscard]] const std::vector<Domain>& domains() const override { return domains_; }
  [[nodiscard]] std::string notes() const override {
    return fmt::format("P = {:.2f} W + ({:.2f} W - {:.2f} W) x u, u = this process's share of {} logical CPUs; {}",
                       model_.idle_w, model_.max_w, model_.idle_w, logical_cpus_, model_.basis);
  }

  Reading read() override {
    const double wall = wall_seconds_();
    const double cpu = cpu_seconds_();
    const double dt = wall - last_wall_;
    if (dt > 0.0) {
      const double u = std::clamp((cpu - last_cpu_) / (dt * logical_cpus_), 0.0, 1.0);
      joules_ += (model_.idle_w + (model_.max_w - model_.idle_w) * u) * dt;
      last_wall_ = wall;
      last_cpu_ = cpu;
    }
    return Reading{wall, {joules_}};
  }

 private:
  EstimateModel model_;
  int logical_cpus_;
  std::function<double()> cpu_seconds_;
  std::function<double()> wall_seconds_;
  double last_cpu_;
  double last_wall_;
  double joules_ = 0.0;
  std::vector<Domain> domains_{Domain{"cpu", DomainKind::package, true}};
};

double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace

EstimateModel estimate_model(const MeterOptions& options, int logical_cpus, const std::string& cpu_model) {
  double idle_per_cpu = kDefaultIdleWPerCpu;
  double max_per_cpu = kDefaultMaxWPerCpu;
  std::string basis = fmt::format("default for an unknown CPU ('{}'): {} W idle and {} W busy per logical CPU",
                                  cpu_model, kDefaultIdleWPerCpu, kDefaultMaxWPerCpu);
  for (const auto& row : kFamilies) {
    if (std::regex_search(cpu_model, std::regex(row.pattern))) {
      idle_per_cpu = row.idle_w_per_cpu;
      max_per_cpu = row.max_w_per_cpu;
      basis = fmt::format("table row '{}': {} W idle and {} W busy per logical CPU", row.family, row.idle_w_per_cpu,
                          row.max_w_per_cpu);
      break;
    }
  }
  EstimateModel model{idle_per_cpu * logical_cpus, max_per_cpu * logical_cpus, std::move(basis)};
  if (options.estimate_idle_w || options.estimate_max_w) {
    model.idle_w = options.estimate_idle_w.value_or(model.idle_w);
    model.max_w = options.estimate_max_w.value_or(model.max_w);
    model.basis = "set by GREENBATCH_ESTIMATE_IDLE_W / GREENBATCH_ESTIMATE_MAX_W";
  }
  model.max_w = std::max(model.max_w, model.idle_w);
  return model;
}

std::unique_ptr<Meter> make_estimate_meter(EstimateModel model, int logical_cpus, std::function<double()> cpu_seconds,
                                           std::function<double()> wall_seconds) {
  return std::make_unique<EstimateMeter>(std::move(model), std::max(1, logical_cpus), std::move(cpu_seconds),
                                         std::move(wall_seconds));
}

OpenResult open_estimate(const MeterOptions& options) {
  const int cpus = static_cast<int>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
  auto model = estimate_model(options, cpus, cpuinfo_field(options.proc_root, "model name").value_or("unknown"));
  return {make_estimate_meter(std::move(model), cpus, process_cpu_seconds, [options] { return options.now_s(); }), {}};
}

}  // namespace greenbatch::energy
