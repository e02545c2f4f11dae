// MonitorService::GetEvidence (SPEC §8): a finding's evidence bundle, one file a message. The
// bundle is gathered on an evidence worker (it may fetch a pending proof from its log), then
// written one message at a time: never more than one write outstanding, each file bounded by
// the bundle writer (evidence/bundle_files.h kMaxBundleFileBytes).
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/hex.h"
#include "base/status_macros.h"
#include "proto/finding_json.h"
#include "server/alert_stream.h"
#include "server/finding_convert.h"
#include "server/service.h"

namespace caawatch::server {
namespace {

class EvidenceStream final : public grpc::ServerWriteReactor<v1::EvidenceFile> {
 public:
  // Takes the files to write, or the status to finish with.
  void Send(absl::StatusOr<std::vector<std::pair<std::string, std::string>>> files) {
    if (!files.ok()) {
      Finish(ToGrpcStatus(files.status()));
      return;
    }
    for (auto& [path, content] : *files) {
      v1::EvidenceFile file;
      file.set_path(path);
      file.set_content(std::move(content));
      files_.push_back(std::move(file));
    }
    WriteNext();
  }
  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the client went away"));
      return;
    }
    WriteNext();
  }
  void OnDone() override { delete this; }

 private:
  void WriteNext() {
    if (next_ == files_.size()) {
      Finish(grpc::Status::OK);
      return;
    }
    StartWrite(&files_[next_++]);
  }

  std::vector<v1::EvidenceFile> files_;
  size_t next_ = 0;
};

}  // namespace

absl::StatusOr<store::FindingRecord> MonitorService::FindEvidenceFinding(
    const v1::GetEvidenceRequest& request) {
  if (request.seq() > 0) {
    store::FindingQuery query;
    query.after_seq = request.seq() - 1;
    query.limit = 1;
    CAAWATCH_ASSIGN_OR_RETURN(const std::vector<store::FindingRecord> found,
                              options_.store->findings().List(query));
    if (found.empty() || found.front().seq() != request.seq()) {
      return absl::NotFoundError(absl::StrCat("no finding has seq ", request.seq()));
    }
    return found.front();
  }
  if (request.sha256().size() != 64) {
    return absl::InvalidArgumentError("give seq, or sha256 as 64 hex digits");
  }
  CAAWATCH_ASSIGN_OR_RETURN(const std::vector<uint8_t> hash, HexDecode(request.sha256()));
  CAAWATCH_ASSIGN_OR_RETURN(
      std::optional<store::FindingRecord> found,
      options_.store->findings().FindByHash(std::string(hash.begin(), hash.end())));
  if (!found.has_value())
    return absl::NotFoundError(absl::StrCat("no finding for ", request.sha256()));
  return *std::move(found);
}

grpc::ServerWriteReactor<v1::EvidenceFile>* MonitorService::GetEvidence(
    grpc::CallbackServerContext* context, const v1::GetEvidenceRequest* request) {
  auto* stream = new EvidenceStream();
  if (!options_.evidence) {
    stream->Send(absl::UnimplementedError("this monitor writes no evidence bundles"));
    return stream;
  }
  const v1::GetEvidenceRequest wanted = *request;
  const bool scheduled = evidence_workers_.TrySchedule([this, stream, wanted](bool run) {
    if (!run) {
      stream->Send(absl::UnavailableError("the monitor is stopping"));
      return;
    }
    absl::StatusOr<store::FindingRecord> finding = FindEvidenceFinding(wanted);
    if (!finding.ok()) {
      stream->Send(finding.status());
      return;
    }
    stream->Send(options_.evidence(*finding, api::FindingToJson(ToApiFinding(*finding)) + "\n"));
  });
  if (!scheduled) {
    stream->Send(absl::ResourceExhaustedError("too many evidence bundles are being written"));
  }
  (void)context;
  return stream;
}

}  // namespace caawatch::server
