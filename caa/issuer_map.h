// Which CAA issuer domain names a certificate's issuing CA recognises (caa-rules.md §7): a
// curated table keyed by CA key (SPKI / SKI), issuer organisation (O=) and intermediate CN.
#ifndef CAAWATCH_CAA_ISSUER_MAP_H_
#define CAAWATCH_CAA_ISSUER_MAP_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace caawatch::caa {

struct CaIdentity {
  std::string ca_owner;
  std::vector<std::string> caa_identifiers;  // Lowercase issuer domain names.
  bool operator==(const CaIdentity&) const = default;
};

// What the certificate says about its issuer (plain facts; caa/ never sees X.509).
struct IssuerFacts {
  std::string organization;        // Issuer DN O=, e.g. "Let's Encrypt".
  std::string common_name;         // Issuer DN CN=, e.g. "R11".
  std::string spki_sha256_hex;     // SHA-256 of the issuing CA's SubjectPublicKeyInfo, if known.
  std::string subject_key_id_hex;  // The leaf's Authority Key Identifier = the CA's SKI.
};

// One row of caa-identifiers.json.
struct CaEntry {
  std::string ca_owner;
  std::vector<std::string> caa_identifiers;  // Lowercased on load.
  std::vector<std::string> issuer_organization_names;
  std::vector<std::string> known_intermediate_common_names;
  std::vector<std::string> spki_sha256_hex;      // Optional; lowercased on load.
  std::vector<std::string> subject_key_ids_hex;  // Optional; lowercased on load.
  // Optional: where the CA takes certificate problem reports (caa/problem_reporting.h), e-mail
  // addresses and URLs, as CCADB's "Problem Reporting Mechanism" gives them.
  std::vector<std::string> problem_reporting;
  // Optional: the CRLs CCADB lists for this owner's CA certificates ("Full CRL Issued By This
  // CA", "JSON Array of Partitioned CRLs"), one "<kind> <ski hex> <url>" item each, kind
  // "full" or "partition", the SKI that of the CA certificate which issues the CRL (what an
  // issued certificate's Authority Key Identifier names). See IssuerMap::DisclosedCrls.
  std::vector<std::string> disclosed_crls;
};

// One item of CaEntry::disclosed_crls.
struct DisclosedCrl {
  bool partition = false;  // One of the CA's partitioned CRLs, else its full CRL.
  std::string url;
};

class IssuerMap {
 public:
  // Parses the shape of caa-identifiers.json: a JSON array of objects with "ca_owner" (string,
  // non-empty), "caa_identifiers" (array of strings) and optional arrays of strings
  // "issuer_organization_names", "known_intermediate_common_names", "spki_sha256_hex",
  // "subject_key_ids_hex", "problem_reporting", "disclosed_crls"; other fields are ignored.
  // kInvalidArgument when the text is not JSON or not of that shape (it is configuration).
  [[nodiscard]] static absl::StatusOr<IssuerMap> FromJson(absl::string_view text);
  // The embedded copy of caa/data/caa-identifiers.json. kInternal if it does not parse (a
  // build defect; a test guards it).
  [[nodiscard]] static absl::StatusOr<IssuerMap> BuiltIn();

  // Finds the CA, in decreasing order of trust:
  //  1. an entry listing the issuing CA's SPKI SHA-256, then one listing its SKI (the key is
  //     the only fact the CA cannot vary; hex compared case-insensitively);
  //  2. an entry whose issuer organisation equals facts.organization (case-insensitive);
  //  3. an entry listing facts.common_name as a known intermediate CN (case-insensitive) whose
  //     organisation matches loosely (punctuation and legal suffixes like "Inc"/"LLC" ignored).
  // O= and CN= are chosen by the CA and anyone running a private CA can copy them: a name match
  // is a fallback for when no key is known, not proof. nullopt when nothing matches (the
  // caller reports "unknown issuer", never "forbidden"). First matching entry wins.
  std::optional<CaIdentity> Lookup(const IssuerFacts& facts) const;

  // Adds `other`'s entries (user extensions): an entry whose ca_owner equals an existing one
  // (case-insensitive) has its lists unioned into it; any other entry is appended.
  void Merge(const IssuerMap& other);

  const std::vector<CaEntry>& entries() const { return entries_; }
  // The entry of `ca_owner` (case-insensitive), or null.
  const CaEntry* FindOwner(absl::string_view ca_owner) const;
  // The CRLs the CA certificate whose SKI is `subject_key_id_hex` (case-insensitive) disclosed
  // in CCADB, over every entry, without duplicates; malformed items are skipped.
  std::vector<DisclosedCrl> DisclosedCrls(absl::string_view subject_key_id_hex) const;

 private:
  explicit IssuerMap(std::vector<CaEntry> entries) : entries_(std::move(entries)) {}
  std::vector<CaEntry> entries_;
};

// The JSON text embedded at build time from caa/data/caa-identifiers.json.
absl::string_view BuiltInIssuerMapJson();

}  // namespace caawatch::caa

#endif  // CAAWATCH_CAA_ISSUER_MAP_H_
