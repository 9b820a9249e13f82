// End-to-end: `greenbatch run --target` and `study` with targets against `greenbatch serve`
// processes started by each test on 127.0.0.1 (synthetic backend): the record matches the
// server's own --db record; a server killed mid-trial; a slow server where sends exceed
// --max-in-flight; a plain web server refused before the trial; bad URLs and flags.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "cli/db_rows.h"
#include "cli/run_cli.h"
#include "cli/serve_process.h"
#include "support/http_client.h"
#include "support/temp_dir.h"

namespace greenbatch::testing {
namespace {

using nlohmann::json;

std::vector<std::string> serve_args(const std::string& spec, const std::string& policy, const std::string& db = {}) {
  std::vector<std::string> args{"--backend", spec,       "--meter", "estimate",         "--idle-seconds",
                                "0",         "--policy", policy,    "--warmup-batches", "0"};
  if (!db.empty()) args.insert(args.end(), {"--db", db});
  return args;
}

std::string url(std::uint16_t port) { return "http://127.0.0.1:" + std::to_string(port); }

// `run --target` of the synthetic model with a tensor payload and `more` flags.
std::vector<std::string> remote_run(std::uint16_t port, std::vector<std::string> more) {
  std::vector<std::string> args{"run",    "--target", url(port), "--model",        "synthetic", "--payload",
                                "tensor", "--meter",  "none",    "--idle-seconds", "0"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

json export_table(const std::string& db, const std::string& table) {
  const auto out = run_cli({"export", "--db", db, "--table", table, "--format", "json"});
  EXPECT_EQ(out.exit_code, 0) << out.err;
  return out.exit_code == 0 ? json::parse(out.out) : json::array();
}

// A port nothing listens on right now (bound, then released).
std::uint16_t free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

// Polls the server's /metrics (at most 60 s) until `done` holds for it.
bool wait_for_metrics(std::uint16_t port, const std::function<bool(const std::string&)>& done) {
  for (int i = 0; i < 600; ++i) {
    const auto reply = http_request(port, "GET", "/metrics");
    if (reply.status == 200 && done(reply.body)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

TEST(RemoteRunCli, BadUrlsAndFlagsAreUsageErrors) {
  for (const std::string bad :
       {"https://127.0.0.1:8000", "ftp://127.0.0.1", "http://", "http://127.0.0.1:99999", "http://127.0.0.1:80x",
        "127.0.0.1:8000", "http://user@127.0.0.1:8000", "http://127.0.0.1:8000/v2", "http://127.0.0.1:8000?x=1"}) {
    const auto r = run_cli({"run", "--target", bad, "--model", "m", "--arrival", "jitter:10", "--requests", "3"});
    EXPECT_EQ(r.exit_code, 2) << bad << ": " << r.err;
    EXPECT_NE(r.err.find("--target '" + bad + "'"), std::string::npos) << r.err;
  }
  const auto https = run_cli({"run", "--target", "https://h", "--model", "m", "--arrival", "jitter:10", "-n", "3"});
  EXPECT_NE(https.err.find("https is not supported"), std::string::npos) << https.err;
  const auto no_target = run_cli({"run", "--backend", "synthetic:alpha=0,tau0=0", "--policy", "greedy", "--arrival",
                                  "jitter:10", "-n", "3", "--max-in-flight", "4"});
  EXPECT_EQ(no_target.exit_code, 2) << no_target.err;
  EXPECT_NE(no_target.err.find("add --target URL"), std::string::npos) << no_target.err;
  const auto policy = run_cli(remote_run(1, {"--policy", "greedy", "--arrival", "jitter:10", "-n", "3"}));
  EXPECT_EQ(policy.exit_code, 2) << policy.err;
  EXPECT_NE(policy.err.find("the server batches"), std::string::npos) << policy.err;
  const auto payload = run_cli(remote_run(1, {"--payload", "video", "--arrival", "jitter:10", "-n", "3"}));
  EXPECT_EQ(payload.exit_code, 2) << payload.err;
  const auto zero = run_cli(remote_run(1, {"--max-in-flight", "0", "--arrival", "jitter:10", "-n", "3"}));
  EXPECT_EQ(zero.exit_code, 2) << zero.err;
}

TEST(RemoteRunCli, NothingListeningIsAnInputErrorBeforeTheTrial) {
  TempDir dir("remote-refused");
  const auto db = (dir.path() / "r.db").string();
  const auto r = run_cli(remote_run(free_port(), {"--arrival", "jitter:10", "-n", "3", "--db", db}));
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("start the server or correct the URL"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(db)) << "a refused target must not create the store";
}

TEST(RemoteRunCli, APlainWebServerIsRefusedWithAClearError) {
  TempDir dir("remote-not-oip");
  const auto port = free_port();
  const pid_t pid = fork();
  if (pid == 0) {
    const auto log = (dir.path() / "http.log").string();
    freopen(log.c_str(), "w", stdout);
    freopen(log.c_str(), "a", stderr);
    chdir(dir.path().c_str());
    execlp("python3", "python3", "-m", "http.server", std::to_string(port).c_str(), "--bind", "127.0.0.1", nullptr);
    _exit(127);
  }
  bool up = false;
  for (int i = 0; i < 300 && !up; ++i) {  // 30 s at most
    up = http_request(port, "GET", "/").status == 200;
    if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(up) << "python3 -m http.server did not start";
  const auto r = run_cli(remote_run(port, {"--arrival", "jitter:10", "-n", "3"}));
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("is not an Open Inference Protocol server: GET /v2/health/ready answered 404"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(url(port)), std::string::npos) << r.err;
}

TEST(RemoteRunCli, UnknownModelOnTheServerIsNamed) {
  TempDir dir("remote-model");
  ServeProcess server(serve_args("synthetic:alpha=0,tau0=0,mode=sleep", "greedy:4"), (dir.path() / "log").string());
  ASSERT_NE(server.port(), 0);
  auto args = remote_run(server.port(), {"--arrival", "jitter:10", "-n", "3"});
  std::ranges::replace(args, std::string("synthetic"), std::string("resnet99"));
  const auto r = run_cli(args);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("model 'resnet99' is not ready"), std::string::npos) << r.err;
}

// Two servers batching differently; a study with both as targets. Each trial's batch columns
// equal those of the server's own record, its policy is what the server reports, and the
// server-reported energy carries the server's source and lies within the server's window.
TEST(RemoteStudyCli, TwoServerPoliciesMatchEachServersOwnRecord) {
  TempDir dir("remote-study");
  const std::vector<std::string> policies{"fixed:4", "greedy:8"};
  std::vector<std::unique_ptr<ServeProcess>> servers;
  std::vector<std::string> server_dbs;
  for (std::size_t i = 0; i < policies.size(); ++i) {
    server_dbs.push_back((dir.path() / ("server" + std::to_string(i) + ".db")).string());
    servers.push_back(std::make_unique<ServeProcess>(
        serve_args("synthetic:alpha=2,tau0=3,mode=sleep", policies[i], server_dbs.back()),
        (dir.path() / ("server" + std::to_string(i) + ".log")).string()));
    ASSERT_NE(servers.back()->port(), 0);
  }
  const auto file = dir.path() / "study.toml";
  std::ofstream(file) << "name = \"remote\"\nmodels = [\"synthetic\"]\narrivals = [\"poisson:300\"]\nrequests = 48\n"
                      << "targets = [\"" << url(servers[0]->port()) << "\", \"" << url(servers[1]->port()) << "\"]\n"
                      << "payload = \"tensor\"\nmeter = \"none\"\nidle_seconds = 0\nrest_seconds = 0\n";
  const auto db = (dir.path() / "study.db").string();
  const auto study = run_cli({"study", file.string(), "--db", db});
  ASSERT_EQ(study.exit_code, 0) << study.out << study.err;
  for (auto& s : servers) EXPECT_EQ(s->stop(SIGTERM), 0) << s->log();

  const auto trials = export_table(db, "trials");
  ASSERT_EQ(trials.size(), 2U);
  for (std::size_t i = 0; i < policies.size(); ++i) {
    const auto own = export_table(server_dbs[i], "trials");
    ASSERT_EQ(own.size(), 1U);
    const auto mine = std::ranges::find_if(trials,
                                           [&](const json& t) { return t["target"] == url(servers[i]->port()); });
    ASSERT_NE(mine, trials.end());
    const auto& t = *mine;
    EXPECT_EQ(t["status"], "ok") << t["status_detail"];
    EXPECT_EQ(t["policy"], policies[i]);  // reported by the server
    EXPECT_EQ(t["backend"], "remote");
    EXPECT_EQ(t["served"], 48);
    EXPECT_EQ(t["served"], own[0]["served"]);
    EXPECT_EQ(t["batches"], own[0]["batches"]);
    EXPECT_DOUBLE_EQ(t["mean_batch_size"].get<double>(), own[0]["mean_batch_size"].get<double>());
    EXPECT_EQ(t["server_energy_source"], own[0]["energy_source"]);
    EXPECT_EQ(t["server_energy_source"], "estimate");
    EXPECT_EQ(t["energy_source"], "none");  // this machine's meters were off: no local figure
    ASSERT_TRUE(t["server_energy_j"].is_number()) << t.dump();
    EXPECT_GT(t["server_energy_j"].get<double>(), 0.0);
    EXPECT_LE(t["server_energy_j"].get<double>(), own[0]["energy_j"].get<double>() * (1 + 1e-9));
    // Batch by batch: the sizes the client rebuilt from the answers are the server's.
    const auto batches = export_table(db, "batches");
    const auto own_batches = export_table(server_dbs[i], "batches");
    std::vector<int> client_sizes, server_sizes;
    for (const auto& b : batches) {
      if (b["trial_id"] == t["trial_id"]) client_sizes.push_back(b["size"].get<int>());
    }
    for (const auto& b : own_batches) server_sizes.push_back(b["size"].get<int>());
    EXPECT_EQ(client_sizes, server_sizes);
  }
  // Grouped by the server-side policy in the report.
  const auto report = run_cli({"report", "--db", db, "--out", (dir.path() / "report").string()});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  std::ifstream in(dir.path() / "report" / "report.md");
  std::stringstream text;
  text << in.rdbuf();
  const auto summary = text.str();
  for (const auto& policy : policies) EXPECT_NE(summary.find("| " + policy + " |"), std::string::npos) << summary;
}

TEST(RemoteRunCli, AServerKilledMidTrialKeepsTheDataAndCountsTheFaults) {
  TempDir dir("remote-killed");
  ServeProcess server(serve_args("synthetic:alpha=0,tau0=2,mode=sleep", "greedy:4"), (dir.path() / "log").string());
  ASSERT_NE(server.port(), 0);
  const auto db = (dir.path() / "r.db").string();
  const auto log = (dir.path() / "client.log").string();
  constexpr int kRequests = 400;  // 8 s at 50/s: the server is killed once some are answered
  auto args = remote_run(server.port(), {"--arrival", "jitter:50", "-n", std::to_string(kRequests), "--db", db,
                                         "--request-timeout-ms", "5000"});
  const int client = spawn_cli(args, log);
  ASSERT_TRUE(wait_for_metrics(server.port(), [](const std::string& m) {
    return m.find("greenbatch_batches_total 0\n") == std::string::npos &&
           m.find("greenbatch_batches_total") != std::string::npos;
  }));
  server.stop(SIGKILL);
  int status = 0;
  waitpid(client, &status, 0);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 5);
  const auto trials = export_table(db, "trials");
  ASSERT_EQ(trials.size(), 1U);
  const auto& t = trials[0];
  EXPECT_EQ(t["status"], "server_failed");
  EXPECT_EQ(t["requests"], kRequests);
  EXPECT_GT(t["served"].get<int>(), 0);
  EXPECT_LT(t["served"].get<int>(), kRequests);
  const auto faults = t["request_faults"].get<std::string>();
  EXPECT_TRUE(faults.find("refused=") != std::string::npos || faults.find("reset=") != std::string::npos) << faults;
  const auto rows = export_table(db, "remote_requests");
  ASSERT_EQ(rows.size(), static_cast<std::size_t>(kRequests));  // every request kept, failed ones included
  int failed = 0;
  for (const auto& r : rows) failed += r["fault"] != "none" ? 1 : 0;
  EXPECT_EQ(failed, kRequests - t["served"].get<int>());
}

TEST(RemoteRunCli, SendsBeyondMaxInFlightWaitAndAreCountedLate) {
  TempDir dir("remote-slow");
  // 40 ms per request, one at a time, while requests are due every 5 ms.
  ServeProcess server(serve_args("synthetic:alpha=40,tau0=0,mode=sleep", "greedy:1"), (dir.path() / "log").string());
  ASSERT_NE(server.port(), 0);
  const auto db = (dir.path() / "r.db").string();
  constexpr int kRequests = 12;
  const auto r = run_cli(remote_run(server.port(), {"--arrival", "jitter:200,spread=0", "-n", std::to_string(kRequests),
                                                    "--max-in-flight", "2", "--db", db}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto t = export_table(db, "trials").at(0);
  EXPECT_EQ(t["served"], kRequests);
  EXPECT_EQ(t["queue_capacity"], 2);
  EXPECT_GT(t["late_requests"].get<int>(), 0);
  const auto rows = export_table(db, "remote_requests");
  ASSERT_EQ(rows.size(), static_cast<std::size_t>(kRequests));
  // Never more than 2 in flight; never sent early; late ones keep their schedule.
  std::vector<std::pair<double, int>> events;
  double worst_late = 0;
  for (const auto& q : rows) {
    const double sent = q["sent_s"].get<double>(), done = q["completed_s"].get<double>();
    EXPECT_GE(sent, q["scheduled_s"].get<double>());
    worst_late = std::max(worst_late, sent - q["scheduled_s"].get<double>());
    events.emplace_back(sent, 1);
    events.emplace_back(done, -1);
  }
  std::ranges::sort(events);  // an end before a start at the same instant
  int flying = 0, most = 0;
  for (const auto& [time, delta] : events) most = std::max(most, flying += delta);
  EXPECT_LE(most, 2);
  EXPECT_NEAR(t["lateness_max_ms"].get<double>(), worst_late * 1e3, 1e-6);
  // Response times run from the scheduled time: the waiting shows.
  const auto requests = export_table(db, "requests");
  for (std::size_t i = 0; i < requests.size(); ++i) {
    EXPECT_EQ(requests[i]["arrival_s"], requests[i]["scheduled_s"]);
  }
}

}  // namespace
}  // namespace greenbatch::testing
