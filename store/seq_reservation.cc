#include "store/seq_reservation.h"

#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "store/replaced_file.h"

namespace caawatch::store {
namespace {

constexpr char kFileName[] = "/seq_high_water";
// The first line says what the file is; the second is the mark in decimal.
constexpr char kHeader[] = "caawatch seq high-water mark: seqs below it may have been used\n";

}  // namespace

absl::StatusOr<uint64_t> ReadSeqHighWater(const std::string& dir) {
  const std::string path = dir + kFileName;
  std::ifstream in(path, std::ios::binary);
  if (!in) return uint64_t{0};
  std::string text(256, '\0');  // The mark is a few dozen bytes: more is damage.
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  uint64_t end = 0;
  if (!absl::StartsWith(text, kHeader) || !absl::EndsWith(text, "\n") ||
      !absl::SimpleAtoi(absl::StripAsciiWhitespace(text.substr(sizeof kHeader - 1)), &end)) {
    return absl::DataLossError(absl::StrCat(path, " is damaged: it holds no seq high-water mark"));
  }
  return end;
}

absl::Status WriteSeqHighWater(const std::string& dir, uint64_t end) {
  return ReplaceFile(dir + kFileName, absl::StrCat(kHeader, end, "\n"));
}

}  // namespace caawatch::store
