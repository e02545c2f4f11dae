// `caawatch watch add|remove|list`: the stored watchlist. While `caawatch run` holds the store,
// changes go through its gRPC service so they take effect without a restart.
#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/hex.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/table.h"
#include "monitor/watchlist.h"
#include "nlohmann/json.hpp"
#include "proto/caawatch/v1/monitor.grpc.pb.h"
#include <grpcpp/grpcpp.h>

namespace caawatch::cli {
namespace {

// Parses NAME with the watchlist syntax and the --issuer list into a store record.
absl::StatusOr<store::WatchRecord> RecordFor(const std::string& name,
                                             const std::vector<std::string>& issuers) {
  absl::StatusOr<std::vector<monitor::WatchItem>> items = monitor::ParseWatchlist(name);
  if (!items.ok()) return items.status();
  if (items->size() != 1) return absl::InvalidArgumentError("give exactly one NAME");
  store::WatchRecord record;
  const monitor::WatchItem& item = items->front();
  record.set_name(item.subtree ? "." + item.domain : item.domain);
  for (const std::string& i : issuers) {
    for (absl::string_view part : absl::StrSplit(i, ',', absl::SkipEmpty())) {
      record.add_issuers(absl::AsciiStrToLower(part));
    }
  }
  for (const std::string& i : item.issuers) record.add_issuers(i);
  record.set_added_ms(absl::ToUnixMillis(absl::Now()));
  return record;
}

// The running monitor's service, for when it holds the store.
int ViaGrpc(const CommandContext& ctx, const std::string& action, const store::WatchRecord& r) {
  auto channel = grpc::CreateChannel(ctx.config.grpc_listen, grpc::InsecureChannelCredentials());
  auto stub = v1::Monitor::NewStub(channel);
  grpc::ClientContext call;
  call.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::Status status;
  if (action == "add") {
    v1::AddWatchRequest request;
    request.mutable_entry()->set_name(r.name());
    for (const std::string& i : r.issuers()) request.mutable_entry()->add_issuers(i);
    v1::AddWatchResponse response;
    status = stub->AddWatch(&call, request, &response);
  } else {
    v1::RemoveWatchRequest request;
    request.set_name(r.name());
    v1::RemoveWatchResponse response;
    status = stub->RemoveWatch(&call, request, &response);
    if (status.ok() && !response.removed()) {
      return Fail(absl::NotFoundError(absl::StrCat(r.name(), " is not in the stored watchlist")));
    }
  }
  if (!status.ok()) {
    return Fail(absl::UnavailableError(absl::StrCat(
        "the store is in use by `caawatch run` and its gRPC service at ", ctx.config.grpc_listen,
        " did not answer: ", status.error_message())));
  }
  std::printf("%s %s (via the running monitor)\n", action == "add" ? "added" : "removed",
              r.name().c_str());
  return 0;
}

int List(const CommandContext& ctx) {
  absl::StatusOr<std::unique_ptr<store::FindingStore>> store = OpenStoreForReading(ctx);
  if (!store.ok()) return Fail(store.status());
  absl::StatusOr<std::vector<store::WatchRecord>> entries = (*store)->ListWatch();
  if (!entries.ok()) return Fail(entries.status());
  Table table({"NAME", "ISSUERS", "ADDED"});
  for (const store::WatchRecord& r : *entries) {
    if (ctx.json) {
      nlohmann::json j = {{"name", r.name()},
                          {"issuers", std::vector<std::string>(r.issuers().begin(), r.issuers().end())},
                          {"added_at", FormatRfc3339(absl::FromUnixMillis(r.added_ms()))}};
      std::puts(j.dump().c_str());
    } else {
      table.Add({r.name(), absl::StrJoin(r.issuers(), ","),
                 FormatRfc3339(absl::FromUnixMillis(r.added_ms()))});
    }
  }
  if (!ctx.json) {
    if (table.empty()) {
      std::puts("the stored watchlist is empty");
    } else {
      table.Print(stdout);
    }
  }
  return 0;
}

}  // namespace

int WatchCommand(const Args& args) {
  std::vector<FlagSpec> specs = CommonFlags();
  specs.push_back({"issuer", "DOMAIN", "expected CAA identifier (repeatable; add only)", true});
  specs.push_back({"grpc-listen", "ADDR", "address of a running monitor (default 127.0.0.1:7443)"});
  FlagParser parser("watch", "add NAME [--issuer D]... | remove NAME | list",
                    "Manages the watchlist kept in the store (in addition to --watch and "
                    "--watchlist of `caawatch run`). NAME is example.com, or .example.com for "
                    "the name and everything below it.",
                    specs);
  auto prepared = Prepare(parser, args);
  if (auto* code = std::get_if<int>(&prepared)) return *code;
  CommandContext& ctx = std::get<CommandContext>(prepared);
  if (ctx.flags.Has("grpc-listen")) ctx.config.grpc_listen = ctx.flags.Get("grpc-listen");
  const std::vector<std::string>& pos = ctx.flags.positional();
  if (pos.empty()) return Fail(absl::InvalidArgumentError("watch needs add, remove or list"), 2);
  if (pos[0] == "list") return List(ctx);
  if ((pos[0] != "add" && pos[0] != "remove") || pos.size() != 2) {
    return Fail(absl::InvalidArgumentError("usage: caawatch watch add|remove NAME"), 2);
  }
  absl::StatusOr<store::WatchRecord> record = RecordFor(pos[1], ctx.flags.GetAll("issuer"));
  if (!record.ok()) return Fail(record.status(), 2);
  absl::StatusOr<std::unique_ptr<store::FindingStore>> store = OpenStoreForWriting(ctx);
  if (!store.ok()) {
    if (absl::IsFailedPrecondition(store.status())) return ViaGrpc(ctx, pos[0], *record);
    return Fail(store.status());
  }
  if (pos[0] == "add") {
    if (absl::Status s = (*store)->PutWatch(*record); !s.ok()) return Fail(s);
    std::printf("added %s\n", record->name().c_str());
    return 0;
  }
  absl::StatusOr<bool> removed = (*store)->RemoveWatch(record->name());
  if (!removed.ok()) return Fail(removed.status());
  if (!*removed) {
    return Fail(absl::NotFoundError(absl::StrCat(record->name(), " is not in the stored watchlist")));
  }
  std::printf("removed %s\n", record->name().c_str());
  return 0;
}

}  // namespace caawatch::cli
