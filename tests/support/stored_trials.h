#pragma once
/// The ids of a result store's trials in the order they were saved, read through the exported
/// trials table (which any schema version fills).

#include <algorithm>
#include <string>
#include <variant>
#include <vector>

#include "greenbatch/store/result_store.h"

namespace greenbatch::testing {

/// Every stored trial's id, in saving order.
inline std::vector<std::string> stored_trial_ids(const store::ResultStore& store) {
  const auto table = store.read_table("trials");
  const auto column = std::ranges::find(table.columns, "trial_id") - table.columns.begin();
  std::vector<std::string> ids;
  for (const auto& row : table.rows) ids.push_back(std::get<std::string>(row.at(static_cast<std::size_t>(column))));
  return ids;
}

}  // namespace greenbatch::testing
