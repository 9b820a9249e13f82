#pragma once
/// The accuracy-versus-energy timeline of the zoo: energy per image against publication year and
/// against top-1 accuracy, with the yearly growth of each (log-linear fits), ShuffleNetV2 marked.

#include <filesystem>
#include <string>
#include <vector>

#include "greenbatch/stats/regression.h"
#include "greenbatch/trial/trial_record.h"

namespace greenbatch::report {

/// One model on the timeline.
struct TimelinePoint {
  std::string model;                ///< zoo name
  int year = 0;                     ///< publication year
  double top1 = 0.0;                ///< ImageNet-1K top-1 accuracy, %
  double energy_per_image_j = 0.0;  ///< measured (or estimated) energy per image, J
  std::string source;               ///< the energy's source label (rapl, nvml, estimate, ...)
  std::string host;                 ///< the machine it was measured on ("" when measured now)
};

/// One model's stored energy per image on one host.
struct StoredEnergy {
  std::string model, host, source;  ///< zoo name, machine, energy source
  double energy_per_image_j = 0.0;  ///< mean energy per request of its trials
  std::size_t trials = 0;           ///< how many trials the mean is over
};

/// The mean energy per request of the ok trials with a fixed batch of `batch_size`, per model
/// and host (the environment record's), in order of model then host.
std::vector<StoredEnergy> stored_energy(const std::vector<trial::TrialRecord>& trials, int batch_size);

/// The points and the fitted growth rates.
struct Timeline {
  std::vector<TimelinePoint> points;  ///< ordered by year
  stats::GrowthFit energy;            ///< ln(energy per image) on year
  stats::GrowthFit accuracy;          ///< ln(top-1) on year
  std::string origin;                 ///< how the energy was obtained ("measured now at batch 1", "from DB ...")
};

/// Throws InputError unless `years` holds at least two different years (checked before measuring).
void require_two_years(const std::vector<int>& years);

/// Fits the growth rates; needs models from at least two different years (InputError otherwise).
Timeline build_timeline(std::vector<TimelinePoint> points, std::string origin);

/// Writes DIR/timeline.csv, DIR/timeline.md and the figures timeline_year and timeline_accuracy
/// (SVG and PNG, drawn like the report's; one series per host when there are several). Returns the
/// Markdown file's path.
std::filesystem::path write_timeline(const Timeline& timeline, const std::filesystem::path& dir);

}  // namespace greenbatch::report
