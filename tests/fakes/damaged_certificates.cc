#include "tests/fakes/damaged_certificates.h"

#include <random>

#include "absl/status/status.h"
#include "ctlog/der.h"

namespace caawatch::fakes {

absl::StatusOr<Der> TruncatedInsideTbs(const Der& cert) {
  ctlog::DerReader outer(cert);
  ctlog::DerElement certificate, tbs;
  if (!outer.ReadExpected(ctlog::kDerSequence, &certificate) ||
      !outer.Enter(certificate).ReadExpected(ctlog::kDerSequence, &tbs) || tbs.whole.empty()) {
    return absl::InvalidArgumentError("not a DER certificate");
  }
  const size_t tbs_end = static_cast<size_t>(tbs.whole.data() + tbs.whole.size() - cert.data());
  return Der(cert.begin(), cert.begin() + static_cast<std::ptrdiff_t>(tbs_end - 1));
}

Der GarbageDer(uint64_t seed, size_t size) {
  std::mt19937_64 rng(seed);
  Der out(size < 1 ? 1 : size);
  for (uint8_t& b : out) b = static_cast<uint8_t>(rng());
  if (out[0] == 0x30) out[0] = 0x31;  // Whatever follows, this is no Certificate SEQUENCE.
  return out;
}

}  // namespace caawatch::fakes
