// An RFC 4180 CSV reader for the CCADB report exports (caa-rules.md §7.2): quoted fields may hold
// commas, doubled quotes and line breaks (PEM columns); records end in CRLF or LF. Bounded: a
// hostile or corrupt file fails with the line number instead of exhausting memory.
#ifndef CAAWATCH_CAA_CSV_READER_H_
#define CAAWATCH_CAA_CSV_READER_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace caawatch::caa {

struct CsvLimits {
  size_t max_field_bytes = 1 << 20;  // A CCADB PEM field is a few KiB.
  size_t max_fields_per_row = 1024;  // The widest CCADB report has ~80 columns.
  size_t max_rows = 1 << 20;         // CCADB holds ~10^4 CA certificates.
};

struct CsvRow {
  size_t line = 0;  // 1-based physical line on which the record starts.
  std::vector<std::string> fields;
};

// Reads records one at a time from `text`, which must outlive the reader.
//
//  RFC 4180 §2:  file = [header CRLF] record *(CRLF record) [CRLF]
//                field = (escaped / non-escaped)
//                escaped = DQUOTE *(TEXTDATA / COMMA / CR / LF / 2DQUOTE) DQUOTE
//
// Accepted beyond the grammar: LF alone as a record end, a UTF-8 byte order mark before the
// first record, blank lines between records (skipped), any bytes other than DQUOTE in a
// non-escaped field. Rejected: a DQUOTE inside a non-escaped field, anything but a comma or a
// line end after a closing DQUOTE, an unterminated quoted field, and fields, rows or row
// counts beyond `limits`.
class CsvReader {
 public:
  explicit CsvReader(absl::string_view text, CsvLimits limits = {});

  // The next record, or nullopt at the end of the text. kInvalidArgument ("line N: ...") on a
  // syntax error or an exceeded limit (an imported file is configuration); after an error
  // the reader stays at the failing position and returns the same error again.
  [[nodiscard]] absl::StatusOr<std::optional<CsvRow>> Next();

 private:
  absl::StatusOr<std::optional<CsvRow>> ReadRecord();
  absl::StatusOr<std::string> QuotedField();
  absl::StatusOr<std::string> UnquotedField();
  absl::Status Error(size_t line, absl::string_view what) const;

  absl::string_view text_;
  CsvLimits limits_;
  size_t pos_ = 0;
  size_t line_ = 1;
  size_t rows_ = 0;
  absl::Status error_;
};

// A whole file: the header row and the records after it, each exactly as wide as the header.
struct CsvTable {
  std::vector<std::string> header;
  std::vector<CsvRow> rows;

  // The index of the column whose header equals `name` ignoring case and surrounding
  // whitespace (CCADB column orders differ between report versions), or nullopt.
  std::optional<size_t> Column(absl::string_view name) const;
};

// Reads `text` as a header line plus records. kInvalidArgument as CsvReader::Next, and also
// ("line N: K fields, the header has H") for a record of a different width than the header and
// for a text with no header.
[[nodiscard]] absl::StatusOr<CsvTable> ReadCsvTable(absl::string_view text, CsvLimits limits = {});

}  // namespace caawatch::caa

#endif  // CAAWATCH_CAA_CSV_READER_H_
