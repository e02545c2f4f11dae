// The ctlog tests' helpers over the shared test corpus (read through tests/fakes/corpus_file.h).
#ifndef CAAWATCH_TESTS_CTLOG_CORPUS_H_
#define CAAWATCH_TESTS_CTLOG_CORPUS_H_

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "ctlog/sha256.h"
#include "gtest/gtest.h"
#include "tests/fakes/corpus_file.h"

namespace caawatch::testing {

inline std::vector<uint8_t> Bytes(const std::string& s) { return {s.begin(), s.end()}; }

inline ctlog::Sha256Hash HashFromBase64(const std::string& b64) {
  std::string raw;
  ctlog::Sha256Hash h{};
  if (absl::Base64Unescape(b64, &raw) && raw.size() == 32)
    std::copy(raw.begin(), raw.end(), h.begin());
  return h;
}

}  // namespace caawatch::testing

#endif  // CAAWATCH_TESTS_CTLOG_CORPUS_H_
