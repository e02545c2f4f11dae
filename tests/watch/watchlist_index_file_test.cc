#include "watch/watchlist_index_file.h"

#include <stdlib.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/fakes/temp_dir.h"
#include "watch/flat_arrays.h"
#include "watch/stable_hash.h"
#include "watch/watchlist.h"

namespace caawatch::watch {
namespace {

using ::testing::HasSubstr;
using ::testing::UnorderedElementsAreArray;

std::vector<std::string> HitItems(const Watchlist& list, absl::string_view cert_name) {
  std::vector<std::string> hits;
  for (const Match& m : list.MatchName(cert_name)) hits.push_back(m.item.ToString());
  return hits;
}

// A watchlist text with every kind of entry: plain names in any case, subtrees, issuers, an
// IDN, a literal '*', the root, and names sharing parents.
std::string MixedWatchlistText(int names, uint32_t seed) {
  std::mt19937 rng(seed);
  const std::vector<std::string> labels = {"a", "b", "ab", "Shop", "x-1", "*", "www", "mail"};
  const std::vector<std::string> suffixes = {"example.com", "example.org", "co.uk", "test"};
  std::string text =
      ".\n.b\xc3\xbc"
      "cher.example\n";
  for (int i = 0; i < names; ++i) {
    const int depth = 1 + static_cast<int>(rng() % 3);
    std::string name = rng() % 4 == 0 ? "." : "";
    for (int d = 0; d < depth; ++d) absl::StrAppend(&name, labels[rng() % labels.size()], ".");
    absl::StrAppend(&name, "n", rng() % (names / 4 + 1), ".", suffixes[rng() % suffixes.size()]);
    if (rng() % 10 == 0) {
      absl::StrAppend(&name, " issuers=letsencrypt.org");
    } else if (rng() % 17 == 0) {
      absl::StrAppend(&name, " issuers=pki.goog,digicert.com");
    }
    absl::StrAppend(&text, name, "\n");
  }
  return text;
}

Watchlist MustBuild(absl::string_view text) {
  Watchlist::Builder builder;
  const absl::Status added = builder.AddText(text);
  EXPECT_TRUE(added.ok()) << added;
  return std::move(builder).Build();
}

// Everything a user of the list can see is the same: entries in order, matches, search names.
void ExpectSameList(const Watchlist& got, const Watchlist& want, uint32_t seed) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(got.entry(i).ToItem(), want.entry(i).ToItem()) << i;
  }
  ASSERT_EQ(got.search_name_count(), want.search_name_count());
  for (size_t i = 0; i < want.search_name_count(); ++i) {
    ASSERT_EQ(got.SearchName(i), want.SearchName(i));
    ASSERT_TRUE(want.SearchName(i).empty() || got.HasSearchName(want.SearchName(i)));
  }
  EXPECT_EQ(got.DigestSearchNames().fingerprint, want.DigestSearchNames().fingerprint);
  std::mt19937 rng(seed);
  const std::vector<std::string> labels = {"a", "b", "ab", "shop", "x-1", "*", "?", "www", "zz"};
  const std::vector<std::string> suffixes = {"example.com", "example.org", "co.uk", "test"};
  size_t hits = 0;
  for (int q = 0; q < 3000; ++q) {
    std::string name;
    for (int d = static_cast<int>(rng() % 3); d >= 0; --d) {
      absl::StrAppend(&name, labels[rng() % labels.size()], ".");
    }
    absl::StrAppend(&name, "n", rng() % 60, ".", suffixes[rng() % suffixes.size()]);
    const std::vector<std::string> want_hits = HitItems(want, name);
    hits += want_hits.size();
    ASSERT_THAT(HitItems(got, name), UnorderedElementsAreArray(want_hits)) << name;
  }
  EXPECT_GT(hits, 3000u);  // Beyond the root entry, which every name hits.
}

std::string Encoded(const Watchlist& list) {
  std::string bytes;
  FlatWriter writer(&bytes);
  list.Encode(&writer);
  return bytes;
}

TEST(WatchlistEncodingTest, DecodeGivesTheListThatWasEncoded) {
  const Watchlist list = MustBuild(MixedWatchlistText(2000, 1));
  const std::string bytes = Encoded(list);
  FlatReader reader(bytes);
  absl::StatusOr<Watchlist> decoded = Watchlist::Decode(&reader);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(reader.remaining(), 0u);
  ExpectSameList(*decoded, list, 2);
  // And the empty list.
  const std::string empty = Encoded(Watchlist());
  FlatReader empty_reader(empty);
  absl::StatusOr<Watchlist> decoded_empty = Watchlist::Decode(&empty_reader);
  ASSERT_TRUE(decoded_empty.ok()) << decoded_empty.status();
  EXPECT_EQ(decoded_empty->size(), 0u);
  EXPECT_TRUE(decoded_empty->MatchName("example.com").empty());
}

