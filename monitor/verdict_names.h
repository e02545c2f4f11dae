// The verdict, severity and finding-kind names the command line reads and prints: the one
// spelling of store/verdict.h and store/finding_kind.h, offered here because cli/ reaches the
// layers below only through monitor/.
#ifndef CAAWATCH_MONITOR_VERDICT_NAMES_H_
#define CAAWATCH_MONITOR_VERDICT_NAMES_H_

#include "store/finding_kind.h"
#include "store/verdict.h"

namespace caawatch::monitor {

using store::FindingKind;
using store::HasKind;
using store::kAllSeverities;
using store::kAllVerdicts;
using store::Severity;
using store::SeverityFromName;
using store::SeverityName;
using store::Verdict;
using store::VerdictFromName;
using store::VerdictName;

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_VERDICT_NAMES_H_
