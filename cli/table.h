// A plain-text table for human output: columns padded to their widest cell.
#ifndef CAAWATCH_CLI_TABLE_H_
#define CAAWATCH_CLI_TABLE_H_

#include <cstdio>
#include <string>
#include <vector>

namespace caawatch::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void Print(std::FILE* out) const;
  bool empty() const { return rows_.empty(); }

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace caawatch::cli

#endif  // CAAWATCH_CLI_TABLE_H_
