#include "judge/watch_source.h"

#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/store.h"
#include "tests/fakes/store_fixture.h"

namespace caawatch::judge {
namespace {

using ::testing::UnorderedElementsAre;

class WatchSourceTest : public StoreFixture {
 protected:
  void Put(const std::string& name) {
    store::WatchRecord record;
    record.set_name(name);
    ASSERT_TRUE(store_->watches().Put(record).ok());
  }

  // The items of the current list in file syntax.
  static std::vector<std::string> Listed(const WatchSource& source) {
    std::vector<std::string> out;
    const std::shared_ptr<const watch::Watchlist> list = source.Current();
    for (size_t i = 0; i < list->size(); ++i) out.push_back(list->entry(i).ToString());
    return out;
  }
};

TEST_F(WatchSourceTest, ReloadUnitesStaticEntriesWithTheStoresCurrentOnes) {
  WatchSource source({watch::ParseWatchItem(".example.com").value()}, &store_->watches());
  EXPECT_THAT(Listed(source), UnorderedElementsAre(".example.com"));
  Put("www.example.net");
  Put(".example.org");
  EXPECT_THAT(Listed(source), UnorderedElementsAre(".example.com"));  // Until reloaded.
  ASSERT_TRUE(source.Reload().ok());
  EXPECT_THAT(Listed(source),
              UnorderedElementsAre(".example.com", "www.example.net", ".example.org"));
  ASSERT_TRUE(store_->watches().Remove("www.example.net").ok());
  ASSERT_TRUE(source.Reload().ok());
  EXPECT_THAT(Listed(source), UnorderedElementsAre(".example.com", ".example.org"));
  EXPECT_EQ(source.Current()->MatchName("a.example.org").size(), 1u);
}

// An entry stored by an older caawatch that checked less: one bad entry must not stop the
// others (nor a start); it is reported, and stays in the store until removed.
TEST_F(WatchSourceTest, ABadStoredEntryIsSkippedAndReportedAndTheOthersApply) {
  WatchSource source(watch::Watchlist(), &store_->watches());
  Put("good.example");
  Put("a..b.com");
  Put(std::string(64, 'x') + ".com");
  absl::StatusOr<std::vector<std::string>> skipped = source.Reload();
  ASSERT_TRUE(skipped.ok()) << skipped.status();
  ASSERT_EQ(skipped->size(), 2u);
  EXPECT_THAT((*skipped)[0], ::testing::HasSubstr("\"a..b.com\""));
  EXPECT_THAT((*skipped)[1], ::testing::HasSubstr("\"" + std::string(64, 'x') + ".com\""));
  EXPECT_THAT(Listed(source), UnorderedElementsAre("good.example"));
  ASSERT_TRUE(store_->watches().Remove("a..b.com").ok());
  skipped = source.Reload();
  ASSERT_TRUE(skipped.ok()) << skipped.status();
  EXPECT_EQ(skipped->size(), 1u);
}

// Reloads racing with changes: once the changes and the reloads that follow them are done,
// the list in force holds every change (a slow reload never swaps in an older list).
TEST_F(WatchSourceTest, ConcurrentReloadsEndWithTheLatestStore) {
  WatchSource source(watch::Watchlist(), &store_->watches());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        Put(absl::StrCat("n", t, "-", i, ".example"));
        EXPECT_TRUE(source.Reload().ok());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(source.Current()->size(), 100u);
}

}  // namespace
}  // namespace caawatch::judge
