// End-to-end: `greenbatch slurm`. The scripts it writes and the flags it refuses; and a real
// one-node Slurm cluster on localhost (label slurm): the test starts munged, slurmctld and slurmd
// with a minimal configuration it writes, submits a 3-shard study with `greenbatch slurm --submit`,
// waits (bounded) for the array and the merge job, checks that the merged file holds every trial
// once, and stops the daemons it started.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <regex>
#include <thread>

#include "cli/db_rows.h"
#include "cli/run_cli.h"
#include "support/fixture_tree.h"
#include "support/temp_dir.h"
#include "support/text.h"

namespace greenbatch::testing {
namespace {

namespace fs = std::filesystem;

// 1 model x 3 policies x 2 repetitions = 6 trials: 2 per shard.
constexpr const char* kStudy = R"(name = "slurm e2e"
models = ["synthetic:alpha=0.2,tau0=0.5,mode=sleep"]
policies = ["fixed:1", "fixed:2", "greedy:8"]
arrivals = ["jitter:400"]
requests = 10
repetitions = 2
idle_seconds = 0
rest_seconds = 0
meter = "none"
)";

TEST(SlurmCli, WritesTheArrayAndMergeScripts) {
  TempDir dir("slurm_cli_scripts");
  write_file(dir.path() / "study.toml", kStudy);
  const auto r = run_cli({"slurm", (dir.path() / "study.toml").string(), "--shards", "3", "--partition", "gpu",
                          "--time", "30:00", "--gres", "gpu:1", "--throttle", "2", "--out",
                          (dir.path() / "job.sh").string(), "--db", (dir.path() / "out" / "all.db").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "sbatch --dependency=afterok:$jid " + (dir.path() / "job-merge.sh").string())) << r.out;
  const auto array = read_text(dir.path() / "job.sh");
  for (const auto* line :
       {"#SBATCH --array=0-2%2\n", "#SBATCH --exclusive\n", "#SBATCH --partition=gpu\n", "#SBATCH --time=30:00\n",
        "#SBATCH --gres=gpu:1\n", "#SBATCH --job-name=greenbatch-slurm-e2e\n"}) {
    EXPECT_TRUE(contains(array, line)) << line << array;
  }
  EXPECT_TRUE(contains(array, "study '" + (dir.path() / "study.toml").string() + "' --db '" +
                                  (dir.path() / "out" / "all-shard-{shard}.db").string() + "'"))
      << array;
  EXPECT_TRUE(
      contains(array, "#SBATCH --output=" + (dir.path() / "slurm-logs").string() + "/greenbatch-slurm-e2e-%A_%a.out"))
      << array;
  EXPECT_TRUE(fs::is_directory(dir.path() / "slurm-logs"));
  const auto merge = read_text(dir.path() / "job-merge.sh");
  EXPECT_TRUE(contains(merge, "merge '" + (dir.path() / "out" / "all.db").string() + "'")) << merge;
  EXPECT_TRUE(contains(merge, (dir.path() / "out" / "all-shard-2.db").string())) << merge;
  EXPECT_TRUE((fs::status(dir.path() / "job.sh").permissions() & fs::perms::owner_exec) != fs::perms::none);
}

TEST(SlurmCli, RefusesBadFlags) {
  TempDir dir("slurm_cli_bad");
  write_file(dir.path() / "study.toml", kStudy);
  const auto study = (dir.path() / "study.toml").string();
  const auto out = (dir.path() / "job.sh").string();
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{"--shards", "0"}, "--shards must be between 1 and 1000000, not '0'"},
      {{"--shards", "7"}, "the study has 6 trials"},
      {{"--shards", "2", "--time", "2h"}, "not a Slurm time limit"},
      {{"--shards", "2", "--throttle", "0"}, "--throttle 0"},
      {{"--shards", "2", "--partition", "a b"}, "--partition"},
      {{"--shards", "2", "--shard-db", "x.db"}, "must contain {shard}"},
  };
  for (const auto& [flags, message] : cases) {
    std::vector<std::string> args{"slurm", study, "--out", out};
    args.insert(args.end(), flags.begin(), flags.end());
    const auto r = run_cli(args);
    EXPECT_EQ(r.exit_code, 2) << message << ": " << r.err;
    EXPECT_TRUE(contains(r.err, message)) << r.err;
  }
  EXPECT_FALSE(fs::exists(out)) << "no script for refused flags";
  const auto missing = run_cli({"slurm", (dir.path() / "none.toml").string(), "--shards", "2"});
  EXPECT_EQ(missing.exit_code, 3) << missing.err;
  const auto folder = run_cli({"slurm", study, "--shards", "2", "--out", dir.path().string()});
  EXPECT_EQ(folder.exit_code, 3) << folder.err;
  EXPECT_TRUE(contains(folder.err, "is a folder")) << folder.err;
}

// ---- A real Slurm ----

