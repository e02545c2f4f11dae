#include "ctlog/base64.h"

#include <random>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace caawatch::ctlog {
namespace {

using Decoder = bool (*)(absl::string_view, std::vector<uint8_t>*);

std::vector<uint8_t> Bytes(absl::string_view s) { return std::vector<uint8_t>(s.begin(), s.end()); }

std::optional<std::vector<uint8_t>> Decode(absl::string_view b64,
                                           Decoder decoder = AppendBase64Decoded) {
  std::vector<uint8_t> out = {0xaa};  // Appends after what is there.
  if (!decoder(b64, &out)) {
    EXPECT_EQ(out, std::vector<uint8_t>{0xaa}) << "a rejected input changed the output";
    return std::nullopt;
  }
  out.erase(out.begin());
  return out;
}

// Every implementation this CPU can run.
std::vector<Decoder> Decoders() {
  std::vector<Decoder> out = {AppendBase64Decoded, base64_internal::AppendDecodedScalar};
  if (base64_internal::HaveAvx2()) out.push_back(base64_internal::AppendDecodedAvx2);
  return out;
}

TEST(Base64Test, DecodesTheRfc4648Vectors) {
  for (const Decoder d : Decoders()) {
    EXPECT_EQ(Decode("", d), Bytes(""));
    EXPECT_EQ(Decode("Zg==", d), Bytes("f"));
    EXPECT_EQ(Decode("Zm8=", d), Bytes("fo"));
    EXPECT_EQ(Decode("Zm9v", d), Bytes("foo"));
    EXPECT_EQ(Decode("Zm9vYg==", d), Bytes("foob"));
    EXPECT_EQ(Decode("Zm9vYmE=", d), Bytes("fooba"));
    EXPECT_EQ(Decode("Zm9vYmFy", d), Bytes("foobar"));
    EXPECT_EQ(Decode("+/+/", d), std::vector<uint8_t>({0xfb, 0xff, 0xbf}));
  }
}

TEST(Base64Test, RejectsWhatTheStrictDecoderRejects) {
  for (const Decoder d : Decoders()) {
    for (const char* bad : {"Zg", "Zg=", "Zm9vY", "Zg=a", "Z===", "====", "Zm9v\nYmFy", "Zm 9v",
                            "Zm9-", "Zm9_", "Zg==Zm9v", "=Zm9"}) {
      EXPECT_EQ(Decode(bad, d), std::nullopt) << bad;
    }
  }
}

TEST(Base64Test, RoundTripsRandomBytesOfEveryLengthModuloThree) {
  std::mt19937 rng(7);
  for (size_t len = 0; len < 400; ++len) {
    std::string raw(len, '\0');
    for (char& c : raw) c = static_cast<char>(rng());
    for (const Decoder d : Decoders()) {
      EXPECT_EQ(Decode(absl::Base64Escape(raw), d), Bytes(raw)) << len;
    }
  }
}

// The vector path checks 32 characters at once: every byte value at every position of a long
// input (inside a vector block, and in the scalar tail) must be accepted or refused exactly as
// the table does, and decoded to the same bytes.
TEST(Base64Test, EveryByteAtEveryPositionIsJudgedLikeTheTable) {
  std::mt19937 rng(11);
  std::string raw(300, '\0');
  for (char& c : raw) c = static_cast<char>(rng());
  const std::string valid = absl::Base64Escape(raw);  // 400 characters, no padding.
  ASSERT_EQ(valid.size(), 400u);
  for (size_t pos = 0; pos < valid.size(); ++pos) {
    for (int byte = 0; byte < 256; ++byte) {
      std::string input = valid;
      input[pos] = static_cast<char>(byte);
      const auto want = Decode(input, base64_internal::AppendDecodedScalar);
      for (const Decoder d : Decoders()) {
        ASSERT_EQ(Decode(input, d), want) << "byte " << byte << " at " << pos;
      }
    }
  }
}

TEST(Base64Test, PaddedInputsOfManyLengthsDecodeAlikeAndDamageAnywhereIsRefused) {
  std::mt19937 rng(13);
  for (size_t len = 60; len < 200; ++len) {
    std::string raw(len, '\0');
    for (char& c : raw) c = static_cast<char>(rng());
    std::string b64 = absl::Base64Escape(raw);
    for (const Decoder d : Decoders()) EXPECT_EQ(Decode(b64, d), Bytes(raw)) << len;
    b64[rng() % b64.size()] = '*';
    for (const Decoder d : Decoders()) EXPECT_EQ(Decode(b64, d), std::nullopt) << len;
  }
}

}  // namespace
}  // namespace caawatch::ctlog
