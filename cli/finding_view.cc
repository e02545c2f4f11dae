#include "cli/finding_view.h"

#include "proto/finding_convert.h"

namespace caawatch::cli {

caawatch::v1::Finding FindingView(store::Store& store, const store::FindingRecord& record) {
  caawatch::v1::Finding finding = api::ToApiFinding(record);
  if (record.tbs_sha256().empty()) return finding;
  auto revocation = store.revocations().Get(record.tbs_sha256());
  if (revocation.ok() && revocation->has_value()) {
    api::AddRevocation(record, **revocation, &finding);
  }
  return finding;
}

}  // namespace caawatch::cli
