#include "caa/policy.h"

#include <algorithm>
#include <utility>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "caa/caa_record.h"
#include "caa/issue_value.h"
#include "caa/validation_methods.h"

namespace caawatch::caa {
namespace {

// Every TLS CA must understand these (RFC 8659 §4.2-§4.4, BR §3.2.2.8).
constexpr absl::string_view kKnownTags[] = {"issue", "issuewild", "iodef"};
// Registered tags that many CAs, but not necessarily this one, support (caa-rules.md §2.6):
// a critical one blocks only a CA that does not know it, so it is a condition, not a verdict.
constexpr absl::string_view kCaDependentTags[] = {"contactemail", "contactphone", "issuemail",
                                                  "issuevmc"};

bool TagAmong(absl::string_view tag, absl::Span<const absl::string_view> tags) {
  return absl::c_any_of(tags, [tag](absl::string_view t) { return TagIs(tag, t); });
}

bool ContainsIgnoreCase(absl::Span<const std::string> list, absl::string_view item) {
  return absl::c_any_of(list,
                        [item](const std::string& s) { return absl::EqualsIgnoreCase(s, item); });
}

// RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then ":" and more.
bool LooksLikeUri(absl::string_view v) {
  const size_t colon = v.find(':');
  if (colon == absl::string_view::npos || colon == 0 || colon + 1 == v.size()) return false;
  if (!absl::ascii_isalpha(static_cast<unsigned char>(v[0]))) return false;
  return std::all_of(v.begin(), v.begin() + colon, [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
  });
}

// RFC 8657 §4: value = [*(label ",") label], label = 1*(ALPHA / DIGIT / "-"). Empty -> none.
bool ParseMethods(absl::string_view v, std::vector<std::string>* methods) {
  if (v.empty()) return true;
  for (absl::string_view label : absl::StrSplit(v, ',')) {
    if (label.empty()) return false;
    for (const char c : label) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    }
    methods->emplace_back(label);
  }
  return true;
}

enum class Match { kNone, kUnsatisfiable, kConditional, kUnconditional };
struct PropertyMatch {
  Match match = Match::kNone;
  std::string detail;
};

// Why a property naming the CA can still authorise nobody, judged from DNS alone (RFC 8657 §3,
// §4); empty when it can authorise.
std::string UnsatisfiableBecause(const IssueValue& value, bool wildcard,
                                 const CaPractices& practices) {
  std::vector<absl::string_view> account_uris, method_lists;
  for (const auto& [tag, v] : value.parameters) {
    if (TagIs(tag, "accounturi")) account_uris.push_back(v);
    if (TagIs(tag, "validationmethods")) method_lists.push_back(v);
  }
  if (account_uris.size() > 1) return "more than one accounturi";
  if (account_uris.size() == 1 && !LooksLikeUri(account_uris[0])) return "accounturi is no URI";
  if (method_lists.size() > 1) return "more than one validationmethods";
  if (method_lists.empty()) return "";
  std::vector<std::string> methods;
  if (!ParseMethods(method_lists[0], &methods)) return "malformed validationmethods";
  if (methods.empty()) return "empty validationmethods";
  // SC-098: a label that is no ACME challenge type, no ca-tbr-N and no CA's own "ca-" label
  // names no method a CA can have used, so a list of only such labels admits nothing.
  if (absl::c_all_of(methods, [](const std::string& m) {
        return ClassifyMethodLabel(m) == MethodLabel::kUnknown;
      })) {
    return absl::StrCat("validationmethods=", method_lists[0],
                        " names no domain validation method (ACME challenge type or ca-tbr-N)");
  }
  if (wildcard && !practices.wildcard_validation_methods.empty() &&
      !absl::c_any_of(methods, [&](const std::string& m) {
        return ContainsIgnoreCase(practices.wildcard_validation_methods, m);
      })) {
    return absl::StrCat("validationmethods=", method_lists[0],
                        " excludes every method the CA uses for wildcard names (",
                        absl::StrJoin(practices.wildcard_validation_methods, ","), ")");
  }
  return "";
}

// What a property's parameters demand of an issuance, in words, for the verdict's reason: the
// RFC 8657 account and methods, and any CA-defined parameter as written.
std::string Restrictions(const IssueValue& value) {
  std::vector<std::string> parts;
  for (const auto& [tag, v] : value.parameters) {
    if (TagIs(tag, "accounturi")) {
      parts.push_back(absl::StrCat("only the CA account ", absl::CHexEscape(v), " (accounturi)"));
    } else if (TagIs(tag, "validationmethods")) {
      std::vector<std::string> methods;
      for (absl::string_view m : absl::StrSplit(v, ',')) {
        if (ClassifyMethodLabel(m) != MethodLabel::kUnknown) {
          methods.push_back(DescribeMethodLabel(m));
        }
      }
      parts.push_back(absl::StrCat("only validation by ", absl::StrJoin(methods, " or "),
                                   " (validationmethods)"));
    } else {
      parts.push_back(absl::StrCat("the CA-defined parameter ", absl::CHexEscape(tag), "=",
                                   absl::CHexEscape(v)));
    }
  }
  return absl::StrJoin(parts, "; ");
}

PropertyMatch MatchProperty(const CaaRecord& record, absl::Span<const std::string> ca_identifiers,
                            bool wildcard, const CaPractices& practices) {
  absl::StatusOr<IssueValue> value = ParseIssueValue(record.value);
  if (!value.ok() || value->issuer_domain.empty() ||
      !ContainsIgnoreCase(ca_identifiers, value->issuer_domain)) {
    return {};  // Malformed values count as an empty issuer (RFC 8659 §4.2).
  }
  const std::string quoted = absl::StrCat(record.tag, " \"", absl::CHexEscape(record.value), "\"");
  std::string unsatisfiable = UnsatisfiableBecause(*value, wildcard, practices);
  if (!unsatisfiable.empty()) {
    return {Match::kUnsatisfiable, absl::StrCat(quoted, " is unsatisfiable: ", unsatisfiable)};
  }
  if (value->parameters.empty()) return {Match::kUnconditional, quoted};
  return {Match::kConditional, absl::StrCat(quoted, " (", Restrictions(*value), ")")};
}

NameEvaluation Verdict(NameEvaluation eval, NameVerdict verdict, std::string reason) {
  eval.verdict = verdict;
  eval.reason = std::move(reason);
  return eval;
}

}  // namespace

