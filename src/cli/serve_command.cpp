// `greenbatch serve`: an Open Inference Protocol server batching with a policy, energy per
// request, Prometheus metrics, served traffic stored as trials; SIGTERM/SIGINT drain and stop.
#include <fmt/format.h>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>
#include <algorithm>

#include <csignal>
#include <filesystem>
#include <optional>

#include "backend_flags.h"
#include "commands.h"
#include "greenbatch/batching/policy_spec.h"
#include "greenbatch/core/error.h"
#include "greenbatch/profile/profile_document.h"
#include "greenbatch/serve/server.h"
#include "greenbatch/sim/profile_estimate.h"
#include "greenbatch/store/result_store.h"
#include "greenbatch/trial/environment.h"
#include "greenbatch/trial/trial_builder.h"
#include "meter_flags.h"
#include "number_flags.h"

namespace greenbatch::cli {
namespace {

struct ServeFlags {
  BackendFlags backend;
  MeterFlags meter;
  std::string policy = "greedy";
  std::string name;
  std::string host = "127.0.0.1";
  std::uint16_t port = 8000;
  int io_threads = 2;
  std::optional<std::int64_t> queue_capacity;
  std::size_t max_body_bytes = 16u << 20;
  double header_timeout_s = 10.0;
  double body_timeout_s = 30.0;
  double drain_timeout_s = 60.0;
  int warmup_batches = 2;
  std::optional<double> slo_ms;
  std::string db;
  std::optional<double> record_every_s;
  std::string profile;
};

std::string model_name(const ServeFlags& flags, const std::string& target) {
  if (!flags.name.empty()) return flags.name;
  if (!flags.backend.synthetic.empty()) return "synthetic";
  if (!flags.backend.model_file.empty()) return std::filesystem::path(target).stem().string();
  return target;
}

// SIGINT and SIGTERM write a byte to this pipe; the main loop waits on it. A handler rather than
// a blocked mask: libraries (OpenBLAS, OpenMP) start threads before any command runs, and a
// signal may be delivered to any of them.
int stop_pipe[2] = {-1, -1};

extern "C" void on_stop_signal(int) {
  const char byte = 1;
  [[maybe_unused]] const auto n = write(stop_pipe[1], &byte, 1);
}

void catch_stop_signals() {
  if (pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK) != 0) throw Error("cannot create the shutdown pipe");
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  action.sa_flags = SA_RESTART;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

// Waits up to `seconds` for SIGINT/SIGTERM; true when one came.
bool wait_for_stop(double seconds) {
  pollfd fd{stop_pipe[0], POLLIN, 0};
  return poll(&fd, 1, static_cast<int>(seconds * 1e3)) > 0;
}

void store_window(serve::TrafficRecorder& recorder, store::ResultStore& db, const std::string& file) {
  if (auto record = recorder.cut()) {
    db.save_trial(*record);
    fmt::print(stderr, "stored trial {} ({} requests, {} served) in {}\n", record->trial_id, record->summary.requests,
               record->summary.served, file);
  }
}

void run_serve(const ServeFlags& flags) {
  catch_stop_signals();
  // Every input is checked before the model loads and before the database is touched.
  const auto specs = backend_specs(flags.backend);
  if (specs.size() != 1) throw UsageError("serve takes one model");
  const std::vector<std::string> targets{specs.front().target()};
  std::vector<profile::ProfileCell> cells;
  if (!flags.profile.empty())
    cells = profile::model_cells(profile::load_profile_document(flags.profile), targets.front());
  const auto spec = sim::resolve_with_profile(batching::PolicySpec::parse(flags.policy), cells, flags.profile);
  const auto policy = batching::make_policy(spec);
  const auto slo_ms = flags.slo_ms                                 ? flags.slo_ms
                      : spec.family == batching::PolicyFamily::slo ? std::optional<double>(spec.slo_ms)
                                                                   : std::nullopt;
  const auto batch = static_cast<std::int64_t>(policy->max_batch());
  const auto capacity = flags.queue_capacity.value_or(trial::default_queue_capacity(policy->max_batch()));
  if (capacity < batch) {
    throw UsageError(fmt::format("--queue-capacity {} is below the policy's batch size {} ({}); raise --queue-capacity",
                                 capacity, batch, policy->spec()));
  }
  if (flags.record_every_s && flags.db.empty()) throw UsageError("--record-every needs --db FILE to store into");
  std::optional<store::ResultStore> db;
  if (!flags.db.empty()) db = store::ResultStore::open(flags.db);

  auto backend = engine::make_backend(specs.front());
  const auto warm_size = static_cast<int>(std::min<std::size_t>(policy->max_batch(), trial::kWarmupBatchCap));
  fmt::print(stderr, "warming up {} at batch sizes 1 and {} (on CUDA, every size up to it) ...\n", targets.front(),
             warm_size);
  backend->warm_up(1, flags.warmup_batches);
  backend->warm_up(warm_size, flags.warmup_batches);
  const auto sampler = start_sampler(flags.meter);
  const auto idle = measure_idle_baseline(flags.meter, *sampler);
  energy::Sampler* energy = sampler->domains().empty() ? nullptr : sampler.get();

  const auto info = backend->info();
  std::optional<serve::TrafficRecorder> recorder;
  if (db) {
    recorder.emplace(trial::TrialConfig{.model = info.model,
                                        .backend = info.kind,
                                        .device = info.device,
                                        .threads = info.threads,
                                        .weights = info.weights,
                                        .policy = policy->spec(),
                                        .arrival = "http",
                                        .seed = flags.backend.seed,
                                        .slo_ms = slo_ms,
                                        .queue_capacity = capacity,
                                        .images = "http",
                                        .meter = sampler->meter_names(),
                                        .idle_seconds = flags.meter.idle_seconds},
                     trial::environment_json(info, *sampler), energy, idle);
  }
  serve::ServerOptions options{
      .http = {flags.host, flags.port, flags.io_threads, flags.max_body_bytes, flags.header_timeout_s,
               flags.body_timeout_s},
      .queue_capacity = static_cast<std::size_t>(capacity),
      .service = {model_name(flags, targets.front()), energy, idle, recorder ? &*recorder : nullptr, 1.0},
      .drain_timeout_s = flags.drain_timeout_s,
      .estimate = sim::estimate_from_profile(cells)};
  serve::Server server(*backend, *policy, options);
  server.start();
  fmt::print(stderr, "serving {} as \"{}\" on http://{}:{} with {} (queue {}); SIGTERM or Ctrl-C drains and stops\n",
             info.model, options.service.model_name, flags.host, server.port(), policy->spec(), capacity);

  // Wake up every window (--record-every) to store it, else every 10 s to drop the power trace
  // nothing will store (memory stays bounded; /metrics reads only the last second of it).
  const double period = flags.record_every_s.value_or(10.0);
  while (!wait_for_stop(period)) {
    if (flags.record_every_s) {
      store_window(*recorder, *db, flags.db);
    } else if (!recorder) {
      sampler->discard_trace_before(sampler->mark().time_s - 2.0);
    }
  }
  fmt::print(stderr, "stopping: no new requests; answering the {} accepted ...\n", server.service().pending());
  const bool answered = server.drain();
  if (recorder) store_window(*recorder, *db, flags.db);
  for (const auto& fault : sampler->faults()) fmt::print(stderr, "energy: {}\n", fault);
  if (const auto error = server.worker_error()) std::rethrow_exception(error);
  if (!answered)
    throw Error(fmt::format("{} answers were not written within --drain-timeout {} s", server.service().pending(),
                            flags.drain_timeout_s));
  fmt::print(stderr, "stopped: every accepted request was answered\n");
}

}  // namespace

void add_serve_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "serve",
      "An Open Inference Protocol (KServe v2) HTTP server that batches with a policy and reports energy "
      "per request and Prometheus metrics");
  auto flags = std::make_shared<ServeFlags>();
  add_backend_flags(*cmd, flags->backend, /*several_models=*/false, /*synthetic=*/true);
  add_meter_flags(*cmd, flags->meter);
  cmd->add_option("--policy,-p", flags->policy, batching::kPolicySyntax)->capture_default_str();
  cmd->add_option("--name", flags->name,
                  "the model's name in /v2/models/NAME (default: the model, file stem, or synthetic)");
  cmd->add_option("--host", flags->host, "address to listen on (0.0.0.0: every interface)")->capture_default_str();
  add_number_option(*cmd, "--port", flags->port, "port to listen on (0: any free port, printed)",
                    NumberRange::between(0, 65535));
  add_number_option(*cmd, "--io-threads", flags->io_threads, "HTTP threads (decoding and preprocessing run on them)",
                    NumberRange::between(1, 256));
  add_number_option(*cmd, "--queue-capacity", flags->queue_capacity,
                    "bound of the request queue; requests beyond it are answered 503 (default: max(1024, batch size))",
                    NumberRange::between(1, 10'000'000));
  add_number_option(*cmd, "--max-body-bytes", flags->max_body_bytes, "larger request bodies are answered 413",
                    NumberRange::between(1, 1 << 30));
  add_number_option(*cmd, "--header-timeout", flags->header_timeout_s,
                    "seconds a connection may take to send a request header", NumberRange::between(1e-3, 86400));
  add_number_option(*cmd, "--body-timeout", flags->body_timeout_s,
                    "seconds a request body (or reading an answer) may take", NumberRange::between(1e-3, 86400));
  add_number_option(*cmd, "--drain-timeout", flags->drain_timeout_s, "seconds to wait for the last answers on shutdown",
                    NumberRange::between(1e-3, 86400));
  add_number_option(*cmd, "--warmup-batches", flags->warmup_batches,
                    "uncounted batches at sizes 1 and the policy's maximum", NumberRange::between(0, 10'000));
  add_number_option(*cmd, "--slo", flags->slo_ms,
                    "response-time objective, ms (slo_attainment of stored trials; default: an slo policy's)",
                    NumberRange::above(0));
  cmd->add_option("--profile", flags->profile,
                  "profile document (profile --out F.json) of this model: seeds the policy's service-time estimate "
                  "and gives slo its default max");
  cmd->add_option("--db", flags->db,
                  "store the served traffic as a trial (requests, batches, power trace) in this SQLite file");
  add_number_option(*cmd, "--record-every", flags->record_every_s,
                    "with --db: store one trial per window of this many seconds", NumberRange::between(1e-3, 1e7));
  cmd->callback([flags] { run_serve(*flags); });
}

}  // namespace greenbatch::cli
