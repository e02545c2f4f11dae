#include "watch/watchlist.h"

#include <algorithm>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "names/domain_name.h"

namespace caawatch::watch {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAreArray;

Watchlist MustBuild(const std::string& text) {
  absl::StatusOr<std::vector<WatchItem>> items = ParseWatchlist(text);
  EXPECT_TRUE(items.ok()) << items.status();
  return Watchlist(items.ok() ? *std::move(items) : std::vector<WatchItem>{});
}

std::vector<std::string> HitItems(const Watchlist& list, absl::string_view cert_name) {
  std::vector<std::string> hits;
  for (const Match& m : list.MatchName(cert_name)) hits.push_back(m.item.ToString());
  return hits;
}

// A watch item from a normalised name; "" (a subtree) is the root item ".".
WatchItem Item(const std::string& domain, bool subtree, std::vector<std::string> issuers = {}) {
  if (domain.empty()) return WatchItem::ForEveryName(std::move(issuers));
  names::DomainName name = names::DomainName::Parse(domain).value();
  return subtree ? WatchItem::ForSubtree(std::move(name), std::move(issuers))
                 : WatchItem::ForName(std::move(name), std::move(issuers));
}

struct MatchCase {
  const char* name;       // The test name: what the case shows.
  const char* watchlist;  // Lines separated by '\n'.
  const char* cert_name;
  std::vector<std::string> hits;  // ToString() of the items expected to be hit.
};

void PrintTo(const MatchCase& c, std::ostream* os) { *os << c.name; }

class MatchNameTest : public ::testing::TestWithParam<MatchCase> {};

TEST_P(MatchNameTest, HitsExactlyTheExpectedItems) {
  const MatchCase& c = GetParam();
  const Watchlist list = MustBuild(c.watchlist);
  EXPECT_THAT(HitItems(list, c.cert_name), UnorderedElementsAreArray(c.hits))
      << "watchlist:\n"
      << c.watchlist << "\ncert name: " << c.cert_name;
}

INSTANTIATE_TEST_SUITE_P(
    Certspotter, MatchNameTest,
    ::testing::Values(
        // Exact items.
        MatchCase{"ExactHitsSameName", "example.com", "example.com", {"example.com"}},
        MatchCase{"ExactMissesChild", "example.com", "www.example.com", {}},
        MatchCase{"ExactMissesParent", "www.example.com", "example.com", {}},
        MatchCase{"ExactMissesOtherTld", "example.com", "example.org", {}},
        // Subtree items: the name and everything below, but not a look-alike suffix.
        MatchCase{"SubtreeHitsItsApex", ".example.com", "example.com", {".example.com"}},
        MatchCase{"SubtreeHitsGrandchild", ".example.com", "a.b.example.com", {".example.com"}},
        MatchCase{"SubtreeMissesLookAlikeSuffix", ".example.com", "badexample.com", {}},
        MatchCase{"ExactMissesLookAlikeSuffix", "example.com", "badexample.com", {}},
        // "." watches everything.
        MatchCase{"DotHitsEverything", ".", "anything.test", {"."}},
        MatchCase{"DotHitsATld", ".", "com", {"."}},
        // Wildcard certificate names.
        MatchCase{"WildcardHitsExactChild", "a.example.com", "*.example.com", {"a.example.com"}},
        MatchCase{"WildcardMissesExactGrandchild", "b.a.example.com", "*.example.com", {}},
        MatchCase{"WildcardMissesExactParent", "example.com", "*.example.com", {}},
        MatchCase{"WildcardHitsSubtreeAbove", ".example.com", "*.example.com", {".example.com"}},
        MatchCase{
            "WildcardHitsSubtreeChild", ".a.example.com", "*.example.com", {".a.example.com"}},
        MatchCase{"WildcardMissesSubtreeGrandchild", ".b.a.example.com", "*.example.com", {}},
        MatchCase{"WildcardHitsEveryChildOnly",
                  "a.example.com\nb.example.com\nc.example.org",
                  "*.example.com",
                  {"a.example.com", "b.example.com"}},
        MatchCase{"WildcardInsideNameWalksChildren",
                  "www.shop.example.org",
                  "www.*.example.org",
                  {"www.shop.example.org"}},
        MatchCase{"GlobLabelHitsMatchingChild",
                  "web1.example.com",
                  "web*.example.com",
                  {"web1.example.com"}},
        MatchCase{"GlobLabelMissesOtherChild", "mail.example.com", "web*.example.com", {}},
        // Redacted and unparsable labels match any label (fail safe).
        MatchCase{"RedactedLabelHitsChild",
                  "secret.example.com",
                  "?.example.com",
                  {"secret.example.com"}},
        MatchCase{"RedactedMiddleLabelHitsDescendant",
                  "www.secret.example.com",
                  "www.?.example.com",
                  {"www.secret.example.com"}},
        MatchCase{"UnparsableLabelHitsChild",
                  "x.example.com",
                  "bad label!.example.com",
                  {"x.example.com"}},
        MatchCase{"EmptyLabelsHitSubtree", ".example.com", "..", {".example.com"}},
        MatchCase{"EmptyNameMissesExact", "example.com", "", {}},
        // Case and trailing dot of the certificate name do not matter.
        MatchCase{"CaseAndTrailingDotIgnored", "example.com", "Example.COM.", {"example.com"}},
        // Every item hit is returned, once.
        MatchCase{"AllItemsHitAreReturned",
                  ".\n.example.com\nwww.example.com\nexample.com issuers=pki.goog",
                  "www.example.com",
                  {".", ".example.com", "www.example.com"}},
        // certspotter's "*.example.com" line: the '*' is a literal label, hit only by a
        // certificate label that matches any label ('*', '?', unparsable) or a glob matching
        // the literal '*'.
        MatchCase{
            "StarItemHitsWildcardCertificate", "*.example.com", "*.example.com", {"*.example.com"}},
        MatchCase{"StarItemHitsRedactedLabel", "*.example.com", "?.example.com", {"*.example.com"}},
        MatchCase{"StarItemHitsUnparsableLabel",
                  "*.example.com",
                  "bad label!.example.com",
                  {"*.example.com"}},
        MatchCase{"StarItemHitsAllStarGlob", "*.example.com", "**.example.com", {"*.example.com"}},
        MatchCase{"StarItemMissesChildName", "*.example.com", "www.example.com", {}},
        MatchCase{"StarItemMissesOtherGlob", "*.example.com", "w*.example.com", {}},
        MatchCase{"StarItemMissesParent", "*.example.com", "example.com", {}},
        MatchCase{"StarItemMissesGrandchild", "*.example.com", "a.*.example.com", {}},
        MatchCase{"StarSubtreeItemHitsBelowTheStar",
                  ".*.example.com",
                  "a.*.example.com",
                  {".*.example.com"}},
        MatchCase{"StarSubtreeItemHitsTheWildcard",
                  ".*.example.com",
                  "*.example.com",
                  {".*.example.com"}},
        MatchCase{"StarSubtreeItemMissesChildName", ".*.example.com", "www.example.com", {}},
        MatchCase{
            "StarInsideLabelIsLiteral", "w*b.example.com", "w*b.example.com", {"w*b.example.com"}},
        MatchCase{"StarInsideLabelMissesGlobbedName", "w*b.example.com", "web.example.com", {}},
        MatchCase{"DuplicateDomainsAreBothReturned",
                  "example.com\nexample.com issuers=pki.goog",
                  "example.com",
                  {"example.com", "example.com issuers=pki.goog"}}),
    [](const ::testing::TestParamInfo<MatchCase>& info) { return std::string(info.param.name); });

TEST(WatchlistTest, MatchReportsTheNormalisedCertificateName) {
  const Watchlist list = MustBuild(".example.com\n");
  const std::vector<Match> matches = list.MatchName("WWW.Example.com.");
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].watched_name, "www.example.com");
  EXPECT_EQ(matches[0].item, list.entry(0));
}

