// MonitorService::ListHeads (issue 21, SPEC §9): each log's latest verified head as a signed
// note, what `caawatch heads` prints, for another caawatch's `heads compare`.
#include "judge/head_notes.h"
#include "server/alert_stream.h"
#include "server/service.h"

namespace caawatch::server {

grpc::ServerUnaryReactor* MonitorService::ListHeads(grpc::CallbackServerContext* context,
                                                    const v1::ListHeadsRequest* request,
                                                    v1::ListHeadsResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<std::vector<judge::HeadNote>> heads =
      judge::LatestHeadNotes(options_.store, request->log_url());
  if (!heads.ok()) {
    reactor->Finish(ToGrpcStatus(heads.status()));
    return reactor;
  }
  for (judge::HeadNote& head : *heads) {
    v1::LogHead* out = response->add_heads();
    out->set_log_url(std::move(head.log_url));
    out->set_description(std::move(head.description));
    out->set_tree_size(head.tree_size);
    out->set_note(std::move(head.note));
  }
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace caawatch::server
