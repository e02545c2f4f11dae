// A stored finding as the CLI shows it: the API message (proto/finding_convert.h) with what
// is kept beside the finding in the store, its revocation follow-up.
#ifndef CAAWATCH_CLI_FINDING_VIEW_H_
#define CAAWATCH_CLI_FINDING_VIEW_H_

#include "caawatch/v1/monitor.pb.h"
#include "monitor/store_access.h"

namespace caawatch::cli {

// ToApiFinding(record) plus its revocation record, when it has one (a read error leaves the
// revocation out rather than failing the listing).
caawatch::v1::Finding FindingView(store::Store& store, const store::FindingRecord& record);

}  // namespace caawatch::cli

#endif  // CAAWATCH_CLI_FINDING_VIEW_H_
