// Certificates damaged the ways issue 15 met them in validly signed trees, for a test log to
// append (TestLog::AddX509 logs any bytes): cut short inside the TBSCertificate, and garbage
// from the first byte.
#ifndef CAAWATCH_TESTS_FAKES_DAMAGED_CERTIFICATES_H_
#define CAAWATCH_TESTS_FAKES_DAMAGED_CERTIFICATES_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"
#include "tests/fakes/test_log.h"

namespace caawatch::fakes {

// `cert` cut one byte before the end of its TBSCertificate: everything up to the subject (its CN
// included) still reads, the TBS does not end, so no TBS hash can be computed. kInvalidArgument
// if `cert` is not a Certificate SEQUENCE holding a TBSCertificate SEQUENCE.
absl::StatusOr<Der> TruncatedInsideTbs(const Der& cert);

// `size` (at least 1) bytes derived from `seed` that are no DER certificate: the first is not a
// SEQUENCE tag.
Der GarbageDer(uint64_t seed, size_t size);

}  // namespace caawatch::fakes

#endif  // CAAWATCH_TESTS_FAKES_DAMAGED_CERTIFICATES_H_
