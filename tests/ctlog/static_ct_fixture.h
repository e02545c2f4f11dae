// A test CT log published as static-ct-api files in a private temp directory, with the LogInfo
// a log list would give for it. Shared by the tiled tailer's unit and nginx tests.
#ifndef CAAWATCH_TESTS_CTLOG_STATIC_CT_FIXTURE_H_
#define CAAWATCH_TESTS_CTLOG_STATIC_CT_FIXTURE_H_

#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/clock.h"
#include "ctlog/log_types.h"
#include "gtest/gtest.h"
#include "tests/fakes/certificate_factory.h"
#include "tests/fakes/static_ct_files.h"
#include "tests/fakes/temp_dir.h"
#include "tests/fakes/test_log.h"
#include "tests/fakes/test_population.h"

namespace caawatch::testing {

class StaticCtTestLog {
 public:
  static constexpr char kSubmissionUrl[] = "https://tiled.caawatch.test/log/";

  StaticCtTestLog() {
    root_ = scratch_.string();
    dir_ = root_ + "/log";
    std::filesystem::create_directories(dir_);
    auto log = fakes::TestLog::Create(&clock_, /*seed=*/77);
    EXPECT_TRUE(log.ok()) << log.status();
    log_ = *std::move(log);
    auto chain = fakes::MakeCaChain(&factory_, fakes::CaBrand::kLetsEncrypt, clock_.Now());
    EXPECT_TRUE(chain.ok()) << chain.status();
    chain_ = std::make_unique<fakes::CaChain>(*std::move(chain));
  }

  // Appends `pairs` precert/final pairs (2 entries each) and publishes a new tree head.
  void Grow(int pairs) {
    for (int i = 0; i < pairs; ++i) {
      const std::string name = absl::StrCat("h", next_name_++, ".tiled.example");
      ASSERT_TRUE(fakes::PlantCertificate(log_.get(), &factory_, *chain_,
                                          fakes::LeafFor(name, clock_.Now()))
                      .ok());
    }
    clock_.Advance(absl::Seconds(1));
    ASSERT_TRUE(log_->PublishSth().ok());
  }
  // Writes the published state into dir().
  void Publish(fakes::StaticCtFilesOptions options = {}) {
    options.origin = "tiled.caawatch.test/log";
    ASSERT_TRUE(fakes::WriteStaticCtFiles(*log_, dir_, options).ok());
  }

  // The log as a log list describes it, read under `monitoring_url`.
  ctlog::LogInfo Info(const std::string& monitoring_url) const {
    ctlog::LogInfo info;
    info.description = "caawatch tiled test log";
    info.kind = ctlog::LogKind::kStaticCtApi;
    info.key_der = log_->public_key_der();
    info.log_id = log_->log_id();
    info.url = monitoring_url;
    info.submission_url = kSubmissionUrl;
    return info;
  }

  // What an RFC 6962 get-entries would return for [0, published size).
  std::vector<ctlog::RawEntry> PublishedEntries() const {
    const uint64_t size = log_->published_size();
    if (size == 0) return {};
    auto entries = log_->GetEntries(0, size - 1, size);
    EXPECT_TRUE(entries.ok()) << entries.status();
    return entries.ok() ? *entries : std::vector<ctlog::RawEntry>{};
  }

  fakes::TestLog& log() { return *log_; }
  // The log's clock: entries are stamped with its time when appended.
  FakeClock& clock() { return clock_; }
  const std::string& dir() const { return dir_; }    // The monitoring prefix's files.
  const std::string& root() const { return root_; }  // Scratch space beside it.

 private:
  TempDir scratch_{"caawatch-tiled"};  // Declared first: removed after everything using it.
  FakeClock clock_{absl::FromUnixSeconds(1795000000)};
  fakes::CertificateFactory factory_{21};
  std::unique_ptr<fakes::TestLog> log_;
  std::unique_ptr<fakes::CaChain> chain_;
  std::string root_, dir_;
  int next_name_ = 0;
};

}  // namespace caawatch::testing

#endif  // CAAWATCH_TESTS_CTLOG_STATIC_CT_FIXTURE_H_
