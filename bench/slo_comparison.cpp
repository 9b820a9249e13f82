// The acceptance comparison of the slo policy (issue "energy-optimal batching under a latency
// SLO"), in simulation: for a synthetic profile and measured zoo profiles, under Poisson light /
// moderate / heavy load, on/off bursts and a daily-like swinging rate, the best static policy
// (fixed / greedy / dynamic with any delay of the grid, or none) whose p95 meets the SLO and the
// best one that bounds how long a request waits (what Triton's and TorchServe's batchers do: every
// static policy but fixed:B without a timeout), against slo:SLO (no margin) and the slo setting
// the recommender picks. Prints a Markdown table and checks, per workload, that slo meets the SLO
// wherever a static policy does, uses no more energy per request than the best static one, and
// strictly less than the best static and the best bounded one on the bursty workloads; exits 1
// when a check fails.
//
// usage: greenbatch_slo_comparison PROFILE_DIR [REQUESTS]
//   PROFILE_DIR holds shufflenet_v2_x1_0.json and resnet50.json (bench/profiles); REQUESTS per
//   simulation (default 20000). Deterministic: the same inputs give the same table.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <random>

#include "greenbatch/profile/profile_document.h"
#include "greenbatch/sim/recommender.h"

namespace {

namespace fs = std::filesystem;
using greenbatch::batching::PolicyFamily;
using greenbatch::profile::ProfileCell;
using greenbatch::profile::ProfileDocument;
using greenbatch::sim::Candidate;

// The synthetic server of the issue: a batch of b takes 2b + 10 ms; it draws 20 W while busy and
// 5 W idle — a power MODEL, labelled as such, not a measurement.
ProfileDocument synthetic_profile() {
  ProfileDocument d;
  d.path = "synthetic alpha=2ms tau0=10ms";
  d.environment_json = "{}";
  d.energy_source = "model (20 W busy, 5 W idle)";
  d.idle_power_w = 5.0;
  for (int b = 1; b <= 64; ++b) {
    ProfileCell c;
    c.model = "synthetic:alpha=2,tau0=10";
    c.backend = "synthetic";
    c.device = "cpu";
    c.batch_size = b;
    c.latency_mean_ms = 2.0 * b + 10.0;
    c.latency_samples_ms = {c.latency_mean_ms};
    c.energy_per_batch_j = 20.0 * c.latency_mean_ms / 1e3;
    c.dynamic_energy_per_batch_j = 15.0 * c.latency_mean_ms / 1e3;
    d.cells.push_back(c);
  }
  return d;
}

// The most requests per second the profile serves: max over its sizes of b / mean latency.
double capacity_rps(const ProfileDocument& d) {
  double best = 0.0;
  for (const auto& c : d.cells) best = std::max(best, c.batch_size / (c.latency_mean_ms / 1e3));
  return best;
}

// A daily-like swing: Poisson arrivals whose rate follows peak·(0.05 + 0.95·(1 − cos 2πt/T)/2),
// T = 120 s (a day compressed), by thinning; `count` arrival times written to `path`.
void write_swing_trace(const fs::path& path, double peak_rps, std::size_t count) {
  std::mt19937_64 rng(7);
  std::exponential_distribution<double> gap(peak_rps);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  constexpr double kPeriodS = 120.0;
  std::ofstream out(path);
  out << "# daily-like swinging rate: peak " << peak_rps << " requests/s, period " << kPeriodS << " s\n";
  double t = 0.0;
  for (std::size_t n = 0; n < count;) {
    t += gap(rng);
    const double share = 0.05 + 0.95 * (1.0 - std::cos(2.0 * std::numbers::pi * t / kPeriodS)) / 2.0;
    if (u(rng) < share) {
      out << fmt::format("{:.6f}\n", t);
      ++n;
    }
  }
}

struct Workload {
  std::string name;
  std::string arrival;
  bool bursty = false;  // on/off or swinging: slo should be strictly better
};

struct Outcome {
  const Candidate* best_static = nullptr;
  const Candidate* best_bounded = nullptr;  // the best static policy that bounds a request's wait
  std::optional<Candidate> plain_slo;
  std::optional<Candidate> tuned_slo;
};

std::string cell(const Candidate* c) {
  if (c == nullptr) return "— | — | —";
  return fmt::format("`{}` | {:.4g} | {:.1f}", c->policy, *c->energy_per_request_j, c->response_p95_ms.value_or(NAN));
}

// Whether the static policy `c` bounds how long a request waits: all but fixed:B without a timeout.
bool bounds_wait(const Candidate& c) {
  const auto spec = greenbatch::batching::PolicySpec::parse(c.policy);
  return spec.family != PolicyFamily::fixed || spec.delay_ms.has_value();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    fmt::print(stderr, "usage: {} PROFILE_DIR [REQUESTS]\n", argv[0]);
    return 2;
  }
  const fs::path dir = argv[1];
  const std::int64_t requests = argc > 2 ? std::stoll(argv[2]) : 20'000;
  struct Profile {
    ProfileDocument document;
    double slo_ms;
  };
  std::vector<Profile> profiles{
      {synthetic_profile(), 150.0},
      {greenbatch::profile::load_profile_document((dir / "shufflenet_v2_x1_0.json").string()), 200.0},
      {greenbatch::profile::load_profile_document((dir / "resnet50.json").string()), 500.0}};
  fmt::print(
      "| profile | SLO p95 ms | workload | best static | J/req | p95 ms | best bounded static | J/req | p95 ms | slo:SLO "
      "| J/req | p95 ms | slo tuned | J/req | p95 ms | check |\n");
  fmt::print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  int failures = 0;
  for (const auto& [document, slo_ms] : profiles) {
    const double c = capacity_rps(document);
    const auto trace = fs::temp_directory_path() /
                       fmt::format("greenbatch_swing_{}.txt", document.cells.front().model.substr(0, 10));
    write_swing_trace(trace, 0.7 * c, static_cast<std::size_t>(requests));
    const std::vector<Workload> workloads{
        {"poisson light (10%)", fmt::format("poisson:{:.4g}", 0.1 * c)},
        {"poisson moderate (40%)", fmt::format("poisson:{:.4g}", 0.4 * c)},
        {"poisson heavy (70%)", fmt::format("poisson:{:.4g}", 0.7 * c)},
        {"on/off bursts (80% for 2 s, off 4 s)", fmt::format("onoff:{:.4g},2,4", 0.8 * c), true},
        {"daily swing (5–70%, 120 s)", "trace:" + trace.string(), true},
    };
    for (const auto& w : workloads) {
      greenbatch::sim::RecommendOptions o;
      o.arrival = w.arrival;
      o.requests = requests;
      o.slo_ms = slo_ms;
      o.service.interpolate = true;
      o.delays_ms = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};
      o.families = {PolicyFamily::fixed, PolicyFamily::greedy, PolicyFamily::dynamic};
      Outcome out;
      std::string note;
      greenbatch::sim::Recommendation statics, slo;
      try {
        statics = greenbatch::sim::recommend(document, o);
        out.best_static = statics.winner();
        const auto bounded = std::ranges::find_if(
            statics.ranked, [](const Candidate& candidate) { return candidate.meets_slo && bounds_wait(candidate); });
        if (bounded != statics.ranked.end()) out.best_bounded = &*bounded;
        o.families = {PolicyFamily::slo};
        slo = greenbatch::sim::recommend(document, o);
        if (slo.winner()) out.tuned_slo = *slo.winner();
        out.plain_slo = greenbatch::sim::predict(document, o, fmt::format("slo:{:g}", slo_ms));
      } catch (const std::exception& e) {
        note = e.what();
      }
      std::string check;
      if (!note.empty()) {
        check = "not simulated: " + note;
      } else if (out.best_static == nullptr) {
        check = out.tuned_slo ? "ok (only slo meets the SLO)" : "ok (nothing meets the SLO)";
      } else if (!out.tuned_slo) {
        check = "FAIL: a static policy meets the SLO, slo does not";
      } else {
        const double s = *out.best_static->energy_per_request_j, t = *out.tuned_slo->energy_per_request_j;
        const double saving = 100.0 * (s - t) / s;
        const double bounded_saving = out.best_bounded ? 100.0 * (*out.best_bounded->energy_per_request_j - t) /
                                                             *out.best_bounded->energy_per_request_j
                                                       : NAN;
        if (t > s * (1.0 + 1e-9)) {
          check = fmt::format("FAIL: slo uses {:.2f}% more energy", -saving);
        } else if (w.bursty && !(t < s)) {
          check = "FAIL: equal energy on a bursty workload (not strictly lower)";
        } else if (w.bursty && out.best_bounded && !(bounded_saving > 0.0)) {
          check = "FAIL: not strictly less than the best bounded static policy on a bursty workload";
        } else {
          check = fmt::format("ok ({:.2f}% less)", saving);
        }
        if (out.best_bounded) check += fmt::format("; {:.2f}% less than bounded", bounded_saving);
      }
      if (check.starts_with("FAIL")) ++failures;
      fmt::print("| {} | {:g} | {} | {} | {} | {} | {} | {} |\n", document.cells.front().model, slo_ms, w.name,
                 cell(out.best_static), cell(out.best_bounded), cell(out.plain_slo ? &*out.plain_slo : nullptr),
                 cell(out.tuned_slo ? &*out.tuned_slo : nullptr), check);
      std::fflush(stdout);
    }
    fs::remove(trace);
  }
  fmt::print(
      "\nenergy: synthetic = a power model (20 W busy, 5 W idle); zoo profiles = the profile's energy source "
      "({}); {} simulated requests per cell, seed 1; {} check(s) failed\n",
      profiles[1].document.energy_source, requests, failures);
  return failures == 0 ? 0 : 1;
}
