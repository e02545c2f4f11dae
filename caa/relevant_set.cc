#include "caa/relevant_set.h"

#include <optional>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace caawatch::caa {
namespace {

absl::string_view OutcomeName(LookupOutcome outcome) {
  switch (outcome) {
    case LookupOutcome::kNoError:
      return "NOERROR";
    case LookupOutcome::kNxDomain:
      return "NXDOMAIN";
    case LookupOutcome::kServFail:
      return "SERVFAIL";
    case LookupOutcome::kRefused:
      return "REFUSED";
    case LookupOutcome::kTimeout:
      return "timeout";
    case LookupOutcome::kBogus:
      return "DNSSEC bogus";
    case LookupOutcome::kOtherError:
      return "lookup error";
  }
  return "lookup error";
}

// A validator that marks the data bogus has not produced an answer, whatever the rcode says:
// since BR 2026-03-15 DNSSEC validation errors never count as permission.
bool IsFailure(const CaaAnswer& answer) {
  return !answer.is_answer() || answer.dnssec == DnssecStatus::kBogus;
}

std::string FailureReason(const std::string& qname, const CaaAnswer& answer) {
  std::string reason =
      absl::StrCat("CAA lookup for ", qname, " failed (",
                   answer.is_answer() ? "DNSSEC bogus" : OutcomeName(answer.outcome), ")");
  if (!answer.error.empty()) absl::StrAppend(&reason, ": ", answer.error);
  return reason;
}

}  // namespace

std::vector<names::DomainName> SearchNames(const names::DomainName& name) {
  std::vector<names::DomainName> names;
  for (std::optional<names::DomainName> n = name.WildcardBase(); n.has_value(); n = n->Parent()) {
    names.push_back(*n);
  }
  return names;
}

RelevantSet FindRelevantSet(const names::DomainName& name,
                            absl::FunctionRef<CaaAnswer(const names::DomainName& qname)> lookup) {
  RelevantSet result;
  const std::vector<names::DomainName> names = SearchNames(name);  // Never empty.
  for (const names::DomainName& qname : names) {
    CaaAnswer answer = lookup(qname);
    if (IsFailure(answer)) {
      result.outcome = RelevantSetOutcome::kIndeterminate;
      result.relevant_name = qname.str();
      result.reason = FailureReason(qname.str(), answer);
      result.consulted.push_back(std::move(answer));
      return result;
    }
    if (!answer.records.empty()) {
      result.outcome = RelevantSetOutcome::kFound;
      result.relevant_name = qname.str();
      result.records = answer.records;
      result.reason = answer.cname_chain.empty()
                          ? absl::StrCat("relevant CAA set found at ", qname.str())
                          : absl::StrCat("relevant CAA set found at ", qname.str(), " via alias ",
                                         absl::StrJoin(answer.cname_chain, " -> "));
      result.consulted.push_back(std::move(answer));
      return result;
    }
    result.consulted.push_back(std::move(answer));  // Empty or NXDOMAIN: climb to the parent.
  }
  // Every top-level domain a certificate can name exists: NXDOMAIN for one says the resolver
  // is broken (or rewrites answers), not that CAA is absent. Boulder refuses to issue then;
  // caawatch cannot know what the CA saw, so the search is indeterminate, never "no CAA".
  if (result.consulted.back().outcome == LookupOutcome::kNxDomain) {
    result.outcome = RelevantSetOutcome::kIndeterminate;
    result.relevant_name = names.back().str();
    result.reason =
        absl::StrCat("the resolver answered NXDOMAIN for the top-level domain ", names.back().str(),
                     ", which exists: the resolver is broken, so CAA cannot be known");
    return result;
  }
  result.outcome = RelevantSetOutcome::kNone;
  result.reason = absl::StrCat("no CAA records at ", names.front().str(), " or any parent up to ",
                               names.back().str());
  return result;
}

}  // namespace caawatch::caa
