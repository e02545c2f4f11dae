// ParseGetEntriesJson, the one get-entries parser: real answers from the corpus (also through
// HttpLogClient over real HTTP), every valid JSON spelling of them, and hostile bodies, each held
// against what a full JSON parser decides (ctlog/fuzz/get_entries_reference.h, as the fuzzer).
#include "ctlog/get_entries_json.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "base/quoted_input.h"
#include "ctlog/fuzz/get_entries_reference.h"
#include "ctlog/http_fetcher.h"
#include "ctlog/http_log_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/ctlog/corpus.h"
#include "tests/fakes/http_server.h"

namespace caawatch::ctlog {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kArgonAnswer[] = "ct/rfc6962-argon2025/argon2025h2-get-entries-precert-google.json";

std::vector<uint8_t> Bytes(absl::string_view s) { return std::vector<uint8_t>(s.begin(), s.end()); }

// The corpus answer's entries, decoded independently of both parsers.
std::vector<RawEntry> ArgonEntries() {
  const nlohmann::json json = nlohmann::json::parse(testing::ReadCorpus(kArgonAnswer));
  std::vector<RawEntry> out;
  for (const nlohmann::json& e : json["entries"]) {
    std::string leaf, extra;
    EXPECT_TRUE(absl::Base64Unescape(e["leaf_input"].get<std::string>(), &leaf));
    EXPECT_TRUE(absl::Base64Unescape(e["extra_data"].get<std::string>(), &extra));
    out.push_back({Bytes(leaf), Bytes(extra)});
  }
  return out;
}

void ExpectSameEntries(const std::vector<RawEntry>& got, const std::vector<RawEntry>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].leaf_input, want[i].leaf_input) << i;
    EXPECT_EQ(got[i].extra_data, want[i].extra_data) << i;
  }
}

TEST(ParseGetEntriesJsonTest, ReadsARealLogsAnswer) {
  const std::vector<RawEntry> want = ArgonEntries();
  ASSERT_EQ(want.size(), 1u);
  EXPECT_EQ(want[0].leaf_input.size(), 3138u);  // PROVENANCE.md: a 3,138-byte leaf_input.
  const auto got = ParseGetEntriesJson(testing::ReadCorpus(kArgonAnswer));
  ASSERT_TRUE(got.ok()) << got.status();
  ExpectSameEntries(*got, want);
}

// The same answer in other valid JSON spellings: escaped '/' (some JSON encoders write "\/"),
// escaped key characters, a byte order mark, compact and with a member logs do not send.
TEST(ParseGetEntriesJsonTest, ReadsEveryValidSpellingOfARealAnswer) {
  const std::string real = testing::ReadCorpus(kArgonAnswer);
  const std::vector<RawEntry> want = ArgonEntries();
  const nlohmann::json json = nlohmann::json::parse(real);
  for (const std::string& body : {
           absl::StrReplaceAll(real, {{"/", "\\/"}}),
           absl::StrReplaceAll(real, {{"\"leaf_input\"", "\"leaf\\u005finput\""},
                                      {"\"entries\"", "\"\\u0065ntries\""}}),
           absl::StrReplaceAll(real, {{"+", "\\u002B"}}),
           "\xEF\xBB\xBF" + real,
           json.dump(),
           absl::StrCat(R"({"note": "caf\u00e9 \ud83d\ude00 café", "n": [1e300, -0.5, null],)",
                        json.dump().substr(1)),
       }) {
    const auto got = ParseGetEntriesJson(body);
    ASSERT_TRUE(got.ok()) << got.status() << "\n" << body.substr(0, 200);
    ExpectSameEntries(*got, want);
    ASSERT_TRUE(ReferenceGetEntries(body).has_value());
  }
}

TEST(ParseGetEntriesJsonTest, ReadsEntriesAndSkipsOtherMembers) {
  const auto entries = ParseGetEntriesJson(
      R"( {"other": [1, -2.5e3, {"x": null}, true, false, "s"],
           "entries": [ {"leaf_input": "Zm9v", "extra": 0, "extra_data": ""},
                        {"extra_data": "YmFy", "leaf_input": "Zg=="} ] } )");
  ASSERT_TRUE(entries.ok()) << entries.status();
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].leaf_input, Bytes("foo"));
  EXPECT_EQ((*entries)[0].extra_data, Bytes(""));
  EXPECT_EQ((*entries)[1].leaf_input, Bytes("f"));
  EXPECT_EQ((*entries)[1].extra_data, Bytes("bar"));
}

