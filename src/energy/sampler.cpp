// The background sampler: periodic meter reads, the power trace, and energy windows.
#include "greenbatch/energy/sampler.h"

#include <time.h>

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "greenbatch/core/thread_cpus.h"

namespace greenbatch::energy {

struct Sampler::MeterState {
  std::optional<Reading> last;  // the latest good reading
  bool failed = false;
};

Sampler::Sampler(std::vector<std::unique_ptr<Meter>> meters, SamplerOptions options)
    : meters_(std::move(meters)), options_(std::move(options)), states_(meters_.size()) {
  for (std::size_t m = 0; m < meters_.size(); ++m) {
    for (const auto& d : meters_[m]->domains()) {
      domains_.push_back(SampledDomain{d.name, std::string(meters_[m]->source()), d.kind, d.in_total, m});
    }
  }
  const std::lock_guard lock(mutex_);
  sample_locked();
}

Sampler::~Sampler() { stop(); }

double Sampler::now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string Sampler::meter_names() const {
  std::string names;
  for (const auto& meter : meters_) (names += names.empty() ? "" : "+") += meter->name();
  return names.empty() ? "none" : names;
}

void Sampler::start() {
  const std::lock_guard lock(mutex_);
  if (running_) return;
  running_ = true;
  thread_ = std::thread([this] { run(); });
}

void Sampler::stop() {
  {
    const std::lock_guard lock(mutex_);
    if (!running_) return;
    running_ = false;
  }
  wake_.notify_all();
  thread_.join();
}

void Sampler::run() {
  use_startup_cpus();
  const auto period = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(options_.period_s));
  auto next = std::chrono::steady_clock::now();
  std::unique_lock lock(mutex_);
  while (running_) {
    sample_locked();
    timespec cpu{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
    thread_cpu_s_.store(static_cast<double>(cpu.tv_sec) + static_cast<double>(cpu.tv_nsec) * 1e-9);
    // Keep a fixed schedule; after a stall, skip the missed ticks instead of bursting.
    next += period;
    if (const auto current = std::chrono::steady_clock::now(); next < current) next = current + period;
    wake_.wait_until(lock, next, [this] { return !running_; });
  }
}

// Reads every live meter; a meter that throws is marked failed and never read again, and its
// data so far stays in the trace.
double Sampler::sample_locked() {
  ++reads_;
  const double time = now();
  PowerSample sample{time, {}, std::nullopt};
  bool complete = true;
  for (std::size_t m = 0; m < meters_.size(); ++m) {
    auto& state = states_[m];
    std::optional<Reading> previous = state.last;
    if (!state.failed) {
      try {
        state.last = meters_[m]->read();
      } catch (const MeterFault& fault) {
        state.failed = true;
        faults_.push_back(fmt::format("{} failed at {:.3f} s: {}", meters_[m]->name(), time, fault.what()));
      }
    }
    for (std::size_t d = 0; d < meters_[m]->domains().size(); ++d) {
      std::optional<double> watts;
      if (!state.failed && previous && state.last->time_s > previous->time_s) {
        watts = (state.last->joules[d] - previous->joules[d]) / (state.last->time_s - previous->time_s);
      }
      complete = complete && watts.has_value();
      sample.watts.push_back(watts);
    }
  }
  if (complete && !sample.watts.empty()) {
    double total = 0.0;
    for (std::size_t i = 0; i < domains_.size(); ++i) total += domains_[i].in_total ? *sample.watts[i] : 0.0;
    sample.total_w = total;
  }
  if (options_.keep_trace) trace_.push_back(std::move(sample));
  return time;
}

EnergyMark Sampler::mark() {
  const std::lock_guard lock(mutex_);
  EnergyMark mark{sample_locked(), {}};
  for (std::size_t m = 0; m < meters_.size(); ++m) {
    for (std::size_t d = 0; d < meters_[m]->domains().size(); ++d) {
      mark.joules.push_back(states_[m].failed ? std::nullopt : std::optional(states_[m].last->joules[d]));
    }
  }
  return mark;
}

EnergyWindow Sampler::window(const EnergyMark& begin, const EnergyMark& end) const {
  EnergyWindow w;
  w.seconds = end.time_s - begin.time_s;
  if (meters_.empty()) {
    w.status = WindowStatus::no_meter;
    w.source = "none";
    w.detail = "no energy meter was chosen";
    return w;
  }
  std::vector<std::string> problems;
  for (std::size_t m = 0, i = 0; m < meters_.size(); ++m) {
    const std::size_t first = i;
    bool changed = false;
    for (std::size_t d = 0; d < meters_[m]->domains().size(); ++d, ++i) {
      std::optional<double> joules;
      if (begin.joules[i] && end.joules[i]) joules = *end.joules[i] - *begin.joules[i];
      changed = changed || (joules && *joules != 0.0);
      w.domains.push_back(DomainEnergy{domains_[i].name, domains_[i].source, domains_[i].in_total, joules});
    }
    const bool missing = std::any_of(w.domains.begin() + static_cast<std::ptrdiff_t>(first), w.domains.end(),
                                     [](const DomainEnergy& e) { return !e.joules; });
    const double resolution = meters_[m]->resolution_s();
    if (missing) {
      w.status = WindowStatus::meter_failed;
      problems.push_back(fmt::format("{} failed during the window", meters_[m]->name()));
    } else if (resolution > 0.0 && (w.seconds < resolution || !changed)) {
      if (w.status == WindowStatus::ok) w.status = WindowStatus::short_window;
      problems.push_back(fmt::format("the {:.1f} ms window is too short for {} (its counter updates every {:.0f} ms)",
                                     w.seconds * 1e3, meters_[m]->name(), resolution * 1e3));
      for (std::size_t k = first; k < i; ++k) w.domains[k].joules.reset();
    }
  }
  for (const auto& problem : problems) (w.detail += w.detail.empty() ? "" : "; ") += problem;

  double total = 0.0;
  bool complete = true;
  for (const auto& e : w.domains) {
    if (!e.in_total) continue;
    complete = complete && e.joules.has_value();
    total += e.joules.value_or(0.0);
    if (w.source.find(e.source) == std::string::npos) (w.source += w.source.empty() ? "" : "+") += e.source;
  }
  if (complete) {
    w.total_j = total;
    if (w.seconds > 0.0) w.avg_power_w = total / w.seconds;
  }
  const std::lock_guard lock(mutex_);
  for (const auto& sample : trace_) {
    if (sample.time_s <= begin.time_s || sample.time_s > end.time_s || !sample.total_w) continue;
    w.peak_power_w = std::max(w.peak_power_w.value_or(*sample.total_w), *sample.total_w);
  }
  return w;
}

std::vector<PowerSample> Sampler::trace(double begin_s, double end_s) const {
  const std::lock_guard lock(mutex_);
  std::vector<PowerSample> out;
  for (const auto& sample : trace_) {
    if (sample.time_s > begin_s && sample.time_s <= end_s) out.push_back(sample);
  }
  return out;
}

void Sampler::discard_trace_before(double time_s) {
  const std::lock_guard lock(mutex_);
  std::erase_if(trace_, [time_s](const PowerSample& sample) { return sample.time_s < time_s; });
}

std::vector<std::string> Sampler::faults() const {
  const std::lock_guard lock(mutex_);
  return faults_;
}

std::size_t Sampler::reads() const {
  const std::lock_guard lock(mutex_);
  return reads_;
}

}  // namespace greenbatch::energy