NameEvaluation EvaluateName(const names::DomainName& dns_name, const RelevantSet& relevant,
                            absl::Span<const std::string> ca_identifiers,
                            const CaPractices& practices) {
  NameEvaluation eval{dns_name.str(), NameVerdict::kIndeterminate, relevant, ""};
  if (relevant.outcome == RelevantSetOutcome::kIndeterminate) {
    return Verdict(std::move(eval), NameVerdict::kIndeterminate, relevant.reason);
  }
  if (relevant.outcome == RelevantSetOutcome::kNone) {
    return Verdict(std::move(eval), NameVerdict::kPermitted, "no CAA: " + relevant.reason);
  }
  const std::string& at = relevant.relevant_name;
  std::vector<std::string> ca_dependent;
  for (const CaaRecord& r : relevant.records) {
    if (!r.critical() || TagAmong(r.tag, kKnownTags)) continue;
    if (!TagAmong(r.tag, kCaDependentTags)) {
      return Verdict(std::move(eval), NameVerdict::kForbidden,
                     absl::StrCat("critical unknown property tag \"", absl::CHexEscape(r.tag),
                                  "\" at ", at, " forbids issuance by every CA"));
    }
    ca_dependent.push_back(absl::AsciiStrToLower(r.tag));
  }
  const bool wildcard = dns_name.is_wildcard();
  const bool has_issuewild = absl::c_any_of(
      relevant.records, [](const CaaRecord& r) { return TagIs(r.tag, "issuewild"); });
  const absl::string_view governing = wildcard && has_issuewild ? "issuewild" : "issue";

  NameVerdict verdict = NameVerdict::kForbidden;
  std::string reason;
  std::vector<std::string> conditions, unsatisfiable;
  bool any_property = false;
  for (const CaaRecord& r : relevant.records) {
    if (!TagIs(r.tag, governing)) continue;
    any_property = true;
    if (ca_identifiers.empty()) continue;
    PropertyMatch m = MatchProperty(r, ca_identifiers, wildcard, practices);
    if (m.match == Match::kUnconditional) {
      verdict = NameVerdict::kPermitted;
      reason = absl::StrCat(m.detail, " at ", at, " authorises the CA");
      break;
    }
    if (m.match == Match::kConditional) conditions.push_back(std::move(m.detail));
    if (m.match == Match::kUnsatisfiable) unsatisfiable.push_back(std::move(m.detail));
  }
  if (!any_property) {
    verdict = NameVerdict::kPermitted;
    reason = absl::StrCat("relevant set at ", at, " has no ", governing,
                          " property, so it restricts nothing for this name");
  } else if (ca_identifiers.empty()) {
    return Verdict(std::move(eval), NameVerdict::kIndeterminate,
                   absl::StrCat("relevant set at ", at,
                                " restricts issuance but the CA's CAA identifiers are unknown"));
  } else if (verdict != NameVerdict::kPermitted && !conditions.empty()) {
    verdict = NameVerdict::kPermittedConditional;
    reason = absl::StrCat("permitted only if the CA honoured ", absl::StrJoin(conditions, "; "),
                          " at ", at, ", which no certificate shows");
  } else if (verdict == NameVerdict::kForbidden) {
    reason = absl::StrCat("no ", governing, " property at ", at, " authorises ",
                          absl::StrJoin(ca_identifiers, ", "));
    if (!unsatisfiable.empty())
      absl::StrAppend(&reason, " (", absl::StrJoin(unsatisfiable, "; "), ")");
  }
  if (verdict != NameVerdict::kForbidden && !ca_dependent.empty()) {
    verdict = NameVerdict::kPermittedConditional;
    absl::StrAppend(&reason, "; CA-dependent: critical ", absl::StrJoin(ca_dependent, ", "), " at ",
                    at, " blocks a CA that does not support it");
  }
  return Verdict(std::move(eval), verdict, std::move(reason));
}

NameVerdict CombineNames(absl::Span<const NameEvaluation> names) {
  auto any = [names](NameVerdict v) {
    return absl::c_any_of(names, [v](const NameEvaluation& e) { return e.verdict == v; });
  };
  if (any(NameVerdict::kForbidden)) return NameVerdict::kForbidden;
  if (any(NameVerdict::kIndeterminate)) return NameVerdict::kIndeterminate;
  if (any(NameVerdict::kPermittedConditional)) return NameVerdict::kPermittedConditional;
  return NameVerdict::kPermitted;
}

}  // namespace caawatch::caa
