// The watchlist decides which certificates concern the user: certspotter's syntax and matching
// rules, and lookups that do not depend on the list's size.
#include "monitor/watchlist.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace caawatch::monitor {
namespace {

std::vector<std::string> Hits(const Watchlist& list, const std::string& name) {
  std::vector<std::string> out;
  for (const WatchMatch& m : list.MatchName(name)) out.push_back(m.item->ToString());
  return out;
}

Watchlist Build(const std::string& text) {
  auto items = ParseWatchlist(text);
  EXPECT_TRUE(items.ok()) << items.status();
  return Watchlist(items.ok() ? *items : std::vector<WatchItem>{});
}

TEST(ParseWatchlistTest, ReadsCertspotterSyntaxWithCommentsAndIssuers) {
  auto items = ParseWatchlist(
      "# my domains\n\nExample.COM.\n  .shop.example.net   # and below\n"
      ".mail.example.org issuers=LetsEncrypt.org,pki.goog\n.\nold.example valid_at:2020\n");
  ASSERT_TRUE(items.ok()) << items.status();
  ASSERT_EQ(items->size(), 5u);
  EXPECT_EQ((*items)[0].ToString(), "example.com");
  EXPECT_EQ((*items)[1].ToString(), ".shop.example.net");
  EXPECT_EQ((*items)[2].ToString(), ".mail.example.org issuers=letsencrypt.org,pki.goog");
  EXPECT_TRUE((*items)[3].subtree);
  EXPECT_EQ((*items)[3].domain, "");
  EXPECT_EQ((*items)[4].ToString(), "old.example");
}

TEST(ParseWatchlistTest, RejectsBadLinesNamingTheLine) {
  const struct {
    const char* text;
    const char* why;
  } kCases[] = {
      {"ok.example\nbad name!.example\n", "line 2"},
      {"a..example\n", "empty label"},
      {"bücher.example\n", "A-labels"},
      {"example.com colour=blue\n", "unknown field"},
      {"example.com issuers=bad_issuer!\n", "issuer"},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.text);
    auto items = ParseWatchlist(c.text);
    ASSERT_FALSE(items.ok());
    EXPECT_EQ(items.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(items.status().message().find(c.why), absl::string_view::npos) << items.status();
  }
}

TEST(WatchlistTest, MatchesExactNamesSubtreesAndWildcardsLikeCertspotter) {
  const Watchlist list = Build("www.example.com\n.shop.example.net\napi.example.org\n");
  const struct {
    const char* cert_name;
    std::vector<std::string> want;
  } kCases[] = {
      {"www.example.com", {"www.example.com"}},
      {"WWW.Example.Com.", {"www.example.com"}},        // Case and trailing dot.
      {"example.com", {}},                              // Exact means exact.
      {"a.www.example.com", {}},
      {"shop.example.net", {".shop.example.net"}},      // A subtree includes its apex.
      {"x.y.shop.example.net", {".shop.example.net"}},
      {"badshop.example.net", {}},                      // Not a label boundary.
      {"*.example.com", {"www.example.com"}},           // A wildcard covers its children.
      {"*.shop.example.net", {".shop.example.net"}},
      {"*.www.example.com", {}},                        // ...but not its parent.
      {"*.com", {}},                                    // ...nor grandchildren.
      {"?.example.org", {"api.example.org"}},           // Redacted label.
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.cert_name);
    EXPECT_EQ(Hits(list, c.cert_name), c.want);
  }
}

TEST(WatchlistTest, DotWatchesEverything) {
  const Watchlist list = Build(".\n");
  EXPECT_EQ(Hits(list, "anything.example").size(), 1u);
  EXPECT_EQ(Hits(list, "com").size(), 1u);
}

TEST(WatchlistTest, ANameUnderSeveralItemsHitsEachOnce) {
  const Watchlist list = Build(".example.com\n.www.example.com\nwww.example.com\n");
  EXPECT_EQ(Hits(list, "www.example.com").size(), 3u);
  EXPECT_EQ(Hits(list, "*.example.com").size(), 3u);
}

TEST(WatchlistTest, IssuerExpectationIsCaseInsensitiveAndOptional) {
  auto items = ParseWatchlist(".example.com issuers=letsencrypt.org\nexample.net\n");
  ASSERT_TRUE(items.ok());
  const std::vector<std::string> le = {"LetsEncrypt.org"};
  const std::vector<std::string> goog = {"pki.goog"};
  EXPECT_TRUE(IssuerExpected((*items)[0], le));
  EXPECT_FALSE(IssuerExpected((*items)[0], goog));
  EXPECT_TRUE(IssuerExpected((*items)[1], goog));
}

TEST(WatchlistTest, AMillionNamesStillMatchExactly) {
  std::vector<WatchItem> items;
  items.reserve(1000000);
  for (int i = 0; i < 1000000; ++i) {
    items.push_back(WatchItem{absl::StrCat("host", i, ".d", i % 1000, ".example"), i % 2 == 0, {}});
  }
  const Watchlist list(std::move(items));
  EXPECT_EQ(list.size(), 1000000u);
  EXPECT_EQ(Hits(list, "host424242.d242.example").size(), 1u);   // Subtree item, apex.
  EXPECT_EQ(Hits(list, "a.host424242.d242.example").size(), 1u); // Below it.
  EXPECT_EQ(Hits(list, "a.host424243.d243.example").size(), 0u); // Exact item: not below.
  EXPECT_EQ(Hits(list, "host7.d8.example").size(), 0u);
}

}  // namespace
}  // namespace caawatch::monitor
