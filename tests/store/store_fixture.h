// A FindingStore over real RocksDB in a fresh temporary directory per test, reopened on demand
// (what a restart does) and removed afterwards.
#ifndef CAAWATCH_TESTS_STORE_STORE_FIXTURE_H_
#define CAAWATCH_TESTS_STORE_STORE_FIXTURE_H_

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "store/finding_store.h"

namespace caawatch::store {

class StoreFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           absl::StrCat("store_test_", getpid(), "_",
                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Reopen() {
    store_.reset();
    auto s = FindingStore::Open(dir_.string());
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = std::move(*s);
  }
  // Commits `findings` with log "log-a" at `position`.
  CommitResult Commit(std::vector<FindingRecord> findings, uint64_t position = 0) {
    CommitRequest r;
    r.findings = std::move(findings);
    LogStateRecord state;
    state.set_log_id("log-a");
    state.set_position(position);
    r.log_state = state;
    auto result = store_->Commit(std::move(r));
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : CommitResult{};
  }

  std::filesystem::path dir_;
  std::unique_ptr<FindingStore> store_;
};

}  // namespace caawatch::store

#endif  // CAAWATCH_TESTS_STORE_STORE_FIXTURE_H_
