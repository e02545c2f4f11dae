// An RFC 6962 STH rendered as a signed note keeps the log's own signature: the checkpoint
// verifier accepts it with the log's key, and refuses it when any part is changed.
#include "ctlog/head_note.h"

#include "ctlog/checkpoint.h"
#include "ctlog/log_key.h"
#include "gtest/gtest.h"
#include "tests/ctlog/static_ct_fixture.h"

namespace caawatch::ctlog {
namespace {

TEST(HeadNoteTest, AnRfc6962SthAsANoteVerifiesWithTheLogsKeyAndNothingElse) {
  testing::StaticCtTestLog log;
  log.Grow(3);
  const SignedTreeHead sth = log.log().LatestSth();
  LogInfo info = log.Info("https://mon.example/");
  info.kind = LogKind::kRfc6962;
  info.url = "https://ct.example/2026h2/";
  const std::string origin = HeadNoteOrigin(info);
  EXPECT_EQ(origin, "ct.example/2026h2");
  const std::string note = RenderSthNote(sth, origin, log.log().log_id());
  auto key = LogKey::FromDer(log.log().public_key_der());
  ASSERT_TRUE(key.ok());
  auto verified = VerifyCheckpoint(note, *key, origin);
  ASSERT_TRUE(verified.ok()) << verified.status() << "\n" << note;
  EXPECT_EQ(verified->sth.tree_size, 6u);
  EXPECT_EQ(verified->sth.root_hash, sth.root_hash);
  EXPECT_EQ(verified->sth.timestamp_ms, sth.timestamp_ms);
  EXPECT_EQ(verified->sth.signature, sth.signature);

  SignedTreeHead other_time = sth;
  ++other_time.timestamp_ms;
  EXPECT_FALSE(
      VerifyCheckpoint(RenderSthNote(other_time, origin, log.log().log_id()), *key, origin).ok());
  SignedTreeHead other_root = sth;
  other_root.root_hash[0] ^= 1;
  EXPECT_FALSE(
      VerifyCheckpoint(RenderSthNote(other_root, origin, log.log().log_id()), *key, origin).ok());
  EXPECT_FALSE(VerifyCheckpoint(note, *key, "ct.example/2026h1").ok());
  // A tiled log's origin is its submission prefix.
  EXPECT_EQ(HeadNoteOrigin(log.Info("https://mon.example/")), "tiled.caawatch.test/log");
}

}  // namespace
}  // namespace caawatch::ctlog