TEST(WatchlistTest, EmptyWatchlistMatchesNothing) {
  const Watchlist list;
  EXPECT_TRUE(list.Empty());
  EXPECT_EQ(list.size(), 0u);
  EXPECT_THAT(list.MatchName("*.example.com"), IsEmpty());
}

TEST(WatchlistTest, ParseNormalisesCaseTrailingDotAndIdn) {
  const absl::StatusOr<WatchItem> exact = ParseWatchItem("Example.COM.");
  ASSERT_TRUE(exact.ok()) << exact.status();
  EXPECT_EQ(*exact, Item("example.com", false));
  const absl::StatusOr<WatchItem> idn = ParseWatchItem(".b\u00FCcher.Example");
  ASSERT_TRUE(idn.ok()) << idn.status();
  EXPECT_EQ(*idn, Item("xn--bcher-kva.example", true));
  const absl::StatusOr<WatchItem> root = ParseWatchItem(".");
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(*root, Item("", true));
}

// The root item "." is a scope of its own, with no domain; every other item holds a
// DomainName, and each gives back its line.
TEST(WatchlistTest, TheRootItemIsEveryNameAndHasNoDomain) {
  const WatchItem root = ParseWatchItem(". issuers=pki.goog").value();
  EXPECT_EQ(root.scope, WatchItem::Scope::kEveryName);
  EXPECT_TRUE(root.every_name());
  EXPECT_TRUE(root.subtree());
  EXPECT_FALSE(root.domain.has_value());
  EXPECT_EQ(root.Name(), ".");
  EXPECT_EQ(root.ToString(), ". issuers=pki.goog");
  const WatchItem subtree = ParseWatchItem(".Example.COM").value();
  EXPECT_EQ(subtree.scope, WatchItem::Scope::kSubtree);
  EXPECT_EQ(subtree.domain, names::DomainName::Parse("example.com").value());
  EXPECT_EQ(subtree.Name(), ".example.com");
  const WatchItem name = ParseWatchItem("example.com").value();
  EXPECT_EQ(name.scope, WatchItem::Scope::kName);
  EXPECT_FALSE(name.subtree());
  EXPECT_EQ(name.Name(), "example.com");
  // Through a list and back, the root item stays the root item.
  const Watchlist list = MustBuild(".\n.example.com\nexample.com\n");
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list.entry(0).ToItem().value(), WatchItem::ForEveryName());
  EXPECT_EQ(list.entry(0).Name(), ".");
  EXPECT_EQ(list.entry(1).ToItem().value(), subtree);
  EXPECT_EQ(list.entry(2).ToItem().value(), name);
  EXPECT_THAT(HitItems(list, "www.example.org"), UnorderedElementsAreArray({"."}));
}

