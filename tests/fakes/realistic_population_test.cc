#include "tests/fakes/realistic_population.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "base/clock.h"
#include "ctlog/leaf.h"
#include "gtest/gtest.h"

namespace caawatch::fakes {
namespace {

TEST(RealisticPopulationTest, EntriesDecodeCleanlyAndCoverTheAdvertisedMix) {
  FakeClock clock(absl::FromUnixSeconds(1795000000));
  auto log = TestLog::Create(&clock, 5);
  ASSERT_TRUE(log.ok()) << log.status();
  CertificateFactory factory(5);
  auto chain = MakeCaChain(&factory, CaBrand::kLetsEncrypt, clock.Now());
  ASSERT_TRUE(chain.ok()) << chain.status();
  RealisticMix mix;
  mix.rsa_keys = 1;
  mix.p256_keys = 2;
  mix.sample_every = 10;
  auto population = RealisticPopulation::Create(&factory, {&*chain}, mix);
  ASSERT_TRUE(population.ok()) << population.status();
  ASSERT_TRUE((*population)->AppendExactly(log->get(), 400, clock.Now()).ok());
  EXPECT_GE((*population)->entries_appended(), 400u);
  ASSERT_TRUE((*log)->PublishSth().ok());

  const uint64_t size = (*log)->published_size();
  auto raw = (*log)->GetEntries(0, size - 1, size);
  ASSERT_TRUE(raw.ok()) << raw.status();
  size_t precerts = 0, wildcards = 0, idns = 0, max_sans = 0;
  for (uint64_t i = 0; i < size; ++i) {
    auto entry = ctlog::DecodeLogEntry(i, (*raw)[i]);
    ASSERT_TRUE(entry.ok()) << entry.status();
    EXPECT_EQ(entry->decode_error, "") << i;
    precerts += entry->type == ctlog::EntryType::kPrecert;
    const std::vector<std::string>& names = entry->identity.dns_names;
    max_sans = std::max(max_sans, names.size());
    wildcards += std::any_of(names.begin(), names.end(),
                             [](const std::string& n) { return absl::StartsWith(n, "*."); });
    idns += std::any_of(names.begin(), names.end(),
                        [](const std::string& n) { return absl::StrContains(n, "xn--"); });
  }
  EXPECT_GT(precerts, size / 2);
  EXPECT_LT(precerts, size);
  EXPECT_GT(wildcards, 0u);
  EXPECT_GT(idns, 0u);
  EXPECT_GT(max_sans, 10u);
  EXPECT_FALSE((*population)->sampled_names().empty());
  for (const std::string& name : (*population)->sampled_names()) {
    EXPECT_FALSE(absl::StartsWith(name, "*.")) << name;
  }
}

}  // namespace
}  // namespace caawatch::fakes
