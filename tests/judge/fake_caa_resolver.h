// An in-memory CaaResolver: answers from a table the test sets, changeable between lookups.
// Stands in for DNS where the test is about evaluation, not resolution (the resolver itself is
// tested against a real Knot server).
#ifndef CAAWATCH_TESTS_JUDGE_FAKE_CAA_RESOLVER_H_
#define CAAWATCH_TESTS_JUDGE_FAKE_CAA_RESOLVER_H_

#include <map>
#include <string>

#include "absl/synchronization/mutex.h"
#include "base/clock.h"
#include "caa/resolver.h"
#include "names/domain_name.h"

namespace caawatch::testing {

class FakeCaaResolver final : public caa::CaaResolver {
 public:
  explicit FakeCaaResolver(const Clock* clock) : clock_(clock) {}

  // Sets the CAA records of `name` ("issue", value pairs); unknown names answer NXDOMAIN, but
  // top-level domains (one label) exist, as in real DNS: NOERROR without records.
  void Set(const std::string& name, std::vector<caa::CaaRecord> records) {
    absl::MutexLock lock(&mu_);
    caa::CaaAnswer a;
    a.qname = name;
    a.records = std::move(records);
    a.ttl = 3600;
    a.dnssec = caa::DnssecStatus::kInsecure;
    answers_[name] = std::move(a);
  }
  void SetFailure(const std::string& name, caa::LookupOutcome outcome) {
    absl::MutexLock lock(&mu_);
    caa::CaaAnswer a;
    a.qname = name;
    a.outcome = outcome;
    a.rcode = 2;
    a.error = "injected failure";
    answers_[name] = std::move(a);
  }
  int lookups() const {
    absl::MutexLock lock(&mu_);
    return lookups_;
  }

  caa::CaaAnswer Lookup(const names::DomainName& query_name) override {
    const std::string& qname = query_name.str();
    absl::MutexLock lock(&mu_);
    ++lookups_;
    caa::CaaAnswer a;
    auto it = answers_.find(qname);
    if (it != answers_.end()) {
      a = it->second;
    } else {
      a.qname = qname;
      const bool tld = qname.find('.') == std::string::npos;
      a.outcome = tld ? caa::LookupOutcome::kNoError : caa::LookupOutcome::kNxDomain;
      a.rcode = tld ? 0 : 3;
      a.dnssec = caa::DnssecStatus::kInsecure;
    }
    a.observed_at = clock_->Now();
    return a;
  }

 private:
  const Clock* clock_;
  mutable absl::Mutex mu_;
  std::map<std::string, caa::CaaAnswer> answers_ ABSL_GUARDED_BY(mu_);
  int lookups_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace caawatch::testing

#endif  // CAAWATCH_TESTS_JUDGE_FAKE_CAA_RESOLVER_H_
