// greenbatch: dispatches to the subcommands and maps errors to exit codes.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include "commands.h"
#include "greenbatch/core/error.h"
#include "greenbatch/knobs/knob_state.h"
#include "idle_threads.h"

int main(int argc, char** argv) {
  greenbatch::cli::ensure_sleeping_idle_threads(argc, argv);
  CLI::App app{"greenbatch: energy and response time of batched neural-network inference"};
  app.require_subcommand(1);
  greenbatch::cli::add_models_command(app);
  greenbatch::cli::add_classify_command(app);
  greenbatch::cli::add_meters_command(app);
  greenbatch::cli::add_knobs_command(app);
  greenbatch::cli::add_profile_command(app);
  greenbatch::cli::add_run_command(app);
  greenbatch::cli::add_simulate_command(app);
  greenbatch::cli::add_validate_command(app);
  greenbatch::cli::add_recommend_command(app);
  greenbatch::cli::add_study_command(app);
  greenbatch::cli::add_report_command(app);
  greenbatch::cli::add_timeline_command(app);
  greenbatch::cli::add_export_command(app);
  greenbatch::cli::add_serve_command(app);
  greenbatch::cli::add_slurm_command(app);
  greenbatch::cli::add_merge_command(app);
  std::vector<std::string> names;
  for (const auto* sub : app.get_subcommands({})) names.push_back(sub->get_name());
  if (argc > 1 && argv[1][0] != '-' && std::ranges::find(names, argv[1]) == names.end()) {
    fmt::print(stderr, "greenbatch: unknown command '{}'; the commands are: {}\nRun 'greenbatch --help' for usage.\n",
               argv[1], fmt::join(names, ", "));
    return static_cast<int>(greenbatch::ExitCode::usage);
  }
  try {
    // Knobs a killed run left set are put back before anything else runs.
    for (const auto& line : greenbatch::knobs::restore_left_over(greenbatch::knobs::KnobOptions::from_environment())) {
      fmt::print(stderr, "greenbatch: {}\n", line);
    }
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "greenbatch: {}\nRun 'greenbatch --help' or 'greenbatch COMMAND --help' for usage.\n", e.what());
    return static_cast<int>(greenbatch::ExitCode::usage);
  } catch (const greenbatch::Error& e) {
    fmt::print(stderr, "greenbatch: error: {}\n", e.what());
    return static_cast<int>(e.exit_code());
  } catch (const std::bad_alloc&) {
    fmt::print(stderr,
               "greenbatch: error: not enough memory for what was asked; lower the sizes given (requests, "
               "batch sizes, queue capacity, images) and run again\n");
    return static_cast<int>(greenbatch::ExitCode::input);
  } catch (const std::exception& e) {
    fmt::print(stderr, "greenbatch: internal error: {}\n", e.what());
    return static_cast<int>(greenbatch::ExitCode::failure);
  }
  return 0;
}