TEST(WatchlistEncodingTest, EveryTruncationIsAnError) {
  const std::string bytes = Encoded(MustBuild(MixedWatchlistText(20, 3)));
  for (size_t size = 0; size < bytes.size(); ++size) {
    FlatReader reader(absl::string_view(bytes).substr(0, size));
    ASSERT_FALSE(Watchlist::Decode(&reader).ok()) << size << " of " << bytes.size();
  }
}

// Arrays that do not describe a list are refused, whatever is changed: here each 4-octet word
// in turn is set to values that break an offset, a node number or a count.
TEST(WatchlistEncodingTest, DecodeRefusesArraysThatDescribeNoList) {
  const std::string bytes = Encoded(MustBuild(MixedWatchlistText(20, 4)));
  int refused = 0, accepted = 0;
  for (size_t at = 0; at + 4 <= bytes.size(); at += 4) {
    for (const uint32_t value : {0xffffffffu, 0x7fffffffu, 100000u}) {
      std::string damaged = bytes;
      std::memcpy(damaged.data() + at, &value, sizeof value);
      FlatReader reader(damaged);
      absl::StatusOr<Watchlist> decoded = Watchlist::Decode(&reader);
      if (!decoded.ok()) {
        EXPECT_TRUE(absl::IsDataLoss(decoded.status())) << decoded.status();
        ++refused;
        continue;
      }
      // Accepted (a slot's tag, say): still a list every call works on.
      ++accepted;
      for (size_t i = 0; i < decoded->size(); ++i) {
        decoded->MatchName(decoded->entry(i).domain());
        decoded->entry(i).ToString();
      }
      decoded->DigestSearchNames();
    }
  }
  EXPECT_GT(refused, 1000);  // Of about 4,000 changes; the rest changed labels or tags.
}

// A label the list was not built from, in bytes that otherwise describe a list (a file changed
// behind the checksum's back, or saved by a build with other rules), is refused: the list never
// hands out a watched domain that is no name.
TEST(WatchlistEncodingTest, DecodeRefusesALabelThatIsNoName) {
  const std::string bytes = Encoded(MustBuild("shop.example.com\n.mail.example.org\n"));
  const size_t at = bytes.find("shop");
  ASSERT_NE(at, std::string::npos);
  for (const absl::string_view label :
       {absl::string_view("Shop"), absl::string_view("sh.p"), absl::string_view("sh p"),
        absl::string_view("sh\0p", 4), absl::string_view("sh\xc3\xbc")}) {
    std::string damaged = bytes;
    damaged.replace(at, 4, label.data(), label.size());
    FlatReader reader(damaged);
    const absl::Status status = Watchlist::Decode(&reader).status();
    EXPECT_TRUE(absl::IsDataLoss(status)) << status;
    EXPECT_THAT(status.message(), HasSubstr("no DNS label")) << status;
  }
  // The longest label is one.
  const std::string long_bytes = Encoded(MustBuild(std::string(63, 'a') + ".example\n"));
  FlatReader long_reader(long_bytes);
  EXPECT_TRUE(Watchlist::Decode(&long_reader).ok());
}

TEST(WatchlistEncodingTest, DecodeRefusesLabelOffsetsPastTheLabels) {
  // watchlist_index_fuzz's input (its harness: a watchlist text, a 0 octet, then 5-octet changes
  // xored into the encoding): label offsets that ran past the labels before the last one came
  // back made Decode read past them (std::out_of_range, an abort).
  std::string input;
  ASSERT_TRUE(absl::Base64Unescape(
      "LmLDvHIKKi5leAkAZXIuZXhhLmNvBAAAAAAAAABleGEuY29lCiouZXhhbXBsZQE=", &input));
  const size_t split = input.find('\0');
  ASSERT_NE(split, std::string::npos);
  Watchlist::Builder builder;
  (void)builder.AddText(absl::string_view(input).substr(0, split));
  const Watchlist built = std::move(builder).Build();
  std::string bytes;
  FlatWriter writer(&bytes);
  built.Encode(&writer);
  for (absl::string_view changes = absl::string_view(input).substr(split + 1); changes.size() >= 5;
       changes.remove_prefix(5)) {
    uint32_t offset;
    std::memcpy(&offset, changes.data(), sizeof offset);
    bytes[offset % bytes.size()] ^= changes[4];
  }
  FlatReader reader(bytes);
  const absl::Status status = Watchlist::Decode(&reader).status();
  EXPECT_TRUE(absl::IsDataLoss(status)) << status;
}

class WatchlistIndexFileTest : public ::testing::Test {
 protected:
  void SetUp() override { path_ = WatchlistIndexPath(dir_.string()); }

