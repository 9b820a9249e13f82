// Printing record tables.
#include "output.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>

#include "greenbatch/core/error.h"

namespace greenbatch::cli {
namespace {

std::string format_cell(const FieldValue& v, int decimals) {
  if (std::holds_alternative<double>(v)) return fmt::format("{:.{}f}", std::get<double>(v), decimals);
  if (std::holds_alternative<std::monostate>(v)) return "-";
  return store::to_text(v);
}

}  // namespace

Format pick_format(bool json, bool csv) {
  if (json && csv) throw UsageError("--json and --csv exclude each other; pick one");
  return json ? Format::json : (csv ? Format::csv : Format::table);
}

void print(std::ostream& out, const store::Table& table, Format format, const std::vector<std::string>& columns,
           int decimals) {
  if (format == Format::json) return store::write_json(out, table);
  if (format == Format::csv) return store::write_csv(out, table);

  std::vector<std::size_t> shown;
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    if (columns.empty() || std::ranges::find(columns, table.columns[i]) != columns.end()) shown.push_back(i);
  }
  std::vector<std::vector<std::string>> cells(table.rows.size() + 1);
  for (const auto i : shown) cells[0].push_back(table.columns[i]);
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    for (const auto i : shown) {
      cells[r + 1].push_back(format_cell(table.rows[r][i], decimals));
    }
  }
  std::vector<std::size_t> width(shown.size(), 0);
  for (const auto& row : cells) {
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  for (const auto& row : cells) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const bool left = std::holds_alternative<std::string>(table.rows.empty() ? FieldValue{}
                                                                               : table.rows[0][shown[c]]);
      line += left ? fmt::format("{:<{}}", row[c], width[c]) : fmt::format("{:>{}}", row[c], width[c]);
      if (c + 1 < row.size()) line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  }
}

void print_vertical(std::ostream& out, const store::Table& table, int decimals) {
  std::size_t width = 0;
  for (const auto& column : table.columns) width = std::max(width, column.size());
  for (const auto& row : table.rows) {
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      out << fmt::format("{:<{}}  {}\n", table.columns[c], width, format_cell(row[c], decimals));
    }
  }
}

void check_output_writable(const std::filesystem::path& out, std::string_view option) {
  const bool existed = std::filesystem::exists(out);
  if (!std::ofstream(out, std::ios::app)) {
    throw InputError(
        fmt::format("{} '{}' cannot be written: check the folder exists and is writable", option, out.string()));
  }
  std::error_code ignored;
  if (!existed) std::filesystem::remove(out, ignored);
}

}  // namespace greenbatch::cli
