// A transparency log witness for the tests (c2sp.org/tlog-witness, c2sp.org/tlog-cosignature):
// an Ed25519 key derived from a seed, published as a vkey, that cosigns checkpoint notes
// ("cosignature/v1" over the note body, with its timestamp) and can forge a line of its name and
// key ID whose signature is wrong. Written with OpenSSL alone, independently of
// ctlog/cosignature.h, so that it can check it.
#ifndef CAAWATCH_TESTS_FAKES_TEST_WITNESS_H_
#define CAAWATCH_TESTS_FAKES_TEST_WITNESS_H_

#include <array>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace caawatch::fakes {

class TestWitness {
 public:
  // `name` is the witness's key name ("witness1.caawatch.test"); the key comes from `seed`.
  TestWitness(std::string name, uint64_t seed);

  const std::string& name() const { return name_; }
  // "<name>+<8 hex key ID>+<base64(0x04 || public key)>".
  std::string vkey() const;

  // The signature line "— <name> <base64(key ID || BE64 seconds || signature)>\n" cosigning the
  // checkpoint `note` (its text up to the blank line) at `at`.
  std::string Cosign(absl::string_view note, absl::Time at) const;
  // A line with this witness's name, key ID and timestamp whose signature is another's (the
  // body signed with a different key): what a log forging this witness would serve.
  std::string Forge(absl::string_view note, absl::Time at) const;

 private:
  std::string Line(absl::string_view note, absl::Time at,
                   const std::array<uint8_t, 32>& private_key) const;

  std::string name_;
  std::array<uint8_t, 32> private_key_{};
  std::array<uint8_t, 32> public_key_{};
};

// `note` with `lines` (each ending in '\n') added after its signature lines.
std::string WithSignatureLines(absl::string_view note, absl::string_view lines);

// Sunlight's witness layout (c2sp.org/tlog-witness monitor retrieval as Sunlight serves it): a
// witness's latest cosigned checkpoint of the log whose origin is `origin` is at
// <monitoring prefix><lowercase hex SHA-256(origin)>/checkpoint; this is that path.
std::string WitnessCheckpointPath(absl::string_view origin);

}  // namespace caawatch::fakes

#endif  // CAAWATCH_TESTS_FAKES_TEST_WITNESS_H_
