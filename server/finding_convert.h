// The conversions from store records to API messages, as the service and the CLI name them:
// they live in proto/finding_convert.h, beside the finding JSON, so that notify/ reaches them
// without going through server/.
#ifndef CAAWATCH_SERVER_FINDING_CONVERT_H_
#define CAAWATCH_SERVER_FINDING_CONVERT_H_

#include "proto/finding_convert.h"

namespace caawatch::server {

namespace v1 = ::caawatch::v1;

using api::FormatMillis;
using api::FromApiSeverity;
using api::FindingKind;
using api::FindingKindName;
using api::FromApiVerdict;
using api::SeverityFromName;
using api::RcodeWord;
using api::SeverityName;
using api::ToApiAlert;
using api::ToApiFinding;
using api::ToApiSeverity;
using api::ToApiVerdict;
using api::VerdictFromName;
using api::VerdictName;

}  // namespace caawatch::server

#endif  // CAAWATCH_SERVER_FINDING_CONVERT_H_
