#include "ctlog/cosignature.h"

#include <openssl/evp.h>

#include <algorithm>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/quoted_input.h"
#include "ctlog/sha256.h"

namespace caawatch::ctlog {
namespace {

constexpr uint8_t kCosignatureType = 0x04;
// A witness's clock may run a little ahead of ours.
constexpr absl::Duration kClockSkew = absl::Minutes(1);

bool VerifyEd25519(const std::array<uint8_t, 32>& key, absl::string_view message,
                   const uint8_t* signature) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, key.data(), key.size()),
      &EVP_PKEY_free);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  return pkey != nullptr && ctx != nullptr &&
         EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), signature, 64,
                          reinterpret_cast<const unsigned char*>(message.data()),
                          message.size()) == 1;
}

}  // namespace

NoteKeyId CosignerKeyId(const Cosigner& cosigner) {
  std::string input = absl::StrCat(cosigner.name, "\n");
  input.push_back(static_cast<char>(kCosignatureType));
  input.append(cosigner.public_key.begin(), cosigner.public_key.end());
  const Sha256Hash hash = Sha256(input);
  NoteKeyId id;
  std::copy(hash.begin(), hash.begin() + 4, id.begin());
  return id;
}

absl::StatusOr<Cosigner> ParseCosignerVkey(absl::string_view vkey) {
  // The name holds no '+'; base64 may.
  const std::vector<absl::string_view> parts = absl::StrSplit(vkey, absl::MaxSplits('+', 2));
  auto invalid = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("witness key ", QuoteInput(vkey), ": ", why,
                     " (expected NAME+KEYID+BASE64, e.g. from a witness's metadata)"));
  };
  if (parts.size() != 3 || parts[0].empty()) return invalid("not three '+'-separated parts");
  if (parts[1].size() != 8 ||
      !std::all_of(parts[1].begin(), parts[1].end(), absl::ascii_isxdigit)) {
    return invalid("the key ID is not 8 hex digits");
  }
  const std::string hex_id = absl::HexStringToBytes(parts[1]);
  std::string key;
  if (!absl::Base64Unescape(parts[2], &key) || key.size() != 33) {
    return invalid("the key is not base64 of 33 bytes");
  }
  if (static_cast<uint8_t>(key[0]) != kCosignatureType) {
    return invalid("not an Ed25519 cosignature key (type 0x04)");
  }
  Cosigner cosigner;
  cosigner.name = std::string(parts[0]);
  std::copy(key.begin() + 1, key.end(), cosigner.public_key.begin());
  const NoteKeyId id = CosignerKeyId(cosigner);
  if (!std::equal(id.begin(), id.end(), hex_id.begin(),
                  [](uint8_t a, char b) { return a == static_cast<uint8_t>(b); })) {
    return invalid("the key ID does not match the name and key");
  }
  return cosigner;
}

absl::StatusOr<std::vector<CosignatureCheck>> CheckCosignatures(
    absl::string_view note, const std::vector<Cosigner>& cosigners, absl::Time now) {
  absl::StatusOr<Checkpoint> checkpoint = ParseCheckpoint(note);
  if (!checkpoint.ok()) return checkpoint.status();
  // The note body: every text line and its newline, without the blank line and signatures.
  const absl::string_view body = note.substr(0, note.find("\n\n") + 1);
  std::vector<CosignatureCheck> out;
  for (const Cosigner& cosigner : cosigners) {
    CosignatureCheck check;
    check.cosigner = cosigner.name;
    const NoteKeyId id = CosignerKeyId(cosigner);
    for (const NoteSignature& line : checkpoint->signatures) {
      if (line.name != cosigner.name || line.key_id != id) continue;
      std::string served(line.key_id.begin(), line.key_id.end());
      served.append(line.signature.begin(), line.signature.end());
      // The line as served (its evidence): the dash is U+2014.
      const std::string text =
          absl::StrCat("\xE2\x80\x94 ", line.name, " ", absl::Base64Escape(served));
      if (line.signature.size() != 8 + 64) {
        check = {cosigner.name, CosignatureCheck::State::kInvalid, absl::InfinitePast(),
                 absl::StrCat("the cosignature is ", line.signature.size(),
                              " bytes, not a timestamp and an Ed25519 signature (72)"),
                 text};
        break;
      }
      uint64_t timestamp = 0;
      for (int i = 0; i < 8; ++i) timestamp = (timestamp << 8) | line.signature[i];
      const std::string message = absl::StrCat("cosignature/v1\ntime ", timestamp, "\n", body);
      if (timestamp > static_cast<uint64_t>(INT64_MAX) ||
          !VerifyEd25519(cosigner.public_key, message, line.signature.data() + 8)) {
        check = {cosigner.name, CosignatureCheck::State::kInvalid, absl::InfinitePast(),
                 "the cosignature does not verify with the witness's key", text};
        break;
      }
      const absl::Time signed_at = absl::FromUnixSeconds(static_cast<int64_t>(timestamp));
      if (signed_at > now + kClockSkew) {
        check = {cosigner.name, CosignatureCheck::State::kInvalid, signed_at,
                 absl::StrCat("the cosignature is dated ", absl::FormatTime(signed_at),
                              ", in the future"),
                 text};
        break;
      }
      check = {cosigner.name, CosignatureCheck::State::kValid, signed_at, "", text};
      break;
    }
    out.push_back(std::move(check));
  }
  return out;
}

}  // namespace caawatch::ctlog