TEST(WatchlistTest, IdnWatchItemMatchesItsALabelInCertificates) {
  const Watchlist list = MustBuild("m\u00FCnchen.example\n");
  EXPECT_THAT(HitItems(list, "xn--mnchen-3ya.example"),
              UnorderedElementsAreArray({"xn--mnchen-3ya.example"}));
}

TEST(WatchlistTest, ToStringRoundTripsTheFileSyntax) {
  for (const char* line :
       {"example.com", ".example.com", ".", ".example.com issuers=letsencrypt.org,pki.goog"}) {
    const absl::StatusOr<WatchItem> item = ParseWatchItem(line);
    ASSERT_TRUE(item.ok()) << line << ": " << item.status();
    EXPECT_EQ(item->ToString(), line);
  }
}

TEST(WatchlistTest, ParseReadsIssuersAndIgnoresCommentsBlankLinesAndLegacyFields) {
  const absl::StatusOr<std::vector<WatchItem>> items = ParseWatchlist(
      "# my domains\r\n"
      "\r\n"
      "  example.com   issuers=LetsEncrypt.org.,pki.goog  # trailing comment\r\n"
      ".example.net valid_at:2020-01-01T00:00:00Z\n"
      "\t\n");
  ASSERT_TRUE(items.ok()) << items.status();
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ((*items)[0], Item("example.com", false, {"letsencrypt.org", "pki.goog"}));
  EXPECT_EQ((*items)[1], Item("example.net", true));
}

