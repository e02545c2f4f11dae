// Witness cosignatures on real checkpoints from the corpus: Sunlight's test log cosigned by its
// test witness (and the mirror's signature on the same tree), verified with the vkeys the
// witness and the mirror publish; altered notes, other keys, malformed lines and dates in the
// future are told apart from absent cosignatures.
#include "ctlog/cosignature.h"

#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/ctlog/corpus.h"

namespace caawatch::ctlog {
namespace {

using State = CosignatureCheck::State;
using testing::ReadCorpus;

constexpr char kCosigned[] = "tiles/checkpoints/rome2026h1-example.witness-cosigned.checkpoint";
constexpr char kPlain[] = "tiles/checkpoints/rome2026h1-example.checkpoint";
constexpr char kMirrored[] = "tiles/checkpoints/mirror-rome2026h1.checkpoint";
// After every timestamp in these notes (2025-12).
const absl::Time kNow = absl::FromCivil(absl::CivilDay(2026, 12, 6), absl::UTCTimeZone());

Cosigner FromMetadata(const std::string& file) {
  const nlohmann::json meta = nlohmann::json::parse(ReadCorpus(file));
  absl::StatusOr<Cosigner> cosigner =
      ParseCosignerVkey(meta["verifier_keys"][0].get<std::string>());
  EXPECT_TRUE(cosigner.ok()) << cosigner.status();
  return cosigner.ok() ? *cosigner : Cosigner{};
}

TEST(CosignatureTest, TheWitnessesCosignatureVerifiesWithItsPublishedKey) {
  const Cosigner witness = FromMetadata("tiles/checkpoints/witness.example.org.witness.v0.json");
  EXPECT_EQ(witness.name, "witness.example.org");
  absl::StatusOr<std::vector<CosignatureCheck>> checks =
      CheckCosignatures(ReadCorpus(kCosigned), {witness}, kNow);
  ASSERT_TRUE(checks.ok()) << checks.status();
  ASSERT_EQ(checks->size(), 1u);
  EXPECT_EQ((*checks)[0].state, State::kValid) << (*checks)[0].why;
  EXPECT_GT((*checks)[0].signed_at,
            absl::FromCivil(absl::CivilDay(2025, 1, 1), absl::UTCTimeZone()));

  // The log's own checkpoint, without the witness line: absent, not invalid.
  checks = CheckCosignatures(ReadCorpus(kPlain), {witness}, kNow);
  ASSERT_TRUE(checks.ok()) << checks.status();
  EXPECT_EQ((*checks)[0].state, State::kAbsent);
}

TEST(CosignatureTest, TheMirrorsSignatureIsACosignatureOfItsOwn) {
  const Cosigner mirror = FromMetadata("tiles/checkpoints/mirror.example.org.mirror.v0.json");
  const Cosigner witness = FromMetadata("tiles/checkpoints/witness.example.org.witness.v0.json");
  absl::StatusOr<std::vector<CosignatureCheck>> checks =
      CheckCosignatures(ReadCorpus(kMirrored), {mirror, witness}, kNow);
  ASSERT_TRUE(checks.ok()) << checks.status();
  ASSERT_EQ(checks->size(), 2u);
  EXPECT_EQ((*checks)[0].state, State::kValid) << (*checks)[0].why;
  EXPECT_EQ((*checks)[1].state, State::kAbsent);
}

TEST(CosignatureTest, AnAlteredNoteOrAnotherKeyDoesNotVerify) {
  const Cosigner witness = FromMetadata("tiles/checkpoints/witness.example.org.witness.v0.json");
  // Another tree size under the same cosignature line: the signed body changed.
  const std::string altered = absl::StrReplaceAll(ReadCorpus(kCosigned), {{"\n300\n", "\n301\n"}});
  absl::StatusOr<std::vector<CosignatureCheck>> checks =
      CheckCosignatures(altered, {witness}, kNow);
  ASSERT_TRUE(checks.ok()) << checks.status();
  EXPECT_EQ((*checks)[0].state, State::kInvalid);
  EXPECT_THAT((*checks)[0].why, ::testing::HasSubstr("does not verify"));

  // The same name with another key has another key ID: its line is not this witness's.
  Cosigner impostor = witness;
  impostor.public_key[0] ^= 1;
  checks = CheckCosignatures(ReadCorpus(kCosigned), {impostor}, kNow);
  ASSERT_TRUE(checks.ok()) << checks.status();
  EXPECT_EQ((*checks)[0].state, State::kAbsent);

  // Checked on a date before it was made, the cosignature is from the future.
  checks = CheckCosignatures(ReadCorpus(kCosigned), {witness},
                             absl::FromCivil(absl::CivilDay(2024, 1, 1), absl::UTCTimeZone()));
  ASSERT_TRUE(checks.ok()) << checks.status();
  EXPECT_EQ((*checks)[0].state, State::kInvalid);
  EXPECT_THAT((*checks)[0].why, ::testing::HasSubstr("in the future"));
}

TEST(CosignatureTest, VkeysThatCannotBeAWitnessKeyAreRefused) {
  const std::string good =
      "witness.example.org+b8a2cf20+BFLN3yikSfFkVAJtrnh/CiY3Zozkoy7clp+P7XB28qUN";
  EXPECT_TRUE(ParseCosignerVkey(good).ok());
  for (const std::string& bad : {
           std::string("witness.example.org+b8a2cf21+BFLN3yikSfFkVAJtrnh/CiY3Zozkoy7clp+P7XB28qUN"),
           std::string("other.example.org+b8a2cf20+BFLN3yikSfFkVAJtrnh/CiY3Zozkoy7clp+P7XB28qUN"),
           // Type 0x01 (a plain Ed25519 note key), not a cosignature key.
           std::string("witness.example.org+b8a2cf20+AVLN3yikSfFkVAJtrnh/CiY3Zozkoy7clp+P7XB28qUN"),
           std::string("witness.example.org+b8a2cf20"),
           std::string("witness.example.org+zzzzzzzz+BFLN3yikSfFkVAJtrnh/CiY3Zozkoy7clp+P7XB28qUN"),
           std::string("+b8a2cf20+BFLN3yikSfFkVAJtrnh/CiY3Zozkoy7clp+P7XB28qUN"),
       }) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(ParseCosignerVkey(bad).status().code(), absl::StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace caawatch::ctlog
