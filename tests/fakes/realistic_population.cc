#include "tests/fakes/realistic_population.h"

#include <openssl/obj_mac.h>
#include <openssl/rsa.h>

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace caawatch::fakes {
namespace {

// Public suffixes weighted roughly like the web: com first.
constexpr const char* kSuffixes[] = {"com",   "com", "com", "com",  "net",    "org",   "de",
                                     "co.uk", "io",  "dev", "fr",   "com.br", "jp",    "ru",
                                     "nl",    "app", "xyz", "info", "co",     "cloud", "xn--p1ai"};
// Valid A-labels (punycode), so that decoders see real IDNs: münchen, bücher, 例子, россия.
constexpr const char* kIdnLabels[] = {"xn--mnchen-3ya", "xn--bcher-kva", "xn--fsqu00a",
                                      "xn--h1alffa9f"};
constexpr const char* kHostLabels[] = {"www",  "mail", "api", "cdn",
                                       "shop", "app",  "m",   "autodiscover"};

}  // namespace

absl::StatusOr<std::unique_ptr<RealisticPopulation>> RealisticPopulation::Create(
    CertificateFactory* factory, std::vector<const CaChain*> chains, RealisticMix mix) {
  if (chains.empty()) return absl::InvalidArgumentError("realistic population needs a CA chain");
  std::unique_ptr<RealisticPopulation> population(
      new RealisticPopulation(factory, std::move(chains), mix));
  for (int i = 0; i < mix.rsa_keys; ++i) {
    UniqueEvpPkey key(EVP_RSA_gen(2048));
    if (key == nullptr) return absl::InternalError("OpenSSL: EVP_RSA_gen");
    population->rsa_keys_.push_back(std::move(key));
  }
  for (int i = 0; i < mix.p256_keys; ++i) {
    CAAWATCH_ASSIGN_OR_RETURN(UniqueEvpPkey key, factory->NextKey());
    population->p256_keys_.push_back(std::move(key));
  }
  return population;
}

RealisticPopulation::RealisticPopulation(CertificateFactory* factory,
                                         std::vector<const CaChain*> chains, RealisticMix mix)
    : factory_(factory), chains_(std::move(chains)), mix_(mix), rng_(mix.seed) {}

std::string RealisticPopulation::Label(int min_len, int max_len) {
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  const int len = min_len + static_cast<int>(rng_() % (max_len - min_len + 1));
  std::string label;
  for (int i = 0; i < len; ++i) label.push_back(kChars[rng_() % (sizeof(kChars) - 1)]);
  if (len > 6 && rng_() % 5 == 0) label[len / 2] = '-';
  return label;
}

std::string RealisticPopulation::RegisteredDomain() {
  const char* suffix = kSuffixes[rng_() % std::size(kSuffixes)];
  if (rng_() % 100 < 3) {
    // An IDN: a real A-label, made unique by a random parent label.
    return absl::StrCat(kIdnLabels[rng_() % std::size(kIdnLabels)], "-", Label(3, 6), ".", suffix);
  }
  return absl::StrCat(Label(4, 15), ".", suffix);
}

int RealisticPopulation::SanCount() {
  const uint64_t r = rng_() % 100;
  if (r < 45) return 1;
  if (r < 75) return 2;
  if (r < 90) return 3 + static_cast<int>(rng_() % 8);
  if (r < 99) return 11 + static_cast<int>(rng_() % 40);
  return 51 + static_cast<int>(rng_() % 350);
}

LeafSpec RealisticPopulation::NextSpec(absl::Time now) {
  LeafSpec spec;
  const int count = SanCount();
  std::string domain = RegisteredDomain();
  const bool wildcard = rng_() % 100 < 30;
  spec.dns_names.push_back(count > 1 && rng_() % 2 == 0 ? domain : absl::StrCat("www.", domain));
  if (count > 1) spec.dns_names.push_back(wildcard ? absl::StrCat("*.", domain) : domain);
  if (spec.dns_names.size() == 2 && spec.dns_names[0] == spec.dns_names[1]) {
    spec.dns_names[1] = absl::StrCat("www.", domain);
  }
  for (int i = 2; i < count; ++i) {
    // Big certificates (CDNs, hosting) cover many customers' domains.
    if (count > 10 && i % 2 == 0) domain = RegisteredDomain();
    const uint64_t r = rng_() % 10;
    if (r < 3) {
      spec.dns_names.push_back(
          absl::StrCat(kHostLabels[rng_() % std::size(kHostLabels)], ".", domain));
    } else if (r < 5 && wildcard) {
      spec.dns_names.push_back(absl::StrCat("*.", domain));
    } else {
      spec.dns_names.push_back(absl::StrCat(Label(2, 10), i, ".", domain));
    }
  }
  spec.common_name = rng_() % 5 == 0 ? "" : spec.dns_names[0];
  spec.not_before = now - absl::Hours(1);
  spec.not_after = now + absl::Hours(24 * (rng_() % 4 == 0 ? 397 : 90));
  spec.subject_key = rng_() % 10 < 6 ? rsa_keys_[rng_() % rsa_keys_.size()].get()
                                     : p256_keys_[rng_() % p256_keys_.size()].get();
  spec.extra_extensions = {
      {NID_info_access,
       "OCSP;URI:http://o.ca.caawatch.test,caIssuers;URI:http://i.ca.caawatch.test/"},
  };
  // certificatePolicies: SEQUENCE { SEQUENCE { OID 2.23.140.1.2.1 (CA/B domain validated) } }.
  spec.raw_extensions = {
      {"2.5.29.32", {0x30, 0x0a, 0x30, 0x08, 0x06, 0x06, 0x67, 0x81, 0x0c, 0x01, 0x02, 0x01}}};
  if (rng_() % 3 == 0) {
    spec.extra_extensions.emplace_back(NID_crl_distribution_points,
                                       "URI:http://c.ca.caawatch.test/crl/1.crl");
  }
  if (certificates_ % mix_.sample_every == 0) {
    const std::string& first = spec.dns_names[0];
    sampled_.push_back(first.rfind("*.", 0) == 0 ? first.substr(2) : first);
  }
  san_names_ += spec.dns_names.size();
  ++certificates_;
  return spec;
}

absl::Status RealisticPopulation::AppendExactly(TestLog* log, uint64_t entries, absl::Time now) {
  const uint64_t target = entries_appended_ + entries;
  while (entries_appended_ < target) {
    const CaChain& chain = *chains_[rng_() % chains_.size()];
    const std::vector<Der> issuers = {chain.intermediate.der, chain.root.der};
    const LeafSpec spec = NextSpec(now);
    const uint64_t kind = rng_() % 10;
    if (kind < 2) {
      CAAWATCH_ASSIGN_OR_RETURN(const Der cert, factory_->MakeLeaf(chain.intermediate, spec));
      CAAWATCH_RETURN_IF_ERROR(log->AddX509(cert, issuers).status());
      ++entries_appended_;
      continue;
    }
    CAAWATCH_ASSIGN_OR_RETURN(const PrecertPair pair,
                              factory_->MakePrecertPair(chain.intermediate, spec));
    CAAWATCH_RETURN_IF_ERROR(log->AddPrecert(pair.precert_der, issuers).status());
    ++entries_appended_;
    if (kind < 6) {
      CAAWATCH_RETURN_IF_ERROR(log->AddX509(pair.final_der, issuers).status());
      ++entries_appended_;
    }
  }
  return absl::OkStatus();
}

}  // namespace caawatch::fakes
