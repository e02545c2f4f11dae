// End to end over real components: the test log's static-ct-api files served by a real nginx
// (gzip on), read by the production curl fetcher through the LogTailer the factory picks for a
// tiled log. Every entry arrives once, in order, verified, and growth of the log is followed.
#include <fstream>
#include <memory>

#include "absl/strings/str_cat.h"
#include "ctlog/http_fetcher.h"
#include "ctlog/leaf.h"
#include "ctlog/log_tailer_factory.h"
#include "gtest/gtest.h"
#include "tests/ctlog/static_ct_fixture.h"
#include "tests/fakes/nginx_server.h"

namespace caawatch::ctlog {
namespace {

class TiledNginxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_.Grow(300);  // 600 entries: two full tiles and a partial.
    log_.Publish();
    auto nginx = fakes::NginxServer::Start(log_.dir(), log_.root() + "/nginx");
    ASSERT_TRUE(nginx.ok()) << nginx.status();
    nginx_ = *std::move(nginx);
    auto fetcher = CurlHttpFetcher::Create();
    ASSERT_TRUE(fetcher.ok()) << fetcher.status();
    fetcher_ = *std::move(fetcher);
    auto tailer = CreateLogTailer(log_.Info(nginx_->url()), fetcher_.get(), {}, {});
    ASSERT_TRUE(tailer.ok()) << tailer.status();
    tailer_ = *std::move(tailer);
  }

  // One poll: the checkpoint, then batches up to it. Records every entry by index.
  void TailToEnd() {
    auto sth = tailer_->FetchSth();
    ASSERT_TRUE(sth.ok()) << sth.status();
    while (tailer_->state().position < sth->tree_size) {
      auto batch = tailer_->FetchBatch(*sth);
      ASSERT_TRUE(batch.ok()) << batch.status();
      ASSERT_NE(batch->verification, LogTailer::Verification::kRootMismatch);
      ASSERT_EQ(batch->start, seen_.size());  // In order, nothing skipped or repeated.
      for (const RawEntry& e : batch->entries) seen_.push_back(e);
      if (tailer_->state().position == sth->tree_size) {
        EXPECT_EQ(batch->verification, LogTailer::Verification::kVerified);
      }
    }
    EXPECT_EQ(tailer_->state().verified_size, sth->tree_size);
    EXPECT_EQ(tailer_->state().verified_root, log_.log().RootAt(sth->tree_size));
  }

  // Every entry seen equals what the log published, and decodes with its names.
  void ExpectSeenIsThePublishedLog() {
    const std::vector<RawEntry> published = log_.PublishedEntries();
    ASSERT_EQ(seen_.size(), published.size());
    for (size_t i = 0; i < seen_.size(); ++i) {
      ASSERT_EQ(seen_[i].leaf_input, published[i].leaf_input) << i;
      ASSERT_EQ(seen_[i].extra_data, published[i].extra_data) << i;
      auto entry = DecodeLogEntry(i, seen_[i]);
      ASSERT_TRUE(entry.ok()) << entry.status();
      EXPECT_EQ(entry->decode_error, "") << i;
      // Planted as precert (even index), then final certificate, one name per pair.
      EXPECT_EQ(entry->type, i % 2 == 0 ? EntryType::kPrecert : EntryType::kX509) << i;
      EXPECT_EQ(entry->identity.dns_names,
                std::vector<std::string>{absl::StrCat("h", i / 2, ".tiled.example")});
      ASSERT_TRUE(entry->issuer.has_value()) << i;
    }
  }

  CurlGlobal curl_global_;
  testing::StaticCtTestLog log_;
  std::unique_ptr<fakes::NginxServer> nginx_;
  std::unique_ptr<CurlHttpFetcher> fetcher_;
  std::unique_ptr<LogTailer> tailer_;
  std::vector<RawEntry> seen_;
};

TEST_F(TiledNginxTest, TailsAStaticLogServedByNginxToTheEndAndFollowsItsGrowth) {
  ASSERT_NE(tailer_, nullptr);
  TailToEnd();
  EXPECT_EQ(seen_.size(), 600u);
  TailToEnd();  // Nothing new: nothing read twice.
  EXPECT_EQ(seen_.size(), 600u);
  log_.Grow(250);  // Past two more tile boundaries.
  log_.Publish();
  TailToEnd();
  EXPECT_EQ(seen_.size(), 1100u);
  log_.Grow(3);  // Inside the partial tile.
  log_.Publish();
  TailToEnd();
  EXPECT_EQ(seen_.size(), 1106u);
  ExpectSeenIsThePublishedLog();
}

TEST_F(TiledNginxTest, ATamperedTileServedByNginxIsARootMismatchThatKeepsTheVerifiedState) {
  ASSERT_NE(tailer_, nullptr);
  TailToEnd();
  log_.Grow(200);
  log_.Publish();
  {
    // Entry 768, beyond the verified 600: inside its timestamp.
    std::fstream tile(log_.dir() + "/tile/data/003.p/232",
                      std::ios::in | std::ios::out | std::ios::binary);
    tile.seekp(3);
    tile.put('\x42');
  }
  auto sth = tailer_->FetchSth();
  ASSERT_TRUE(sth.ok()) << sth.status();
  LogTailer::Verification last = LogTailer::Verification::kPending;
  while (tailer_->state().position < sth->tree_size &&
         last != LogTailer::Verification::kRootMismatch) {
    auto batch = tailer_->FetchBatch(*sth);
    ASSERT_TRUE(batch.ok()) << batch.status();
    last = batch->verification;
  }
  EXPECT_EQ(last, LogTailer::Verification::kRootMismatch);
  EXPECT_EQ(tailer_->state().verified_size, 600u);
  EXPECT_EQ(tailer_->state().position, 600u);
}

}  // namespace
}  // namespace caawatch::ctlog
