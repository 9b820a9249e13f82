#pragma once
/// Submitting a batch script to Slurm with the `sbatch` command.

#include <filesystem>
#include <string>
#include <vector>

namespace greenbatch::cluster {

/// Runs `sbatch --parsable ARGS... SCRIPT` and returns the job id it prints. Blocks until sbatch
/// returns. Throws UnsupportedError when sbatch is not installed, Error with sbatch's own message
/// when it refuses the job.
std::string submit(const std::filesystem::path& script, const std::vector<std::string>& sbatch_args = {});

}  // namespace greenbatch::cluster