// A file shaped like the template Debian's certspotter package installs as
// /etc/certspotter/watchlist: only comments and blank lines, then the user's names below.
TEST(WatchlistTest, ParseAcceptsACertspotterWatchlistFileAsIs) {
  const std::string tmpl =
      "# The DNS names to monitor, one per line.\n"
      "\n"
      "# A leading dot (\".example.com\") watches the domain and every name below it.\n"
      "#\n"
      "# Without the dot, only that one DNS name is watched.\n"
      "#\n";
  const absl::StatusOr<std::vector<WatchItem>> empty = ParseWatchlist(tmpl);
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_THAT(*empty, IsEmpty());
  const absl::StatusOr<std::vector<WatchItem>> items = ParseWatchlist(
      tmpl + ".example.com\nwww.example.net\n.\nmail.example.org valid_at:2016-01-01\n");
  ASSERT_TRUE(items.ok()) << items.status();
  EXPECT_EQ(*items,
            (std::vector<WatchItem>{Item("example.com", true), Item("www.example.net", false),
                                    Item("", true), Item("mail.example.org", false)}));
}

// certspotter lowercases with strings.ToLower (every Unicode letter) before IDNA ToASCII, so
// an upper-case U-label watches the same A-label as its lower-case form.
TEST(WatchlistTest, ParseLowercasesNonAsciiLettersBeforePunycodeAsCertspotter) {
  struct Case {
    const char* line;
    WatchItem want;
  };
  for (const Case& c : {
           Case{"B\u00DCCHER.example", Item("xn--bcher-kva.example", false)},
           Case{".\u00DCmlaut.DE", Item("xn--mlaut-jva.de", true)},
           Case{"\u041F\u0420\u0418\u041C\u0415\u0420.\u0420\u0424",
                Item("xn--e1afmkfd.xn--p1ai", false)},
           Case{"\u0395\u039B\u039B\u0391\u0394\u0391.example",
                Item("xn--mxaaic4aa.example", false)},
       }) {
    const absl::StatusOr<WatchItem> item = ParseWatchItem(c.line);
    ASSERT_TRUE(item.ok()) << c.line << ": " << item.status();
    EXPECT_EQ(*item, c.want) << c.line;
  }
  const Watchlist list = MustBuild("B\u00DCCHER.example\n");
  EXPECT_THAT(HitItems(list, "xn--bcher-kva.example"),
              UnorderedElementsAreArray({"xn--bcher-kva.example"}));
}

// A watched name is a names::DomainName: UTS #46 maps full-width forms and the ideographic
// full stop, so a name typed with an East Asian input method watches the name certificates
// carry; an IDNA2008-invalid U-label is refused rather than watched as a name no CA can issue.
TEST(WatchlistTest, ParseMapsNamesByUts46) {
  EXPECT_EQ(
      ParseWatchItem("\uFF45\uFF58\uFF41\uFF4D\uFF50\uFF4C\uFF45\uFF0E\uFF43\uFF4F\uFF4D").value(),
      Item("example.com", false));
  EXPECT_EQ(ParseWatchItem(".b\u00FCcher\u3002example").value(),
            Item("xn--bcher-kva.example", true));
  EXPECT_EQ(ParseWatchItem("fa\u00DF.de").value(), Item("xn--fa-hia.de", false));
  const absl::StatusOr<WatchItem> bad = ParseWatchItem("ab--c.b\u00FCcher.de");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("not a valid IDNA name"));
}

// certspotter keeps a '*' through IDNA ToASCII (Punycode profile: no validation), so a line
// such as "*.example.com" is an exact entry with a literal "*" label (ct-ecosystem.md B1).
TEST(WatchlistTest, ParseKeepsStarAsALiteralLabelAsCertspotter) {
  struct Case {
    const char* line;
    WatchItem want;
  };
  for (const Case& c : {
           Case{"*.Example.COM.", Item("*.example.com", false)},
           Case{".*.example.com", Item("*.example.com", true)},
           Case{"*", Item("*", false)},
           Case{"w*b.example.com issuers=pki.goog", Item("w*b.example.com", false, {"pki.goog"})},
       }) {
    const absl::StatusOr<WatchItem> item = ParseWatchItem(c.line);
    ASSERT_TRUE(item.ok()) << c.line << ": " << item.status();
    EXPECT_EQ(*item, c.want) << c.line;
    EXPECT_EQ(ParseWatchItem(item->ToString()).value(), c.want) << "round trip of " << c.line;
  }
}