TEST(ParseGetEntriesJsonTest, RepeatedKeysKeepTheLastLikeAFullParser) {
  const std::string body =
      R"({"entries": [], "entries": [{"leaf_input": "Zg==", "leaf_input": "Zm8=",
          "extra_data": ""}]})";
  const auto entries = ParseGetEntriesJson(body);
  ASSERT_TRUE(entries.ok()) << entries.status();
  ExpectSameEntries(*entries, *ReferenceGetEntries(body));
  EXPECT_EQ((*entries)[0].leaf_input, Bytes("fo"));
}

// Every body here is accepted or refused exactly as a full JSON parser does, and when accepted
// gives the same entries: the scanner needs no fallback.
TEST(ParseGetEntriesJsonTest, AcceptsAndRefusesWhatAFullParserDoes) {
  const std::string e = R"({"entries": [{"leaf_input": "Zg==", "extra_data": ""}], )";
  for (const std::string& body : std::vector<std::string>{
           "",
           " ",
           "[]",
           "null",
           R"({})",
           R"({"entries": {}})",
           R"({"entries": null})",
           R"({"entries": [1]})",
           R"({"entries": [[]]})",
           R"({"entries": [{"leaf_input": "Zg=="}]})",
           R"({"entries": [{"extra_data": "Zg=="}]})",
           R"({"entries": [{"leaf_input": "Zg==", "extra_data": 5}]})",
           R"({"entries": [{"leaf_input": "Zg=", "extra_data": ""}]})",
           R"({"entries": [{"leaf_input": "Zg=\u003d", "extra_data": ""}]})",
           R"({"entries": [{"leaf_input": "Z\/8=", "extra_data": ""}]})",
           R"({"entries": [{"leaf_input": "Zm8\"", "extra_data": ""}]})",
           R"({"entries": [{"leaf_input": "Zm\"8=", "extra_data": ""}]})",
           R"({"entries": [{"leaf_input": "Zg==", "extra_data": "Zg==)",
           R"({"entries": [{"leaf_input": "Zg==\n", "extra_data": ""}]})",
           "{\"entries\": [{\"leaf_input\": \"Zg==\n\", \"extra_data\": \"\"}]}",
           R"({"entries": [{"leaf_input": "Zg==", "extra_data": "", }]})",
           R"({"entries": [{"leaf_input": "Zg==", "extra_data": ""},]})",
           R"({"entries": []} x)",
           // A repeated key: only the last value counts, whatever the earlier ones held.
           R"({"entries": [{"leaf_input": "!!", "leaf_input": "Zg==", "extra_data": ""}]})",
           R"({"entries": [{"leaf_input": "Zg==", "leaf_input": "!!", "extra_data": ""}]})",
           R"({"entries": [{"leaf_input": 5, "leaf_input": "Zg==", "extra_data": ""}]})",
           R"({"entries": [{"leaf_input": "Zg==", "extra_data": "", "leaf_input": [1]}]})",
           R"({"entries": 5, "entries": [{"leaf_input": "Zg==", "extra_data": ""}]})",
           R"({"entries": [1, {}], "entries": [{"leaf_input": "Zg==", "extra_data": ""}]})",
           R"({"entries": [{"leaf_input": "Zg==", "extra_data": ""}], "entries": [7]})",
           R"({"entries": [1], "entries": [], "x": tru})",
           R"({"entries": []} {})",
           R"({"entries": [],})",
           R"({"entries": [] "x": 1})",
           R"({"entries" [], "x": 1})",
           R"({entries: []})",
           R"({'entries': []})",
           R"({"entries": [)",
           R"({"entries": [{)",
           R"({"entries": [{"leaf_input)",
           e + R"("n": 01})",
           e + R"("n": 1.})",
           e + R"("n": .5})",
           e + R"("n": -})",
           e + R"("n": +1})",
           e + R"("n": 1e})",
           e + R"("n": 1E+5})",
           e + R"("n": -0})",
           e + R"("n": 1e400})",
           e + R"("n": -1e400})",
           e + R"("n": 123456789012345678901234567890})",
           e + R"("n": 1e-400})",
           e + R"("n": NaN})",
           e + R"("n": Infinity})",
           e + R"("t": tru})",
           e + R"("t": truex})",
           e + R"("t": nul})",
           e + R"("t": True})",
           e + R"("s": "caf\u00e9"})",
           e + "\"s\": \"caf\xc3\xa9\"}",
           e + "\"s\": \"\xc3\x28\"}",
           e + "\"s\": \"\xc0\xaf\"}",
           e + "\"s\": \"\xe0\x80\xaf\"}",
           e + "\"s\": \"\xed\xa0\x80\"}",
           e + "\"s\": \"\xf4\x90\x80\x80\"}",
           e + "\"s\": \"\xf0\x9f\x98\x80\"}",
           e + "\"s\": \"\xf0\x9f\x98\"}",
           e + "\"s\": \"\xff\"}",
           e + "\"s\": \"a\x01b\"}",
           e + "\"s\": \"a\x7f b\"}",
           e + R"("s": "\ud83d\ude00"})",
           e + R"("s": "\ud83d"})",
           e + R"("s": "\ud83dx"})",
           e + R"("s": "\ud83d\u0041"})",
           e + R"("s": "\ude00"})",
           e + R"("s": "\u00"})",
           e + R"("s": "\u00g0"})",
           e + R"("s": "\x41"})",
           e + R"("s": "\'"})",
           e + R"("s": "\u0000"})",
           e + R"("s": "\"\\\/\b\f\n\r\t"})",
           e + R"("s": "unterminated})",
           e + R"("s\u00e9": 1, "\ud83d\ude00": {"a": [[], {}]}})",
           e + "\"ws\":\t\r\n 1 }",
           e + "\"ws\":\v1}",
           e + "\"ws\": 1}\xc2\xa0",
           "\xEF\xBB\xBF" + e + R"("b": 1})",
           "\xEF\xBB" + e + R"("b": 1})",
       }) {
    const auto got = ParseGetEntriesJson(body);
    const auto want = ReferenceGetEntries(body);
    ASSERT_EQ(got.ok(), want.has_value()) << QuoteInput(body) << "\n"
                                          << (got.ok() ? "accepted" : got.status().ToString());
    if (got.ok()) {
      ExpectSameEntries(*got, *want);
    } else {
      EXPECT_EQ(got.status().code(), absl::StatusCode::kDataLoss) << QuoteInput(body);
    }
  }
}

