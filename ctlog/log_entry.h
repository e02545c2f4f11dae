// A decoded log entry (RFC 6962 §3.4 MerkleTreeLeaf plus its extra_data, or a static-ct-api
// TileLeaf): the certificate's identities and its issuer, ready for watchlist matching.
#ifndef CAAWATCH_CTLOG_LOG_ENTRY_H_
#define CAAWATCH_CTLOG_LOG_ENTRY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ctlog/certificate_identity.h"
#include "ctlog/sha256.h"

namespace caawatch::ctlog {

enum class EntryType { kX509, kPrecert };

struct LogEntry {
  uint64_t index = 0;
  uint64_t timestamp_ms = 0;  // TimestampedEntry.timestamp: when the log accepted it.
  EntryType type = EntryType::kX509;
  Sha256Hash leaf_hash{};  // SHA-256(0x00 || MerkleTreeLeaf).
  // x509_entry: the certificate; precert_entry: the precertificate from extra_data (the
  // logged TBS is not a certificate). Empty if extra_data did not carry it.
  std::vector<uint8_t> certificate_der;
  CertificateIdentity identity;
  // The chain from extra_data, issuer first. May be empty.
  std::vector<IssuerIdentity> chain;
  // The CA that really issued: chain[0], or chain[1] when chain[0] is a Precertificate
  // Signing Certificate. Absent when the chain is missing.
  std::optional<IssuerIdentity> issuer;
  // Non-empty when some part could not be decoded; what could be read is still filled.
  std::string decode_error;
};

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_LOG_ENTRY_H_
