// PEM (RFC 7468) certificate blocks to DER: how CA certificates, test corpora and log-list
// tooling hand certificates around.
#ifndef CAAWATCH_CTLOG_PEM_H_
#define CAAWATCH_CTLOG_PEM_H_

#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace caawatch::ctlog {

// DER of every "CERTIFICATE" (or legacy "X509 CERTIFICATE") block in `text`, in order. Text
// outside the blocks is ignored (e.g. an `openssl x509 -text` dump before the block), as are
// RFC 1421 header lines ("Name: value") inside one. A block whose base64 does not decode, or
// that has no END line, is skipped. Other labels (KEY, TRUSTED CERTIFICATE...) are ignored.
std::vector<std::vector<uint8_t>> PemCertificates(absl::string_view text);

// True when `data` carries a PEM block ("-----BEGIN ") rather than being raw DER.
bool LooksLikePem(absl::Span<const uint8_t> data);

// The certificates in a file's bytes: its PEM CERTIFICATE blocks when it looks like PEM,
// otherwise the bytes as one DER certificate (unchecked). Empty input gives none.
std::vector<std::vector<uint8_t>> CertificatesFromFileBytes(absl::Span<const uint8_t> data);

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_PEM_H_
