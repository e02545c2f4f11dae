// Reading the shared test corpus (CAAWATCH_SHARED_DIR, set by ctest). A missing file fails the
// test that asked for it: data-driven tests must never pass vacuously.
#ifndef CAAWATCH_TESTS_CTLOG_CORPUS_H_
#define CAAWATCH_TESTS_CTLOG_CORPUS_H_

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "ctlog/sha256.h"
#include "gtest/gtest.h"

namespace caawatch::testing {

inline std::string CorpusPath(const std::string& relative) {
  const char* dir = std::getenv("CAAWATCH_SHARED_DIR");
  return std::string(dir == nullptr ? "../shared" : dir) + "/corpus/" + relative;
}

inline std::string ReadCorpus(const std::string& relative) {
  std::ifstream in(CorpusPath(relative), std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing corpus file " << CorpusPath(relative);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

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