TEST(WatchlistTest, ParseStripsEveryTrailingDotAsCertspotter) {
  const absl::StatusOr<std::vector<WatchItem>> items =
      ParseWatchlist("example.com..\n.example.net...\n");
  ASSERT_TRUE(items.ok()) << items.status();
  EXPECT_EQ(*items,
            (std::vector<WatchItem>{Item("example.com", false), Item("example.net", true)}));
}

TEST(WatchlistTest, ParseReportsTheLineNumberOfABadLine) {
  struct BadCase {
    std::string text;
    const char* line;
  };
  for (const BadCase& c : {
           BadCase{"example.com\n\nbad..name\n", "line 3"},
           BadCase{"example.com issuers=*.pki.goog", "line 1"},  // '*' only in watched names.
           BadCase{"# c\nexample.com foo=bar", "line 2"},
           BadCase{"example.com issuers=", "line 1"},
           BadCase{"example.com issuers=a.org issuers=b.org", "line 1"},
           BadCase{"ok.example\nexa mple.com\n", "line 2"},
           BadCase{"\xC3.example", "line 1"},
           BadCase{"\xE0\x81\xA1"
                   "bc.example",
                   "line 1"},                          // An overlong 'a': not UTF-8.
           BadCase{"\xED\xA0\x80.example", "line 1"},  // A surrogate: not UTF-8.
           BadCase{std::string(64, 'a') + ".com", "line 1"},
           BadCase{"a-very-long-label-name-that-goes-on.example\nhttp://example.com/", "line 2"},
       }) {
    const absl::StatusOr<std::vector<WatchItem>> items = ParseWatchlist(c.text);
    ASSERT_FALSE(items.ok()) << c.text;
    EXPECT_EQ(items.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_THAT(items.status().message(), HasSubstr(c.line)) << items.status();
  }
}

TEST(WatchlistTest, IssuerExpectedOnlyForListedIssuersWhenAnyAreListed) {
  const WatchItem any = Item("example.com", false);
  const WatchItem pinned = Item("example.com", false, {"letsencrypt.org", "pki.goog"});
  const std::vector<std::string> lets_encrypt = {"LetsEncrypt.org."};
  const std::vector<std::string> digicert = {"digicert.com", "www.digicert.com"};
  EXPECT_TRUE(IssuerExpected(any, digicert));
  EXPECT_TRUE(IssuerExpected(any, {}));
  EXPECT_TRUE(IssuerExpected(pinned, lets_encrypt));
  EXPECT_FALSE(IssuerExpected(pinned, digicert));
  EXPECT_FALSE(IssuerExpected(pinned, {}));  // Unknown CA: unexpected.
}

// certspotter's matchesDNSName, label by label over the whole list: the reference the index
// must agree with.
bool ReferenceLabelMatches(absl::string_view cert, absl::string_view watched) {
  if (cert == "*" || cert == "?" || cert == "bad!" || cert.empty()) return true;
  if (absl::EndsWith(cert, "*")) return absl::StartsWith(watched, cert.substr(0, cert.size() - 1));
  return cert == watched;
}

bool ReferenceMatches(const WatchItem& item, absl::string_view cert_name) {
  std::vector<absl::string_view> cert = absl::StrSplit(cert_name, '.');
  if (cert_name.empty()) cert.clear();
  std::vector<absl::string_view> watched;
  if (item.domain.has_value()) watched = absl::StrSplit(item.domain->view(), '.');
  while (!cert.empty() && !watched.empty()) {
    if (!ReferenceLabelMatches(cert.back(), watched.back())) return false;
    cert.pop_back();
    watched.pop_back();
  }
  return watched.empty() && (item.subtree() || cert.empty());
}

TEST(WatchlistTest, IndexAgreesWithCertspottersLinearMatchOnRandomNames) {
  std::mt19937 rng(20261128);
  auto pick = [&rng](const std::vector<std::string>& from) {
    return from[std::uniform_int_distribution<size_t>(0, from.size() - 1)(rng)];
  };
  auto name = [&](const std::vector<std::string>& labels, int min_depth, int max_depth) {
    std::vector<std::string> parts(std::uniform_int_distribution<int>(min_depth, max_depth)(rng));
    for (std::string& part : parts) part = pick(labels);
    return absl::StrJoin(parts, ".");
  };
  const std::vector<std::string> watched_labels = {"a", "b", "ab", "ba", "c", "*"};
  const std::vector<std::string> cert_labels = {"a", "b", "ab", "ba", "c",
                                                "d", "*", "?",  "a*", "bad!"};
  std::vector<WatchItem> items;
  for (int i = 0; i < 40; ++i) {
    items.push_back(Item(name(watched_labels, 1, 3), std::bernoulli_distribution(0.5)(rng)));
  }
  items.push_back(Item("", true));  // "."
  const Watchlist list(items);
  size_t hits = 0;
  for (int q = 0; q < 5000; ++q) {
    const std::string cert_name = name(cert_labels, 0, 4);
    std::vector<std::string> want;
    for (const WatchItem& item : items) {
      if (ReferenceMatches(item, cert_name)) want.push_back(item.ToString());
    }
    ASSERT_THAT(HitItems(list, cert_name), UnorderedElementsAreArray(want)) << cert_name;
    hits += want.size() - 1;  // Beyond ".".
  }
  EXPECT_GT(hits, 1000u);  // The names are dense enough to exercise every rule.
}

// What a CAA poll looks up: each watched domain and each parent, once; the search for a
// literal "*" entry starts below the star (RFC 8659 §3 and SPEC §3 for wildcard names).
TEST(WatchlistTest, SearchNamesAreEveryWatchedDomainAndEachParentOnce) {
  const Watchlist list = MustBuild(
      "a.example.com\n.b.example.com\nexample.com issuers=pki.goog\n*.c.example.org\n.\n");
  std::vector<std::string> names;
  for (size_t i = 0; i < list.search_name_count(); ++i) {
    if (std::string name = list.SearchName(i); !name.empty()) names.push_back(std::move(name));
  }
  EXPECT_THAT(names, UnorderedElementsAreArray({"a.example.com", "b.example.com", "example.com",
                                                "com", "c.example.org", "example.org", "org"}));
  EXPECT_TRUE(list.HasSearchName("example.com"));
  EXPECT_TRUE(list.HasSearchName("c.example.org"));
  EXPECT_FALSE(list.HasSearchName("x.example.com"));
  EXPECT_FALSE(list.HasSearchName(""));
}

TEST(WatchlistTest, MillionNamesAreIndexedAndQueriedCorrectly) {
  constexpr int kNames = 1'000'000;
  std::vector<WatchItem> items;
  items.reserve(kNames);
  for (int i = 0; i < kNames; ++i) {
    items.push_back(Item(absl::StrCat("host", i, ".zone", i % 1000, ".com"), i % 2 == 1));
  }
  const Watchlist list(std::move(items));
  EXPECT_EQ(list.size(), static_cast<size_t>(kNames));
  EXPECT_THAT(HitItems(list, "host42.zone42.com"),
              UnorderedElementsAreArray({"host42.zone42.com"}));
  EXPECT_THAT(HitItems(list, "deep.host999999.zone999.com"),
              UnorderedElementsAreArray({".host999999.zone999.com"}));
  EXPECT_THAT(HitItems(list, "deep.host42.zone42.com"), IsEmpty());
  EXPECT_THAT(HitItems(list, "host42.zone43.com"), IsEmpty());
  EXPECT_THAT(HitItems(list, "zone42.com"), IsEmpty());
  // A wildcard covers every direct child of zone7.com: 1000 items, exact and subtree alike.
  EXPECT_EQ(list.MatchName("*.zone7.com").size(), 1000u);
}

TEST(WatchlistTest, SearchNameDigestDependsOnTheSetOfSearchNamesOnly) {
  const Watchlist a({Item("www.example.com", false), Item("shop.example.net", true)});
  // Other order, other item kinds and issuers, a name whose search names are already there.
  const Watchlist b({Item("shop.example.net", false, {"pki.goog"}), Item("example.com", true),
                     Item("www.example.com", true)});
  const Watchlist c({Item("www.example.com", false), Item("shop.example.org", true)});
  const Watchlist starred({Item("www.example.com", false), Item("shop.example.net", true),
                           Item("*.example.com", false)});
  EXPECT_EQ(a.DigestSearchNames().fingerprint, b.DigestSearchNames().fingerprint);
  EXPECT_NE(a.DigestSearchNames().fingerprint, c.DigestSearchNames().fingerprint);
  // www.example.com, example.com, com, shop.example.net, example.net, net.
  EXPECT_EQ(a.DigestSearchNames().names, 6u);
  // "*.example.com" is no search name: it changes neither count nor fingerprint.
  EXPECT_EQ(starred.DigestSearchNames().names, 6u);
  EXPECT_EQ(starred.DigestSearchNames().fingerprint, a.DigestSearchNames().fingerprint);
  EXPECT_EQ(Watchlist().DigestSearchNames().names, 0u);
}

// A file read after items were added (the trie is resized with nodes in it), mixing ASCII names
// in any case, IDNs and a bad line: the same list as the items parsed one by one.
TEST(WatchlistTest, TextAddedAfterItemsIndexesEveryNameOnce) {
  Watchlist::Builder builder;
  builder.Add(Item("first.example", false));
  std::string text;
  for (int i = 0; i < 5000; ++i) absl::StrAppend(&text, "Host", i, ".Zone", i % 50, ".EXAMPLE.\n");
  text +=
      ".b\xc3\xbc"
      "cher.example\n";
  ASSERT_TRUE(builder.AddText(text).ok());
  EXPECT_FALSE(builder.AddText("ok.example\nbad..example\n").ok());
  const Watchlist list = std::move(builder).Build();
  EXPECT_EQ(list.size(),
            5003u);  // first, 5000 hosts, the IDN; ok.example came before the bad line.
  EXPECT_THAT(HitItems(list, "host4999.zone49.example"),
              UnorderedElementsAreArray({"host4999.zone49.example"}));
  EXPECT_THAT(HitItems(list, "first.example"), UnorderedElementsAreArray({"first.example"}));
  EXPECT_THAT(HitItems(list, "www.xn--bcher-kva.example"),
              UnorderedElementsAreArray({".xn--bcher-kva.example"}));
  EXPECT_THAT(HitItems(list, "host5000.zone0.example"), IsEmpty());
}

// A watchlist line read through the file reader (which takes plain names on a fast path) gives
// what ParseWatchItem gives for it: the same entry, or an error with its message. Random lines
// are built from pieces that sit on every edge of the fast path: case, '*', '_', 62-64 octet
// labels, names of 252-254 octets, leading and repeated trailing dots, empty labels, fields,
// comments, inner whitespace, non-ASCII and control octets.
TEST(WatchlistTest, FileReaderAgreesWithParseWatchItemOnEveryLine) {
  const std::vector<std::string> pieces = {"a",
                                           "Z",
                                           "x1",
                                           "-",
                                           "_",
                                           "*",
                                           ".",
                                           "..",
                                           "com",
                                           "EXAMPLE",
                                           std::string(62, 'q'),
                                           std::string(63, 'r'),
                                           std::string(64, 's'),
                                           std::string(125, 't'),
                                           " ",
                                           "\t",
                                           "\v",
                                           "#",
                                           " issuers=letsencrypt.org",
                                           " valid_at:1",
                                           "b\xc3\xbc",
                                           "\xff",
                                           "\x01",
                                           "?"};
  std::mt19937 rng(7);
  std::vector<WatchItem> reference_items;
  std::string valid_text;
  for (int i = 0; i < 20000; ++i) {
    std::string line;
    const int count = 1 + static_cast<int>(rng() % 6);
    for (int k = 0; k < count; ++k) line += pieces[rng() % pieces.size()];
    if (rng() % 4 == 0) line = "." + line;
    const absl::string_view stripped = absl::StripAsciiWhitespace(line);
    const absl::StatusOr<std::vector<WatchItem>> read = ParseWatchlist(line);
    if (stripped.empty() || stripped.front() == '#') {
      ASSERT_TRUE(read.ok() && read->empty()) << "line: " << line;
      continue;
    }
    const absl::StatusOr<WatchItem> reference = ParseWatchItem(stripped);
    ASSERT_EQ(read.ok(), reference.ok()) << "line: " << line;
    if (!reference.ok()) {
      EXPECT_THAT(read.status().message(), HasSubstr(reference.status().message()));
      EXPECT_THAT(read.status().message(), HasSubstr("watchlist line 1"));
      continue;
    }
    ASSERT_EQ(read->size(), 1u);
    EXPECT_EQ(read->front(), *reference) << "line: " << line;
    reference_items.push_back(*reference);
    absl::StrAppend(&valid_text, line, "\n");
  }
  ASSERT_GT(reference_items.size(), 2000u);  // Enough plain names and fields both.
  Watchlist::Builder builder;
  ASSERT_TRUE(builder.AddText(valid_text).ok());
  const Watchlist from_text = std::move(builder).Build();
  const Watchlist from_items(reference_items);
  ASSERT_EQ(from_text.size(), from_items.size());
  for (size_t i = 0; i < from_items.size(); ++i) {
    EXPECT_EQ(from_text.entry(i).ToItem(), from_items.entry(i).ToItem());
  }
  EXPECT_EQ(from_text.DigestSearchNames().fingerprint, from_items.DigestSearchNames().fingerprint);
}

// A builder started from a list holds that list's entries, in order, and takes more: the same
// list as one built from every item, with the base list itself unchanged.
TEST(WatchlistTest, BuilderFromAListContinuesIt) {
  std::vector<WatchItem> base_items = {Item("example.com", true), Item("www.example.org", false),
                                       Item("shop.example.com", false, {"letsencrypt.org"}),
                                       Item("", true)};
  for (int i = 0; i < 3000; ++i) {
    base_items.push_back(
        Item(absl::StrCat("host", i, ".zone", i % 40, ".example"), i % 3 == 0,
             i % 7 == 0 ? std::vector<std::string>{"pki.goog"} : std::vector<std::string>{}));
  }
  const Watchlist base(base_items);
  const std::vector<WatchItem> more = {
      Item("mail.example.org", false), Item("host5.zone5.example", false, {"pki.goog"}),
      Item("new.zone7.example", true, {"digicert.com", "letsencrypt.org"}),
      Item("example.net", false, {"letsencrypt.org"})};
  Watchlist::Builder builder(base);
  for (const WatchItem& item : more) builder.Add(item);
  const Watchlist continued = std::move(builder).Build();

  std::vector<WatchItem> all = base_items;
  all.insert(all.end(), more.begin(), more.end());
  const Watchlist rebuilt(all);
  ASSERT_EQ(continued.size(), rebuilt.size());
  for (size_t i = 0; i < rebuilt.size(); ++i) {
    ASSERT_EQ(continued.entry(i).ToItem(), rebuilt.entry(i).ToItem()) << i;
  }
  EXPECT_EQ(continued.DigestSearchNames().fingerprint, rebuilt.DigestSearchNames().fingerprint);
  for (const std::string name :
       {"a.new.zone7.example", "mail.example.org", "host5.zone5.example", "x.host3.zone3.example",
        "example.net", "www.example.com", "nothing.example"}) {
    EXPECT_THAT(HitItems(continued, name), UnorderedElementsAreArray(HitItems(rebuilt, name)))
        << name;
  }
  EXPECT_EQ(base.size(), base_items.size());
  EXPECT_THAT(HitItems(base, "mail.example.org"), UnorderedElementsAreArray({"."}));
}

}  // namespace
}  // namespace caawatch::watch
