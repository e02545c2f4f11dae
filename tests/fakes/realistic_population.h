// A realistic mix of CT log entries for benchmarks: precertificates, final certificates and
// precert/final pairs with real signatures from the test CA chains, SAN counts from 1 to 400,
// wildcards, IDNs (A-labels), RSA and P-256 subject keys and the extensions real leaves carry.
// Subject keys come from a small pool so that generating millions of entries stays fast.
#ifndef CAAWATCH_TESTS_FAKES_REALISTIC_POPULATION_H_
#define CAAWATCH_TESTS_FAKES_REALISTIC_POPULATION_H_

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tests/fakes/certificate_factory.h"
#include "tests/fakes/test_log.h"
#include "tests/fakes/test_population.h"

namespace caawatch::fakes {

// The mix, per issued certificate: 40% a precert/final pair (2 entries), 40% a precert alone,
// 20% a final certificate alone. SAN count: 45% 1, 30% 2, 15% 3-10, 9% 11-50, 1% 51-400.
// About 30% of certificates include a wildcard, 3% an IDN, and certificates with more than
// 10 names span several registered domains (as CDN certificates do).
struct RealisticMix {
  uint64_t seed = 1;
  int rsa_keys = 4;         // RSA-2048 subject keys in the pool (60% of leaves use one).
  int p256_keys = 8;        // P-256 subject keys in the pool.
  int sample_every = 2000;  // Keep one certificate's first name in every this many.
};

class RealisticPopulation {
 public:
  // `factory` and `chains` are borrowed and must outlive the population; chains must not be
  // empty. kInternal when a pool key cannot be made.
  static absl::StatusOr<std::unique_ptr<RealisticPopulation>> Create(
      CertificateFactory* factory, std::vector<const CaChain*> chains, RealisticMix mix);

  // Appends certificates to `log` until this population added at least `entries` more
  // entries (pending until the log publishes). Several populations may append to one log from
  // different threads. Errors: those of the factory and the log.
  absl::Status AppendExactly(TestLog* log, uint64_t entries, absl::Time now);
  uint64_t entries_appended() const { return entries_appended_; }

  // Names that appear in the log (a sample, see RealisticMix::sample_every), for watchlists
  // that should match; never wildcards.
  const std::vector<std::string>& sampled_names() const { return sampled_; }
  // Totals so far, for reporting the mix actually generated.
  uint64_t certificates() const { return certificates_; }
  uint64_t san_names() const { return san_names_; }

 private:
  RealisticPopulation(CertificateFactory* factory, std::vector<const CaChain*> chains,
                      RealisticMix mix);
  LeafSpec NextSpec(absl::Time now);
  std::string RegisteredDomain();
  std::string Label(int min_len, int max_len);
  int SanCount();

  CertificateFactory* factory_;
  std::vector<const CaChain*> chains_;
  RealisticMix mix_;
  std::mt19937_64 rng_;
  std::vector<UniqueEvpPkey> rsa_keys_;
  std::vector<UniqueEvpPkey> p256_keys_;
  std::vector<std::string> sampled_;
  uint64_t certificates_ = 0;
  uint64_t san_names_ = 0;
  uint64_t entries_appended_ = 0;
};

}  // namespace caawatch::fakes

#endif  // CAAWATCH_TESTS_FAKES_REALISTIC_POPULATION_H_