// Where nlohmann is laxer than RFC 8259, this parser keeps to the RFC: nlohmann stops reading at
// a NUL byte as if the input ended there.
TEST(ParseGetEntriesJsonTest, ANulByteAfterTheObjectIsNotTheEnd) {
  const std::string body = std::string(R"({"entries": []})") + '\0' + "anything";
  ASSERT_TRUE(ReferenceGetEntries(body).has_value());
  const auto got = ParseGetEntriesJson(body);
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(got.status().message(), HasSubstr("at byte 15: data after the JSON object"));
}

TEST(ParseGetEntriesJsonTest, ErrorsSayWhatAndWhere) {
  struct Case {
    std::string body;
    std::string message;
  };
  const std::string ok_entry = R"({"leaf_input": "Zg==", "extra_data": ""})";
  for (const Case& c : std::vector<Case>{
           {"[]", "response is not a JSON object"},
           {R"({"x": 1})", R"(missing "entries")"},
           {R"({"entries": 1})", R"("entries" is not an array)"},
           {R"({"entries": [)" + ok_entry + ", 7]}", "entry 1 is not an object"},
           {R"({"entries": [)" + ok_entry + R"(, {"leaf_input": "Zg=="}]})",
            R"(entry 1: missing or non-string "extra_data")"},
           {R"({"entries": [{"leaf_input": 1, "extra_data": ""}]})",
            R"(entry 0: missing or non-string "leaf_input")"},
           {R"({"entries": [)" + ok_entry + "," + ok_entry +
                R"(, {"leaf_input": "Zm9v!!!!", "extra_data": ""}]})",
            R"(entry 2: leaf_input: invalid base64 "Zm9v!!!!")"},
           {R"({"entries": [{"leaf_input": "Zg==", "extra_data": "\u0001Zg=="}]})",
            R"(entry 0: extra_data: invalid base64 "\x01Zg==")"},
           {R"({"entries" [])", R"(invalid JSON at byte 11: expected ':' (at "[]"))"},
           {R"({"entries": []} trailing)",
            R"(invalid JSON at byte 16: data after the JSON object (at "trailing"))"},
           {R"({"entries": [], "n": 1e999})", "invalid JSON at byte 21: number out of range"},
           {"{\"entries\": [], \"s\": \"\xc3\x28\"}",
            R"(invalid JSON at byte 22: invalid UTF-8 in a string (at "\xc3(\"}"))"},
           {R"({"entries": [], "s": "\udc00"})",
            "invalid JSON at byte 22: lone low surrogate in a \\u escape"},
           {R"({"entries": [], "s": "abc)", R"(invalid JSON at byte 21: unterminated string)"},
       }) {
    const auto got = ParseGetEntriesJson(c.body);
    ASSERT_FALSE(got.ok()) << c.body;
    EXPECT_EQ(got.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(got.status().message(), HasSubstr(c.message)) << c.body;
  }
}

// A log's text in a message is escaped and cut: a 1 MB base64 string or a terminal escape
// sequence neither floods nor forges the log line.
TEST(ParseGetEntriesJsonTest, QuotedInputIsEscapedAndCut) {
  const std::string huge(1 << 20, '!');
  const auto long_one =
      ParseGetEntriesJson(R"({"entries": [{"leaf_input": ")" + huge + R"(", "extra_data": ""}]})");
  ASSERT_FALSE(long_one.ok());
  EXPECT_LT(long_one.status().message().size(), 300u);
  EXPECT_THAT(long_one.status().message(), HasSubstr("(1048576 bytes)"));
  const auto escape = ParseGetEntriesJson("{\"entries\": [], \x1b[2J\n}");
  ASSERT_FALSE(escape.ok());
  EXPECT_THAT(escape.status().message(), HasSubstr(R"(\x1b[2J\n})"));
  EXPECT_THAT(escape.status().message(), Not(HasSubstr("\x1b")));
}

TEST(ParseGetEntriesJsonTest, OtherMembersNestedDeeperThan32LevelsAreRefusedNotFollowed) {
  const auto nested = [](int depth) {
    return absl::StrCat(R"({"entries": [], "x": )", std::string(depth, '['),
                        std::string(depth, ']'), "}");
  };
  EXPECT_TRUE(ParseGetEntriesJson(nested(32)).ok());
  const auto deep = ParseGetEntriesJson(nested(33));
  ASSERT_FALSE(deep.ok());
  EXPECT_THAT(deep.status().message(), HasSubstr("nested deeper than 32 levels"));
  // A million levels: refused at the 33rd, with no recursion to match.
  EXPECT_FALSE(ParseGetEntriesJson(nested(1000000)).ok());
}

// The product path: HttpLogClient over real HTTP (libcurl against a local server).
class GetEntriesOverHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fetcher = CurlHttpFetcher::Create();
    ASSERT_TRUE(fetcher.ok()) << fetcher.status();
    fetcher_ = *std::move(fetcher);
  }

  absl::StatusOr<std::vector<RawEntry>> GetEntriesAnswered(std::string body) {
    auto server = fakes::HttpServer::Start([body](const fakes::HttpRequest&) {
      fakes::HttpReply reply;
      reply.body = body;
      return reply;
    });
    if (!server.ok()) return server.status();
    server_ = *std::move(server);
    HttpLogClient client(fetcher_.get(), absl::StrCat("http://127.0.0.1:", server_->port(), "/"));
    return client.GetEntries(912557348, 912557348 + 31);
  }

  CurlGlobal curl_global_;
  std::unique_ptr<CurlHttpFetcher> fetcher_;
  std::unique_ptr<fakes::HttpServer> server_;
};

TEST_F(GetEntriesOverHttpTest, ARealAnswerAndItsEscapedSpellingGiveTheSameEntries) {
  const std::string real = testing::ReadCorpus(kArgonAnswer);
  for (const std::string& body : {real, absl::StrReplaceAll(real, {{"/", "\\/"}})}) {
    const auto got = GetEntriesAnswered(body);
    ASSERT_TRUE(got.ok()) << got.status();
    ExpectSameEntries(*got, ArgonEntries());
  }
}

TEST_F(GetEntriesOverHttpTest, ABadAnswerIsDataLossNamingTheEntry) {
  const auto got = GetEntriesAnswered(
      R"({"entries": [{"leaf_input": "Zg==", "extra_data": ""},
                      {"leaf_input": "Zg==", "extra_data": "not base64"}]})");
  EXPECT_EQ(got.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(got.status().message(),
              HasSubstr(R"(get-entries: entry 1: extra_data: invalid base64 "not base64")"));
}

}  // namespace
}  // namespace caawatch::ctlog
