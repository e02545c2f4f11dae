#include "ctlog/get_entries_json.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace caawatch::ctlog {
namespace {

std::vector<uint8_t> Bytes(absl::string_view s) { return std::vector<uint8_t>(s.begin(), s.end()); }

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
