#include "tests/fakes/test_population.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace caawatch::fakes {
namespace {

struct BrandNames {
  CaBrand brand;
  const char* flag;
  DistinguishedName root;
  DistinguishedName intermediate;
};

const BrandNames& NamesOf(CaBrand brand) {
  static const BrandNames kBrands[] = {
      {CaBrand::kLetsEncrypt,
       "letsencrypt",
       {"Internet Security Research Group", "ISRG Root X1"},
       {"Let's Encrypt", "R11"}},
      {CaBrand::kGoogle,
       "google",
       {"Google Trust Services LLC", "GTS Root R1"},
       {"Google Trust Services", "WR2"}},
      {CaBrand::kDigiCert,
       "digicert",
       {"DigiCert Inc", "DigiCert Global Root G2"},
       {"DigiCert Inc", "DigiCert Global G2 TLS RSA SHA256 2020 CA1"}},
      {CaBrand::kUnknown,
       "unknown",
       {"Unknown Test Authority", "Unknown Test Root"},
       {"Unknown Test Authority", "Unknown Issuing CA 1"}},
  };
  return kBrands[static_cast<int>(brand)];
}

}  // namespace

absl::StatusOr<CaBrand> ParseCaBrand(absl::string_view name) {
  for (CaBrand brand :
       {CaBrand::kLetsEncrypt, CaBrand::kGoogle, CaBrand::kDigiCert, CaBrand::kUnknown}) {
    if (name == NamesOf(brand).flag) return brand;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown CA \"", name, "\" (letsencrypt|google|digicert|unknown)"));
}

absl::string_view CaBrandName(CaBrand brand) { return NamesOf(brand).flag; }

absl::StatusOr<CaChain> MakeCaChain(CertificateFactory* factory, CaBrand brand, absl::Time now) {
  const BrandNames& names = NamesOf(brand);
  const absl::Time not_before = now - absl::Hours(24 * 365);
  const absl::Time not_after = now + absl::Hours(24 * 365 * 5);
  CAAWATCH_ASSIGN_OR_RETURN(TestCa root, factory->MakeRoot(names.root, not_before, not_after));
  CAAWATCH_ASSIGN_OR_RETURN(TestCa intermediate, factory->MakeIntermediate(root, names.intermediate,
                                                                           not_before, not_after));
  return CaChain{brand, std::move(root), std::move(intermediate)};
}

absl::StatusOr<PlantedEntries> PlantCertificate(TestLog* log, CertificateFactory* factory,
                                                const CaChain& chain, const LeafSpec& spec) {
  CAAWATCH_ASSIGN_OR_RETURN(const PrecertPair pair,
                            factory->MakePrecertPair(chain.intermediate, spec));
  const std::vector<Der> issuers = {chain.intermediate.der, chain.root.der};
  PlantedEntries planted;
  CAAWATCH_ASSIGN_OR_RETURN(planted.precert_index, log->AddPrecert(pair.precert_der, issuers));
  CAAWATCH_ASSIGN_OR_RETURN(planted.final_index, log->AddX509(pair.final_der, issuers));
  return planted;
}

LeafSpec LeafFor(absl::string_view dns_name, absl::Time now) {
  LeafSpec spec;
  spec.common_name = std::string(dns_name);
  spec.dns_names = {std::string(dns_name)};
  spec.not_before = now - absl::Hours(1);
  spec.not_after = now + absl::Hours(24 * 90);
  return spec;
}

}  // namespace caawatch::fakes
