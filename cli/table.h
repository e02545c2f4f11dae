// A plain-text table for human output: columns padded to their widest cell. Given a width (the
// terminal's), one elastic column (a reason) is shortened to fit, in the middle, so that both
// its start (which name) and its end (what decided the verdict) stay.
#ifndef CAAWATCH_CLI_TABLE_H_
#define CAAWATCH_CLI_TABLE_H_

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace caawatch::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  // Lines at most `width` columns wide if the other columns leave the elastic one room for
  // kMinElasticWidth; 0 = no limit.
  void Print(std::FILE* out, size_t width = 0) const;
  // The column to shorten; none by default.
  void set_elastic_column(size_t column) { elastic_ = column; }
  bool empty() const { return rows_.empty(); }

  static constexpr size_t kMinElasticWidth = 24;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
  std::optional<size_t> elastic_;
};

// `text` at most `width` bytes: its start and its end, joined by "...".
std::string ElideMiddle(const std::string& text, size_t width);

// The width to fit output to: $COLUMNS if it is a positive number, else the terminal's on
// stdout, else 0 (not a terminal: no limit, so that a pipe gets whole lines).
size_t OutputWidth();

}  // namespace caawatch::cli

#endif  // CAAWATCH_CLI_TABLE_H_
