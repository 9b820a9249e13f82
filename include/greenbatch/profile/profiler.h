#pragma once
/// The offline profile: a backend run at one batch size at a time with all inputs ready, after an
/// uncounted warm-up, until enough time and batches have passed.

#include <functional>
#include <vector>

#include "greenbatch/energy/baseline.h"
#include "greenbatch/energy/sampler.h"
#include "greenbatch/engine/backend.h"
#include "greenbatch/profile/profile_record.h"

namespace greenbatch::profile {

/// How long and how to profile each batch size.
struct ProfileOptions {
  std::vector<int> batch_sizes{1, 2, 4, 8};  ///< batch sizes, each > 0
  double min_seconds = 1.0;                  ///< time each cell at least this long, s
  int min_batches = 3;                       ///< and at least this many batches
  int warmup_batches = 2;                    ///< uncounted batches before each cell
  bool include_preprocess = false;           ///< time JPEG decoding + preprocessing with each batch
  unsigned seed = 1;                         ///< seed of the generated images
  std::vector<double> idle_gaps_ms;          ///< idle gaps to measure after the back-to-back batches, ms, ascending
                                             ///< (0 stands for the back-to-back batches and adds nothing)
  int gap_batches = 3;                       ///< batches timed after each idle gap > 0
};

/// Energy measurement for a profile: a running sampler and the idle baseline measured before.
struct ProfileEnergy {
  energy::Sampler* sampler = nullptr;  ///< null: no energy columns (source "none")
  energy::IdleBaseline idle;           ///< idle power for the dynamic energy (may be empty)
};

/// Called after each finished cell (for progress output); may be empty.
using RecordCallback = std::function<void(const ProfileRecord&)>;

/// Profiles `backend` at every batch size of `options`, in order: the back-to-back batches, then
/// for each idle gap > 0, `gap_batches` batches each run after sleeping that long (with their own
/// energy window, less idle power over the sleeps). Throws UsageError for a batch size <= 0, a
/// negative or unordered gap, or gap_batches < 1. Uses the calling thread; the backend must not be used concurrently.
/// With a sampler, each cell's timed batches are one energy window.
std::vector<ProfileRecord> run_profile(engine::Backend& backend, const ProfileOptions& options,
                                       const RecordCallback& on_record = {}, const ProfileEnergy& energy = {});

}  // namespace greenbatch::profile
