#pragma once
// The timeline's question asked of a study: when its fixed:1 trials cover zoo models from several
// years, how fast do energy per image and accuracy grow per year?

#include <optional>
#include <string>
#include <vector>

#include "greenbatch/report/timeline.h"
#include "trial_rows.h"

namespace greenbatch::report {

/// stored_energy on the report's rows.
std::vector<StoredEnergy> stored_energy(const std::vector<TrialRow>& rows, int batch_size);

/// Per host, the growth rates of energy per image (from the ok fixed:1 trials of zoo models) and
/// of top-1 accuracy, as sentences with their numbers; empty when no host has zoo models from two
/// different years.
std::vector<std::string> timeline_findings(const std::vector<TrialRow>& rows);

}  // namespace greenbatch::report
