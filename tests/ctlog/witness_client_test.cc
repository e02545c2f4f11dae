// The read side of a witness over real components: a real nginx serving a witness's files in
// the layout Sunlight's witness uses, read by the production curl fetcher. The checkpoint is
// found by the origin's hash, asked again conditionally (nginx answers 304 and the cached note
// is returned), and a log the witness does not serve is told apart from a failure.
#include "ctlog/witness_client.h"

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/fakes/nginx_server.h"
#include "tests/fakes/temp_dir.h"
#include "tests/fakes/test_witness.h"

namespace caawatch::ctlog {
namespace {

constexpr char kOrigin[] = "tiled.caawatch.test/log";
constexpr char kNote[] =
    "tiled.caawatch.test/log\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n";

// Answers with `status` in nginx's access log.
int Answers(const std::string& access_log, const std::string& status) {
  std::ifstream in(access_log);
  std::stringstream text;
  text << in.rdbuf();
  int n = 0;
  for (absl::string_view line : absl::StrSplit(text.str(), '\n')) {
    n += absl::StrContains(line, absl::StrCat("\" ", status, " ")) ? 1 : 0;
  }
  return n;
}

TEST(WitnessClientTest, FindsTheCheckpointByOriginAndAsksAgainConditionally) {
  TempDir dir("witness_client");
  const std::string root = dir.string();
  const fakes::TestWitness witness("w1.caawatch.test", 1);
  const std::string cosigned = kNote + witness.Cosign(kNote, absl::Now());
  // The test witness computes the path on its own (OpenSSL's SHA-256): the same place.
  const std::string file = root + "/w1/" + fakes::WitnessCheckpointPath(kOrigin);
  std::filesystem::create_directories(std::filesystem::path(file).parent_path());
  std::ofstream(file) << cosigned;
  fakes::NginxOptions options;
  options.gzip = false;
  auto nginx = fakes::NginxServer::Start(root, root + "/nginx", options);
  ASSERT_TRUE(nginx.ok()) << nginx.status();
  auto fetcher = CurlHttpFetcher::Create();
  ASSERT_TRUE(fetcher.ok()) << fetcher.status();
  WitnessClient client(fetcher->get());
  const std::string prefix = (*nginx)->url() + "w1/";
  EXPECT_EQ(WitnessCheckpointUrl(prefix, kOrigin), prefix + fakes::WitnessCheckpointPath(kOrigin));

  absl::StatusOr<std::string> note = client.LatestCheckpoint(prefix, kOrigin);
  ASSERT_TRUE(note.ok()) << note.status();
  EXPECT_EQ(*note, cosigned);
  note = client.LatestCheckpoint(prefix, kOrigin);  // Unchanged: a 304, the cached note.
  ASSERT_TRUE(note.ok()) << note.status();
  EXPECT_EQ(*note, cosigned);
  const std::string access_log = root + "/nginx/access.log";
  // nginx writes its log line after the answer went out: wait (bounded) for the second one.
  for (int i = 0; i < 100 && Answers(access_log, "200") + Answers(access_log, "304") < 2; ++i) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_EQ(Answers(access_log, "200"), 1);
  EXPECT_EQ(Answers(access_log, "304"), 1) << std::ifstream(access_log).rdbuf();

  // The witness cosigned a newer checkpoint: read in full.
  const std::string newer = cosigned + witness.Cosign(kNote, absl::Now() + absl::Seconds(1));
  std::ofstream(file + ".tmp") << newer;
  std::filesystem::rename(file + ".tmp", file);
  note = client.LatestCheckpoint(prefix, kOrigin);
  ASSERT_TRUE(note.ok()) << note.status();
  EXPECT_EQ(*note, newer);

  // A log the witness does not serve, and a witness that is not there.
  EXPECT_EQ(client.LatestCheckpoint(prefix, "other.example/log").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(client.LatestCheckpoint("http://127.0.0.1:1/", kOrigin).status().code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace caawatch::ctlog
