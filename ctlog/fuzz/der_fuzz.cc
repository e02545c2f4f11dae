// Fuzzes everything that reads certificate bytes: the DER walker and its value decoders, the
// identity parser, the issuer parser and the TBS re-encoder. Any crash or sanitizer report is a
// bug; wrong answers are caught by the unit tests.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/types/span.h"
#include "ctlog/certificate_parser.h"
#include "ctlog/der.h"

namespace {

using caawatch::ctlog::DerElement;
using caawatch::ctlog::DerReader;

void Walk(DerReader reader) {
  DerElement e;
  while (!reader.empty() && reader.Read(&e)) {
    if (e.tag.constructed) {
      Walk(reader.Enter(e));  // Bounded by kDerMaxDepth.
    } else {
      (void)caawatch::ctlog::DecodeDerString(e);
      (void)caawatch::ctlog::DecodeDerTime(e);
      (void)caawatch::ctlog::OidToString(e.contents);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::Span<const uint8_t> input(data, size);
  Walk(DerReader(input));
  (void)caawatch::ctlog::ParseCertificateIdentity(input);
  (void)caawatch::ctlog::ParseTbsCertificateIdentity(input);
  (void)caawatch::ctlog::ParseIssuerIdentity(input);
  absl::StatusOr<std::vector<uint8_t>> tbs = caawatch::ctlog::TbsWithoutCtExtensions(input);
  if (tbs.ok()) (void)caawatch::ctlog::ParseTbsCertificateIdentity(*tbs);
  return 0;
}