// Standard output of a shell command line (stderr appended).
std::string capture(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return output;
  std::array<char, 4096> buffer{};
  while (const auto n = std::fread(buffer.data(), 1, buffer.size(), pipe)) output.append(buffer.data(), n);
  pclose(pipe);
  return output;
}

// A TCP port on 127.0.0.1 that nobody listens on right now.
int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t size = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  close(fd);
  return ntohs(address.sin_port);
}

std::string host_name() {
  std::array<char, 256> host{};
  gethostname(host.data(), host.size() - 1);
  std::string name = host.data();
  return name.substr(0, name.find('.'));
}

// munged, slurmctld and slurmd of a one-node cluster whose files all live in `dir`; the
// destructor stops (SIGTERM, then SIGKILL after 10 s) the daemons whose pid files it wrote.
class LocalSlurm {
 public:
  explicit LocalSlurm(const fs::path& dir) : dir_(dir), conf_(dir / "slurm.conf") {
    for (const auto* sub : {"munge", "state", "spool", "log"}) fs::create_directories(dir / sub);
    fs::permissions(dir / "munge", fs::perms::owner_all);
    std::ifstream random("/dev/urandom", std::ios::binary);
    std::string key(128, '\0');
    random.read(key.data(), static_cast<std::streamsize>(key.size()));
    write_file(dir / "munge" / "munge.key", key);
    fs::permissions(dir / "munge" / "munge.key", fs::perms::owner_read | fs::perms::owner_write);
    const auto host = host_name();
    const auto d = dir.string();
    const int controller_port = free_port();
    int node_port = free_port();
    while (node_port == controller_port) node_port = free_port();
    write_file(conf_,
               "ClusterName=greenbatch-test\n"
               "SlurmctldHost=" +
                   host +
                   "(127.0.0.1)\n"
                   "SlurmctldPort=" +
                   std::to_string(controller_port) +
                   "\n"
                   "SlurmdPort=" +
                   std::to_string(node_port) +
                   "\n"
                   "SlurmUser=root\nSlurmdUser=root\n"
                   "AuthType=auth/munge\nCredType=cred/munge\n"
                   "AuthInfo=socket=" +
                   d +
                   "/munge/munge.socket\n"
                   "StateSaveLocation=" +
                   d + "/state\nSlurmdSpoolDir=" + d +
                   "/spool\n"
                   "SlurmctldPidFile=" +
                   d + "/slurmctld.pid\nSlurmdPidFile=" + d +
                   "/slurmd.pid\n"
                   "SlurmctldLogFile=" +
                   d + "/log/slurmctld.log\nSlurmdLogFile=" + d +
                   "/log/slurmd.log\n"
                   "ProctrackType=proctrack/linuxproc\nTaskPlugin=task/none\n"
                   "JobAcctGatherType=jobacct_gather/none\nAccountingStorageType=accounting_storage/none\n"
                   "SelectType=select/cons_tres\nSchedulerType=sched/builtin\nMpiDefault=none\n"
                   "ReturnToService=2\nSlurmdParameters=config_overrides\n"
                   "NodeName=" +
                   host +
                   " NodeAddr=127.0.0.1 CPUs=1 State=UNKNOWN\n"
                   "PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP\n");
    setenv("SLURM_CONF", conf_.c_str(), 1);  // for sbatch, scontrol and the daemons
    started_ = run_shell("munged --force --socket=" + d + "/munge/munge.socket --key-file=" + d +
                         "/munge/munge.key --pid-file=" + d + "/munge/munged.pid --log-file=" + d +
                         "/log/munged.log --seed-file=" + d + "/munge/munged.seed") == 0 &&
               run_shell("slurmctld -f '" + conf_.string() + "'") == 0 &&
               run_shell("slurmd -f '" + conf_.string() + "'") == 0;
  }

  ~LocalSlurm() {
    // Jobs still there (a failed test) are cancelled first, so that no job step outlives slurmd.
    run_shell("scancel --quiet --user=root > /dev/null 2>&1");
    for (int i = 0; i < 40 && !capture("squeue -h").empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    for (const auto* pid_file : {"slurmd.pid", "slurmctld.pid", "munge/munged.pid"}) stop(dir_ / pid_file);
    unsetenv("SLURM_CONF");
  }
  LocalSlurm(const LocalSlurm&) = delete;
  LocalSlurm& operator=(const LocalSlurm&) = delete;

  /// Whether every daemon started.
  [[nodiscard]] bool started() const { return started_; }
  /// The daemons' logs, for failure messages.
  [[nodiscard]] std::string logs() const {
    return read_text(dir_ / "log" / "slurmctld.log") + read_text(dir_ / "log" / "slurmd.log");
  }

  /// Whether the node is idle (up and registered).
  [[nodiscard]] bool node_ready() const { return contains(capture("sinfo -h -o %t"), "idle"); }

  /// The state of job `id` (PENDING, RUNNING, COMPLETED, FAILED, ...); of an array, every task's.
  [[nodiscard]] std::vector<std::string> states(const std::string& id) const {
    const auto text = capture("scontrol show job " + id);
    std::vector<std::string> found;
    static const std::regex kState("JobState=([A-Z_]+)");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), kState); it != std::sregex_iterator(); ++it) {
      found.push_back((*it)[1].str());
    }
    return found;
  }

 private:
  static void stop(const fs::path& pid_file) {
    if (!fs::exists(pid_file)) return;
    const int pid = std::stoi(read_text(pid_file));
    if (pid <= 0 || kill(pid, SIGTERM) != 0) return;
    for (int i = 0; i < 100 && kill(pid, 0) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    kill(pid, SIGKILL);
  }

  fs::path dir_;
  fs::path conf_;
  bool started_ = false;
};

