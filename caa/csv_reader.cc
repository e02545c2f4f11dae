#include "caa/csv_reader.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace caawatch::caa {
namespace {

constexpr absl::string_view kByteOrderMark = "\xEF\xBB\xBF";

}  // namespace

CsvReader::CsvReader(absl::string_view text, CsvLimits limits) : text_(text), limits_(limits) {
  // Spreadsheet exports often start with a BOM; it is not part of the first header name.
  if (absl::StartsWith(text_, kByteOrderMark)) pos_ = kByteOrderMark.size();
}

absl::Status CsvReader::Error(size_t line, absl::string_view what) const {
  return absl::InvalidArgumentError(absl::StrCat("CSV line ", line, ": ", what));
}

absl::StatusOr<std::optional<CsvRow>> CsvReader::Next() {
  if (!error_.ok()) return error_;
  absl::StatusOr<std::optional<CsvRow>> row = ReadRecord();
  if (!row.ok()) error_ = row.status();
  return row;
}

absl::StatusOr<std::optional<CsvRow>> CsvReader::ReadRecord() {
  // Blank lines between records carry no record (a one-empty-field row is never meant).
  while (pos_ < text_.size() && (text_[pos_] == '\n' || text_.substr(pos_, 2) == "\r\n")) {
    pos_ += text_[pos_] == '\n' ? 1 : 2;
    ++line_;
  }
  if (pos_ >= text_.size()) return std::nullopt;
  if (rows_ >= limits_.max_rows) {
    return Error(line_, absl::StrCat("more than ", limits_.max_rows, " records"));
  }
  CsvRow row;
  row.line = line_;
  while (true) {
    if (row.fields.size() >= limits_.max_fields_per_row) {
      return Error(line_, absl::StrCat("more than ", limits_.max_fields_per_row, " fields"));
    }
    absl::StatusOr<std::string> field =
        pos_ < text_.size() && text_[pos_] == '"' ? QuotedField() : UnquotedField();
    if (!field.ok()) return field.status();
    row.fields.push_back(*std::move(field));
    if (pos_ >= text_.size()) break;
    if (text_[pos_] == ',') {
      ++pos_;
      continue;
    }
    if (text_[pos_] == '\n' || text_.substr(pos_, 2) == "\r\n") {
      pos_ += text_[pos_] == '\n' ? 1 : 2;
      ++line_;
      break;
    }
    return Error(line_, "a quoted field must be followed by a comma or a line end");
  }
  ++rows_;
  return row;
}

absl::StatusOr<std::string> CsvReader::QuotedField() {
  const size_t start_line = line_;
  ++pos_;  // The opening DQUOTE.
  std::string out;
  while (true) {
    if (pos_ >= text_.size()) {
      return Error(start_line, "quoted field is not closed before the end of the file");
    }
    const char c = text_[pos_];
    if (c == '"') {
      if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
        out.push_back('"');
        pos_ += 2;
        continue;
      }
      ++pos_;
      return out;
    }
    if (c == '\n') ++line_;
    if (out.size() >= limits_.max_field_bytes) {
      return Error(start_line,
                   absl::StrCat("field longer than ", limits_.max_field_bytes, " bytes"));
    }
    out.push_back(c);
    ++pos_;
  }
}

absl::StatusOr<std::string> CsvReader::UnquotedField() {
  const size_t start = pos_;
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (c == ',' || c == '\n' || text_.substr(pos_, 2) == "\r\n") break;
    if (c == '"') return Error(line_, "a quote inside an unquoted field");
    if (pos_ - start >= limits_.max_field_bytes) {
      return Error(line_, absl::StrCat("field longer than ", limits_.max_field_bytes, " bytes"));
    }
    ++pos_;
  }
  return std::string(text_.substr(start, pos_ - start));
}

std::optional<size_t> CsvTable::Column(absl::string_view name) const {
  const absl::string_view wanted = absl::StripAsciiWhitespace(name);
  for (size_t i = 0; i < header.size(); ++i) {
    if (absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(header[i]), wanted)) return i;
  }
  return std::nullopt;
}

absl::StatusOr<CsvTable> ReadCsvTable(absl::string_view text, CsvLimits limits) {
  CsvReader reader(text, limits);
  CsvTable table;
  CAAWATCH_ASSIGN_OR_RETURN(std::optional<CsvRow> header, reader.Next());
  if (!header.has_value()) return absl::InvalidArgumentError("CSV: no header line");
  table.header = std::move(header->fields);
  while (true) {
    CAAWATCH_ASSIGN_OR_RETURN(std::optional<CsvRow> row, reader.Next());
    if (!row.has_value()) break;
    if (row->fields.size() != table.header.size()) {
      return absl::InvalidArgumentError(absl::StrCat("CSV line ", row->line, ": ",
                                                     row->fields.size(), " fields, the header has ",
                                                     table.header.size()));
    }
    table.rows.push_back(*std::move(row));
  }
  return table;
}

}  // namespace caawatch::caa
