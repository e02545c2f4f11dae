#include "tests/fakes/test_witness.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cstdlib>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tests/fakes/openssl_handles.h"

namespace caawatch::fakes {
namespace {

constexpr uint8_t kCosignatureType = 0x04;

std::array<uint8_t, 32> Sha256Of(absl::string_view data) {
  std::array<uint8_t, 32> out;
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data());
  return out;
}

UniqueEvpPkey Key(const std::array<uint8_t, 32>& private_key) {
  return UniqueEvpPkey(
      EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, private_key.data(), 32));
}

std::string Bytes(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

}  // namespace

TestWitness::TestWitness(std::string name, uint64_t seed) : name_(std::move(name)) {
  private_key_ = Sha256Of(absl::StrCat("caawatch test witness ", seed));
  UniqueEvpPkey key = Key(private_key_);
  size_t size = public_key_.size();
  if (key == nullptr || EVP_PKEY_get_raw_public_key(key.get(), public_key_.data(), &size) != 1) {
    std::abort();  // OpenSSL without Ed25519: no test can run.
  }
}

std::string TestWitness::vkey() const {
  std::string key(1, static_cast<char>(kCosignatureType));
  key += Bytes(public_key_.data(), public_key_.size());
  const std::array<uint8_t, 32> id = Sha256Of(absl::StrCat(name_, "\n", key));
  return absl::StrFormat("%s+%02x%02x%02x%02x+%s", name_, int{id[0]}, int{id[1]}, int{id[2]},
                         int{id[3]}, absl::Base64Escape(key));
}

std::string TestWitness::Line(absl::string_view note, absl::Time at,
                              const std::array<uint8_t, 32>& private_key) const {
  const absl::string_view body = note.substr(0, note.find("\n\n") + 1);
  const uint64_t seconds = static_cast<uint64_t>(absl::ToUnixSeconds(at));
  const std::string message = absl::StrCat("cosignature/v1\ntime ", seconds, "\n", body);
  UniqueEvpPkey key = Key(private_key);
  UniqueEvpMdCtx ctx(EVP_MD_CTX_new());
  uint8_t signature[64];
  size_t size = sizeof(signature);
  if (key == nullptr || ctx == nullptr ||
      EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), signature, &size,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1) {
    std::abort();
  }
  std::string key_text(1, static_cast<char>(kCosignatureType));
  key_text += Bytes(public_key_.data(), public_key_.size());
  const std::array<uint8_t, 32> id = Sha256Of(absl::StrCat(name_, "\n", key_text));
  std::string blob = Bytes(id.data(), 4);
  for (int i = 7; i >= 0; --i) blob.push_back(static_cast<char>((seconds >> (8 * i)) & 0xff));
  blob += Bytes(signature, size);
  return absl::StrCat("\xE2\x80\x94 ", name_, " ", absl::Base64Escape(blob), "\n");
}

std::string TestWitness::Cosign(absl::string_view note, absl::Time at) const {
  return Line(note, at, private_key_);
}

std::string TestWitness::Forge(absl::string_view note, absl::Time at) const {
  std::array<uint8_t, 32> other = private_key_;
  other[0] ^= 0x5a;
  return Line(note, at, other);
}

std::string WithSignatureLines(absl::string_view note, absl::string_view lines) {
  return absl::StrCat(note, lines);
}

std::string WitnessCheckpointPath(absl::string_view origin) {
  const std::array<uint8_t, 32> hash = Sha256Of(origin);
  return absl::StrCat(absl::BytesToHexString(Bytes(hash.data(), hash.size())), "/checkpoint");
}

}  // namespace caawatch::fakes