bool finished(const std::vector<std::string>& states) {
  if (states.empty()) return false;
  for (const auto& s : states) {
    if (s == "PENDING" || s == "RUNNING" || s == "CONFIGURING" || s == "COMPLETING") return false;
  }
  return true;
}

// Waits (bounded by `deadline`) until `predicate` holds; returns whether it did.
template <class P>
bool wait_for(P predicate, std::chrono::steady_clock::time_point deadline) {
  while (!predicate()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return true;
}

TEST(RealSlurm, ThreeShardStudyRunsAsAJobArrayAndIsMerged) {
  ASSERT_EQ(geteuid(), 0U) << "the Slurm test runs slurmd, which needs root (CI runs as root); skip it with "
                              "ctest -LE slurm";
  ASSERT_EQ(run_shell("command -v munged slurmctld slurmd sbatch scontrol sinfo > /dev/null"), 0)
      << "install Debian's slurm-wlm and munge (scripts/install-deps.sh --tests), or skip with ctest -LE slurm";
  TempDir dir("real_slurm");
  write_file(dir.path() / "study.toml", kStudy);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(150);
  const LocalSlurm slurm(dir.path() / "cluster");
  ASSERT_TRUE(slurm.started()) << slurm.logs();
  ASSERT_TRUE(wait_for([&] { return slurm.node_ready(); }, deadline)) << slurm.logs();

  const auto merged = dir.path() / "results" / "study.db";
  const auto r = run_cli({"slurm", (dir.path() / "study.toml").string(), "--shards", "3", "--out",
                          (dir.path() / "job.sh").string(), "--db", merged.string(), "--time", "10", "--submit"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  std::smatch ids;
  const std::regex kIds(R"(array job (\d+)\nmerge job (\d+))");
  ASSERT_TRUE(std::regex_search(r.out, ids, kIds)) << r.out;
  const auto array_id = ids[1].str();
  const auto merge_id = ids[2].str();

  ASSERT_TRUE(wait_for([&] { return finished(slurm.states(merge_id)); }, deadline))
      << "array: " << capture("scontrol show job " + array_id)
      << "\nmerge: " << capture("scontrol show job " + merge_id) << slurm.logs();
  const auto task_states = slurm.states(array_id);
  EXPECT_EQ(task_states, std::vector<std::string>(3, "COMPLETED"));
  EXPECT_EQ(slurm.states(merge_id), std::vector<std::string>{"COMPLETED"})
      << read_text(dir.path() / "slurm-logs" / ("greenbatch-slurm-e2e-merge-" + merge_id + ".err"));

  for (int k = 0; k < 3; ++k) {  // each task's own log and shard file, 2 trials each
    const auto log = dir.path() / "slurm-logs" /
                     ("greenbatch-slurm-e2e-" + array_id + "_" + std::to_string(k) + ".out");
    EXPECT_TRUE(contains(read_text(log), "shard " + std::to_string(k) + "/3): 2 trials planned")) << read_text(log);
    const auto shard = dir.path() / "results" / ("study-shard-" + std::to_string(k) + ".db");
    EXPECT_EQ(query_count(shard, "SELECT COUNT(*) FROM trials"), 2U) << shard;
  }
  EXPECT_EQ(query_count(merged, "SELECT COUNT(*) FROM trials"), 6U);
  EXPECT_EQ(query_count(merged, "SELECT COUNT(DISTINCT trial_id) FROM trials"), 6U);
  EXPECT_EQ(query_count(merged, "SELECT COUNT(DISTINCT position) FROM trials"), 6U);
  EXPECT_EQ(query_count(merged, "SELECT COUNT(*) FROM requests"), 60U);

  // The same trials as the study run whole, here.
  const auto whole = dir.path() / "whole.db";
  ASSERT_EQ(run_cli({"study", (dir.path() / "study.toml").string(), "--db", whole.string()}).exit_code, 0);
  EXPECT_EQ(query(merged, "SELECT trial_id FROM trials ORDER BY trial_id"),
            query(whole, "SELECT trial_id FROM trials ORDER BY trial_id"));
}

}  // namespace
}  // namespace greenbatch::testing
