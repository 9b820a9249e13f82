#pragma once
/// The profile document: a profile written as one JSON file with its environment and every
/// batch's latency, so that the simulator can replay the measured service times. Format
/// "greenbatch-profile", version 2 (the README, "Profile document"): version 1 plus, per cell, the
/// batches run after idle gaps. Version 1 documents still load, without idle-gap data. Cells may
/// name the power knobs held for the profile (cpu_max_freq_khz, gpu_power_limit_w, gpu_clocks_mhz);
/// absent or null is "not set", so documents written before them load unchanged (no new version).

#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "greenbatch/profile/profile_record.h"

namespace greenbatch::profile {

/// The name in the document's "format" member.
inline constexpr const char* kProfileFormat = "greenbatch-profile";
/// The document version this build writes.
inline constexpr int kProfileVersion = 2;
/// The oldest version this build reads (it has no idle-gap cells).
inline constexpr int kOldestProfileVersion = 1;

/// One cell of a document as the simulator reads it back.
struct ProfileCell {
  std::string model;                                 ///< zoo name, model file or synthetic spec
  std::string backend;                               ///< "torch" or "synthetic"
  std::string device;                                ///< "cpu" or "cuda:N"
  int threads = 0;                                   ///< intra-op threads
  std::string weights;                               ///< random(seed=N), a file, or none
  std::string precision = "fp32";                    ///< fp32 or bf16 (fp32 in documents written before it)
  knobs::KnobSettings knobs;                         ///< power knobs held for the profile (unset: the machine's
                                                     ///< own, and in documents written before them)
  int batch_size = 0;                                ///< images per batch
  bool includes_preprocess = false;                  ///< batch times include decoding and preprocessing
  double latency_mean_ms = 0.0;                      ///< mean batch latency, ms
  std::vector<double> latency_samples_ms;            ///< every timed batch's latency, ms (non-empty)
  std::optional<double> energy_per_batch_j;          ///< energy of one batch, J
  std::optional<double> dynamic_energy_per_batch_j;  ///< its part above the idle baseline, J
  std::vector<IdleGapSamples> idle_gaps;             ///< batches after idle gaps, ascending gap (empty: none
                                                     ///< measured, or a version-1 document)
};

/// A profile document read back.
struct ProfileDocument {
  std::string path;                    ///< where it was read from (for messages)
  int version = kProfileVersion;       ///< the document's version (1: no idle-gap cells)
  std::string environment_json;        ///< the environment it was measured in, JSON text
  std::optional<double> idle_power_w;  ///< idle power measured before the profile, W
  std::string energy_source = "none";  ///< what measured the energy ("rapl", "estimate", "none", ...)
  std::vector<ProfileCell> cells;      ///< in document order
};

/// Writes `records` as a profile document: format, version, the environment (`environment_json`,
/// a JSON object's text), the idle power and energy source (of the first record), and one cell per
/// record with every ProfileRecord column plus latency_samples_ms, energy_per_batch_j,
/// dynamic_energy_per_batch_j and idle_gaps ([{gap_ms, latency_samples_ms, energy_per_batch_j}]).
void write_profile_document(std::ostream& out, const std::vector<ProfileRecord>& records,
                            const std::string& environment_json);

/// Reads a profile document from `in`; `name` names it in messages. Throws InputError naming the
/// file, the cell and the member when it is not a profile document of version 1 or 2, or a value
/// is missing or malformed (a version-2 cell must have idle_gaps, possibly empty; a knob, when
/// present and not null, must be a whole number >= 1).
ProfileDocument read_profile_document(std::istream& in, const std::string& name);

/// Reads the profile document at `path` (InputError when it cannot be opened or read).
ProfileDocument load_profile_document(const std::string& path);

/// The cells of `model` in ascending batch size; with `model` empty, those of the document's only
/// model. Throws InputError when the model is absent, when the document holds several models and
/// none was chosen (the message lists them), or when a batch size appears twice.
std::vector<ProfileCell> model_cells(const ProfileDocument& document, const std::string& model);

}  // namespace greenbatch::profile
