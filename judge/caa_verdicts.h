// caa's evaluation outcomes as finding verdicts (store/verdict.h), so that they have no names of
// their own: an issuance-time outcome is one of the finding verdicts, and a per-name outcome of
// one relevant RRset (RFC 8659) is read as the finding verdict it amounts to.
#ifndef CAAWATCH_JUDGE_CAA_VERDICTS_H_
#define CAAWATCH_JUDGE_CAA_VERDICTS_H_

#include "caa/issuance_window.h"
#include "caa/policy.h"
#include "store/verdict.h"

namespace caawatch::judge {

store::Verdict ToVerdict(caa::IssuanceVerdict verdict);

// kIndeterminate becomes dns_indeterminate: with the CA's identifiers known (the only way the
// judge evaluates), an unknown relevant set is the only cause.
store::Verdict ToVerdict(caa::NameVerdict verdict);

}  // namespace caawatch::judge

#endif  // CAAWATCH_JUDGE_CAA_VERDICTS_H_
