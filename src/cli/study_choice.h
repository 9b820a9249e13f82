#pragma once
/// Internal to cli: the check behind every --study flag that picks one study of a result store.

#include <string>

#include "greenbatch/store/result_store.h"

namespace greenbatch::cli {

/// Throws InputError unless `store` (the file `db`) holds study `study_id`; the message lists the
/// studies it does hold (id and name), so the user can pick one.
void check_study(const store::ResultStore& store, const std::string& db, const std::string& study_id);

}  // namespace greenbatch::cli
