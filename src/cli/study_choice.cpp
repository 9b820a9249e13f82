// The check behind every --study flag.
#include "study_choice.h"

#include <fmt/format.h>

#include <variant>

#include "greenbatch/core/error.h"

namespace greenbatch::cli {

void check_study(const store::ResultStore& store, const std::string& db, const std::string& study_id) {
  std::string known;
  for (const auto& row : store.read_table("studies").rows) {
    const auto& id = std::get<std::string>(row.at(0));
    if (id == study_id) return;
    known += fmt::format("{}{} ('{}')", known.empty() ? "" : ", ", id, std::get<std::string>(row.at(1)));
  }
  throw InputError(fmt::format("--study {}: {} holds no such study; the studies it holds: {}", study_id, db,
                               known.empty() ? "none" : known));
}

}  // namespace greenbatch::cli
