// The shared test corpus ($CAAWATCH_SHARED_DIR/corpus, set by ctest): where a file of it is, and
// its bytes. A missing file fails the test that asked for it: data-driven tests must never pass
// vacuously.
#ifndef CAAWATCH_TESTS_FAKES_CORPUS_FILE_H_
#define CAAWATCH_TESTS_FAKES_CORPUS_FILE_H_

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace caawatch::testing {

// $CAAWATCH_SHARED_DIR/corpus/`relative` (../shared when the variable is unset, as when a test
// binary is run by hand from the build tree).
inline std::string CorpusPath(const std::string& relative) {
  const char* dir = std::getenv("CAAWATCH_SHARED_DIR");
  return std::string(dir == nullptr ? "../shared" : dir) + "/corpus/" + relative;
}

// The bytes of a corpus file; "" and a test failure if it cannot be read.
inline std::string ReadCorpus(const std::string& relative) {
  std::ifstream in(CorpusPath(relative), std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing corpus file " << CorpusPath(relative);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace caawatch::testing

#endif  // CAAWATCH_TESTS_FAKES_CORPUS_FILE_H_
