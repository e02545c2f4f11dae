// The CAA lookup interface (RFC 8659 §3 queries one name; the caller climbs the tree).
#ifndef CAAWATCH_CAA_RESOLVER_H_
#define CAAWATCH_CAA_RESOLVER_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "caa/caa_answer.h"
#include "names/domain_name.h"

namespace caawatch::caa {

// Answers "what is the CAA RRset at this name right now". Implementations are thread-safe:
// Lookup may be called from several threads at once.
class CaaResolver {
 public:
  virtual ~CaaResolver() = default;

  // Queries CAA (type 257, class IN) at `qname` and returns the observation. Never fails: every DNS
  // outcome (NXDOMAIN, SERVFAIL, REFUSED, timeout, DNSSEC bogus, malformed data) is a value in
  // CaaAnswer::outcome, with `error` saying why for the non-answers. A CNAME at `qname` is
  // followed; `records` are those at the end of the chain.
  virtual CaaAnswer Lookup(const names::DomainName& qname) = 0;

  // Lookup of every name, answers in the same order. Implementations may run the queries
  // concurrently (a poll of a million names); this default asks one at a time. Once
  // `cancelled` (may be empty) returns true — asked at least every 200 ms while waiting — it
  // returns early, and the names it got no answer for are kOtherError "cancelled": a caller
  // that cancels should discard the batch rather than record those as failed lookups.
  virtual std::vector<CaaAnswer> LookupMany(absl::Span<const names::DomainName> qnames,
                                            const std::function<bool()>& cancelled = {}) {
    std::vector<CaaAnswer> answers;
    answers.reserve(qnames.size());
    for (const names::DomainName& qname : qnames) {
      if (cancelled && cancelled()) {
        CaaAnswer answer;
        answer.qname = qname.str();
        answer.outcome = LookupOutcome::kOtherError;
        answer.error = "cancelled";
        answers.push_back(std::move(answer));
        continue;
      }
      answers.push_back(Lookup(qname));
    }
    return answers;
  }
};

}  // namespace caawatch::caa

#endif  // CAAWATCH_CAA_RESOLVER_H_
