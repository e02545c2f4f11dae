// The one store fixture of the tests: a store::Store over real RocksDB in a fresh temporary
// directory per test, reopened on demand (what a restart does), closed and removed afterwards.
// Fixtures that need a store derive from it and call StoreFixture::SetUp() first; members of a
// derived fixture are destroyed before the store they borrow.
#ifndef CAAWATCH_TESTS_FAKES_STORE_FIXTURE_H_
#define CAAWATCH_TESTS_FAKES_STORE_FIXTURE_H_

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "store/store.h"
#include "tests/fakes/temp_dir.h"

namespace caawatch {

class StoreFixture : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  // Closes the writer and opens it again (a fatal test failure if it cannot).
  void Reopen(store::OpenOptions options = {}) {
    store_.reset();
    absl::StatusOr<std::unique_ptr<store::Store>> s = store::Store::Open(dir_.string(), options);
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
  }
  // A reader of the same store, beside the writer (as the CLI opens it).
  absl::StatusOr<std::unique_ptr<store::Store>> OpenReader() const {
    store::OpenOptions options;
    options.read_only = true;
    return store::Store::Open(dir_.string(), options);
  }
  // Commits `findings` with log "log-a" at `position`.
  store::CommitResult Commit(std::vector<store::FindingRecord> findings, uint64_t position = 0) {
    store::CommitRequest r;
    r.findings = std::move(findings);
    store::LogStateRecord state;
    state.set_log_id("log-a");
    state.set_position(position);
    r.log_state = state;
    auto result = store_->findings().Commit(std::move(r));
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : store::CommitResult{};
  }

  TempDir dir_{"caawatch_store"};  // Declared first: removed after the store is closed.
  std::unique_ptr<store::Store> store_;
};

}  // namespace caawatch

#endif  // CAAWATCH_TESTS_FAKES_STORE_FIXTURE_H_
