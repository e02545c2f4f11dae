#include "ctlog/get_entries_json.h"

#include <random>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace caawatch::ctlog {
namespace {

std::vector<uint8_t> Bytes(absl::string_view s) { return std::vector<uint8_t>(s.begin(), s.end()); }

std::optional<std::vector<uint8_t>> Decode(absl::string_view b64) {
  std::vector<uint8_t> out = {0xaa};  // Appends after what is there.
  if (!AppendBase64Decoded(b64, &out)) return std::nullopt;
  out.erase(out.begin());
  return out;
}

TEST(Base64Test, DecodesTheRfc4648Vectors) {
  EXPECT_EQ(Decode(""), Bytes(""));
  EXPECT_EQ(Decode("Zg=="), Bytes("f"));
  EXPECT_EQ(Decode("Zm8="), Bytes("fo"));
  EXPECT_EQ(Decode("Zm9v"), Bytes("foo"));
  EXPECT_EQ(Decode("Zm9vYg=="), Bytes("foob"));
  EXPECT_EQ(Decode("Zm9vYmE="), Bytes("fooba"));
  EXPECT_EQ(Decode("Zm9vYmFy"), Bytes("foobar"));
  EXPECT_EQ(Decode("+/+/"), std::vector<uint8_t>({0xfb, 0xff, 0xbf}));
}

TEST(Base64Test, RejectsWhatTheStrictDecoderRejects) {
  for (const char* bad : {"Zg", "Zg=", "Zm9vY", "Zg=a", "Z===", "====", "Zm9v\nYmFy", "Zm 9v",
                          "Zm9-", "Zm9_", "Zg==Zm9v", "=Zm9"}) {
    EXPECT_EQ(Decode(bad), std::nullopt) << bad;
  }
}

TEST(Base64Test, RoundTripsRandomBytesOfEveryLengthModuloThree) {
  std::mt19937 rng(7);
  for (size_t len = 0; len < 200; ++len) {
    std::string raw(len, '\0');
    for (char& c : raw) c = static_cast<char>(rng());
    EXPECT_EQ(Decode(absl::Base64Escape(raw)), Bytes(raw)) << len;
  }
}

TEST(ScanGetEntriesJsonTest, ReadsEntriesAndSkipsOtherMembers) {
  const auto entries = ScanGetEntriesJson(
      R"( {"other": [1, -2.5e3, {"x": null}, true, false, "s"],
           "entries": [ {"leaf_input": "Zm9v", "extra": 0, "extra_data": ""},
                        {"extra_data": "YmFy", "leaf_input": "Zg=="} ] } )");
  ASSERT_TRUE(entries.has_value());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].leaf_input, Bytes("foo"));
  EXPECT_EQ((*entries)[0].extra_data, Bytes(""));
  EXPECT_EQ((*entries)[1].leaf_input, Bytes("f"));
  EXPECT_EQ((*entries)[1].extra_data, Bytes("bar"));
}

TEST(ScanGetEntriesJsonTest, RepeatedKeysKeepTheLastLikeTheFullParser) {
  const auto entries = ScanGetEntriesJson(
      R"({"entries": [], "entries": [{"leaf_input": "Zg==", "leaf_input": "Zm8=",
          "extra_data": ""}]})");
  ASSERT_TRUE(entries.has_value());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].leaf_input, Bytes("fo"));
}

TEST(ScanGetEntriesJsonTest, LeavesEverythingUnusualToTheFullParser) {
  for (const char* body : {
           "",
           "[]",
           R"({})",
           R"({"entries": {}})",
           R"({"entries": [1]})",
           R"({"entries": [{"leaf_input": "Zg=="}]})",
           R"({"entries": [{"leaf_input": "Zg==", "extra_data": 5}]})",
           R"({"entries": [{"leaf_input": "Zg=", "extra_data": ""}]})",
           R"({"entries": [{"leaf_input": "Z\/8=", "extra_data": ""}]})",
           R"({"entries": [{"leaf_input": "Zm8\"", "extra_data": ""}]})",
           R"({"entries": [{"leaf_input": "Zm\"8=", "extra_data": ""}]})",
           R"({"entries": [{"leaf_input": "Zg==", "extra_data": "Zg==)",
           R"({"entries": []} x)",
           R"({"entries": [],})",
           R"({"entries": [], "n": 01})",
           R"({"entries": [], "n": 1.})",
           R"({"entries": [], "s": "caf\u00e9"})",
           "{\"entries\": [], \"s\": \"caf\xc3\xa9\"}",
           R"({"entries": [], "t": tru})",
           R"({"entries": [)",
       }) {
    EXPECT_EQ(ScanGetEntriesJson(body), std::nullopt) << body;
  }
}

}  // namespace
}  // namespace caawatch::ctlog
