#pragma once
// A meter that returns scripted readings, for sampler and baseline tests.

#include <deque>
#include <string>
#include <vector>

#include "greenbatch/energy/meter.h"

namespace greenbatch::testing {

/// Returns the scripted readings in order; throws MeterFault when they run out.
class ScriptedMeter final : public energy::Meter {
 public:
  /// `source` labels its figures; `resolution_s` is its counter update period.
  ScriptedMeter(std::string source, std::vector<energy::Domain> domains, std::deque<energy::Reading> readings,
                double resolution_s = 0.0)
      : source_(std::move(source)),
        domains_(std::move(domains)),
        readings_(std::move(readings)),
        resolution_s_(resolution_s) {}
  [[nodiscard]] std::string_view name() const override { return source_; }
  [[nodiscard]] std::string_view source() const override { return source_; }
  [[nodiscard]] const std::vector<energy::Domain>& domains() const override { return domains_; }
  [[nodiscard]] double resolution_s() const override { return resolution_s_; }
  energy::Reading read() override {
    if (readings_.empty()) throw energy::MeterFault(source_ + " ran out of scripted readings");
    auto r = readings_.front();
    readings_.pop_front();
    return r;
  }

 private:
  std::string source_;
  std::vector<energy::Domain> domains_;
  std::deque<energy::Reading> readings_;
  double resolution_s_;
};

}  // namespace greenbatch::testing
