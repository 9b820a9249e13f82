#pragma once
/// Test helper for the store tests: sample trial records and reading rows back with SQL.

#include <filesystem>
#include <string>
#include <vector>

#include "greenbatch/trial/trial_record.h"
#include "store/sqlite_handle.h"

namespace greenbatch::store {

/// One result row, as SQLite gives it back.
using Row = std::vector<FieldValue>;

/// Every row of `sql`, read through a connection of its own.
inline std::vector<Row> query(const std::filesystem::path& file, const std::string& sql) {
  const sqlite::Database db(file, SQLITE_OPEN_READWRITE);
  sqlite::Statement statement(db, sql);
  std::vector<Row> rows;
  while (statement.step()) {
    auto& row = rows.emplace_back();
    for (int c = 0; c < statement.column_count(); ++c) row.push_back(statement.column(c));
  }
  return rows;
}

/// Three requests (the last rejected, so its times are null), two batches, two domains, two samples.
inline trial::TrialRecord sample_trial(const std::string& id) {
  trial::TrialRecord r;
  r.trial_id = id;
  r.started_at = "2024-05-01T12:00:00Z";
  r.config.model = "synthetic:alpha=2ms,tau0=1ms";
  r.config.backend = "synthetic";
  r.config.threads = 2;
  r.config.weights = "none";
  r.config.policy = "fixed:1,timeout=inf";
  r.config.arrival = "jitter:100,spread=0.2";
  r.config.requests = 3;
  r.config.seed = 7;
  r.config.queue_capacity = 1;
  r.config.images = "none";
  r.config.meter = "rapl";
  r.config.idle_seconds = 0.5;
  r.environment_json = R"({"host":"test"})";
  r.summary.requests = 3;
  r.summary.served = 2;
  r.summary.rejected = 1;
  r.summary.batches = 2;
  r.summary.duration_s = 0.0218;
  r.summary.response_mean_ms = 11.25;
  r.summary.energy_source = "rapl";
  r.summary.energy_status = "ok";
  r.summary.energy_j = 0.75;
  r.summary.energy_by_domain_j = "package-0=0.75";
  r.requests = {
      {.id = 0,
       .scheduled_s = 0.0,
       .arrival_s = 0.0002,
       .batch_id = 0,
       .dispatch_s = 0.0003,
       .start_s = 0.0004,
       .completion_s = 0.011},
      {.id = 1,
       .scheduled_s = 0.01,
       .arrival_s = 0.0101,
       .batch_id = 1,
       .dispatch_s = 0.011,
       .start_s = 0.011,
       .completion_s = 0.022},
      {.id = 2, .scheduled_s = 0.0105, .arrival_s = 0.0106, .rejected = true},
  };
  r.batches = {{.id = 0, .size = 1, .dispatch_s = 0.0003, .start_s = 0.0004, .end_s = 0.011},
               {.id = 1, .size = 1, .dispatch_s = 0.011, .start_s = 0.011, .end_s = 0.022}};
  r.power_domains = {{.name = "package-0", .source = "rapl", .kind = energy::DomainKind::package, .in_total = true},
                     {.name = "dram-0", .source = "rapl", .kind = energy::DomainKind::dram, .in_total = false}};
  r.power_trace = {{.time_s = 0.01, .watts = {12.5, 1.5}, .total_w = 12.5},
                   {.time_s = 0.02, .watts = {13.0, std::nullopt}, .total_w = std::nullopt}};
  return r;
}

/// A trial of study `study_id` (its other values those of sample_trial).
inline trial::TrialRecord study_trial(const std::string& id, const std::string& study_id, std::int64_t repetition,
                                      std::int64_t position) {
  auto record = sample_trial(id);
  record.study_id = study_id;
  record.repetition = repetition;
  record.position = position;
  return record;
}

}  // namespace greenbatch::store