  std::string ReadFile() const {
    std::ifstream in(path_, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  void WriteFile(const std::string& bytes) const {
    std::ofstream(path_, std::ios::binary | std::ios::trunc) << bytes;
  }

  TempDir dir_{"watchlist_index_test"};
  std::string path_;
};

TEST_F(WatchlistIndexFileTest, KeyNamesTheTextsInOrder) {
  const std::optional<uint64_t> key = WatchlistIndexKey({"a.example\n", "b.example\n"});
  ASSERT_TRUE(key.has_value());  // The test program has a build ID, as caawatch has.
  EXPECT_EQ(WatchlistIndexKey({"a.example\n", "b.example\n"}), key);
  EXPECT_NE(WatchlistIndexKey({"b.example\n", "a.example\n"}), key);
  EXPECT_NE(WatchlistIndexKey({"a.example\nb.example\n", ""}), key);
  EXPECT_NE(WatchlistIndexKey({"a.example\n", "b.example\n", ""}), key);
  EXPECT_NE(WatchlistIndexKey({"a.example\n", "c.example\n"}), key);
}

TEST_F(WatchlistIndexFileTest, ASavedListLoadsUnderItsKeyOnly) {
  const Watchlist list = MustBuild(MixedWatchlistText(3000, 5));
  EXPECT_TRUE(absl::IsNotFound(LoadWatchlistIndex(path_, 42).status()));
  ASSERT_TRUE(SaveWatchlistIndex(path_, 42, list).ok());
  absl::StatusOr<Watchlist> loaded = LoadWatchlistIndex(path_, 42);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ExpectSameList(*loaded, list, 6);
  const absl::Status other = LoadWatchlistIndex(path_, 43).status();
  EXPECT_TRUE(absl::IsFailedPrecondition(other)) << other;
  EXPECT_THAT(other.message(), HasSubstr("another watchlist"));
  // Saving again replaces the file, and leaves no temporary file behind.
  ASSERT_TRUE(SaveWatchlistIndex(path_, 43, MustBuild("one.example\n")).ok());
  absl::StatusOr<Watchlist> replaced = LoadWatchlistIndex(path_, 43);
  ASSERT_TRUE(replaced.ok()) << replaced.status();
  EXPECT_EQ(replaced->size(), 1u);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_.path()), {}), 1);
}

// Any changed octet, from the header to the last array, is detected: the file is not used.
TEST_F(WatchlistIndexFileTest, ADamagedFileIsRefused) {
  ASSERT_TRUE(SaveWatchlistIndex(path_, 7, MustBuild(MixedWatchlistText(300, 8))).ok());
  const std::string good = ReadFile();
  std::mt19937 rng(9);
  for (int trial = 0; trial < 300; ++trial) {
    std::string damaged = good;
    const size_t at = trial < 100 ? static_cast<size_t>(trial) : rng() % good.size();
    damaged[at] = static_cast<char>(damaged[at] ^ (1 + rng() % 255));
    WriteFile(damaged);
    const absl::Status status = LoadWatchlistIndex(path_, 7).status();
    ASSERT_FALSE(status.ok()) << "octet " << at;
    EXPECT_TRUE(absl::IsDataLoss(status) || absl::IsFailedPrecondition(status)) << status;
  }
  for (const size_t size : {size_t{0}, size_t{10}, good.size() / 2, good.size() - 1}) {
    WriteFile(good.substr(0, size));
    EXPECT_FALSE(LoadWatchlistIndex(path_, 7).ok()) << size;
  }
  WriteFile(good + "x");
  EXPECT_TRUE(absl::IsDataLoss(LoadWatchlistIndex(path_, 7).status()));
  WriteFile(good);
  EXPECT_TRUE(LoadWatchlistIndex(path_, 7).ok());
}

// A file whose checksum matches but whose trie holds a label that is no name (written by hand,
// or by another build): refused as damaged, saying why, so that the caller reads the text again.
TEST_F(WatchlistIndexFileTest, AFileWithALabelThatIsNoNameIsRefused) {
  ASSERT_TRUE(SaveWatchlistIndex(path_, 7, MustBuild("shop.example.com\n")).ok());
  std::string file = ReadFile();
  // The layout of watchlist_index_file.cc: magic, a header whose last field is the payload's
  // checksum, the payload.
  const size_t payload_at = std::string_view("caawatch watchlist index 2\n").size() + 32;
  ASSERT_GT(file.size(), payload_at);
  const size_t at = file.find("shop", payload_at);
  ASSERT_NE(at, std::string::npos);
  file.replace(at, 4, "SH P");
  const uint64_t checksum = StableHash64(file.substr(payload_at), 0x5c0ffee5caa1d3a5ULL);
  std::memcpy(file.data() + payload_at - sizeof checksum, &checksum, sizeof checksum);
  WriteFile(file);
  const absl::Status status = LoadWatchlistIndex(path_, 7).status();
  EXPECT_TRUE(absl::IsDataLoss(status)) << status;
  EXPECT_THAT(status.message(), HasSubstr("no DNS label")) << status;
  EXPECT_THAT(status.message(), HasSubstr(path_)) << status;
}

TEST_F(WatchlistIndexFileTest, SavingIntoAMissingDirectoryFailsCleanly) {
  const std::string path = WatchlistIndexPath((dir_ / "missing").string());
  const absl::Status status = SaveWatchlistIndex(path, 1, MustBuild("a.example\n"));
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("missing"));
}

}  // namespace
}  // namespace caawatch::watch
