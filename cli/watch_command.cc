// `caawatch watch add|remove|list`: the watchlist kept in the store. While `caawatch run` holds
// the store (RocksDB's lock), every action goes to that monitor's gRPC service instead (at the
// address it recorded beside the store), so a change applies to the running monitor at once and
// `list` shows the list it has in force. Given --grpc-listen, only the monitor there is asked.
#include <grpcpp/grpcpp.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/hex.h"
#include "base/quoted_input.h"
#include "base/time_text.h"
#include "caawatch/v1/monitor.grpc.pb.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/table.h"
#include "cli/watch_entry_warnings.h"
#include "monitor/static_watches.h"
#include "monitor/store_access.h"
#include "monitor/watch_entries.h"
#include "nlohmann/json.hpp"

namespace caawatch::cli {
namespace {

constexpr char kNotStored[] =
    " is not in the stored watchlist (names given to `caawatch run` by --watch, --watchlist or "
    "the configuration file are removed there, then `run` is restarted)";

// Parses NAME with the watchlist syntax and the --issuer list into a store record: the check
// gRPC AddWatch and the reload of stored entries make too (monitor::ParseWatchEntry).
absl::StatusOr<store::WatchRecord> RecordFor(const std::string& name,
                                             const std::vector<std::string>& issuers) {
  absl::StatusOr<monitor::WatchItem> item = monitor::ParseWatchEntry(name, issuers);
  if (!item.ok()) return item.status();
  store::WatchRecord record;
  record.set_name(item->Name());
  for (const std::string& i : item->issuers) record.add_issuers(i);
  record.set_added_ms(absl::ToUnixMillis(absl::Now()));
  return record;
}

v1::WatchEntry EntryFor(const store::WatchRecord& r) {
  v1::WatchEntry entry;
  entry.set_name(r.name());
  for (const std::string& i : r.issuers()) entry.add_issuers(i);
  entry.set_origin(v1::WATCH_STORED);
  entry.set_added_at(FormatRfc3339Millis(absl::FromUnixMillis(r.added_ms())));
  return entry;
}

// The running monitor's service: the one at the address given, or the one holding the store.
class RunningMonitor {
 public:
  // `holder`: what is known of the process holding the store (its kUnavailable open error, or
  // DescribeStoreHolder), said when the monitor does not answer; "" if nothing.
  RunningMonitor(std::string address, std::string holder)
      : address_(std::move(address)),
        holder_(std::move(holder)),
        stub_(v1::Monitor::NewStub(Channel(address_))) {}

  absl::Status Add(const store::WatchRecord& r) {
    v1::AddWatchRequest request;
    request.mutable_entry()->set_name(r.name());
    for (const std::string& i : r.issuers()) request.mutable_entry()->add_issuers(i);
    v1::AddWatchResponse response;
    grpc::ClientContext call;
    return Check(stub_->AddWatch(Deadline(&call), request, &response));
  }

  absl::StatusOr<bool> Remove(const std::string& name) {
    v1::RemoveWatchRequest request;
    request.set_name(name);
    v1::RemoveWatchResponse response;
    grpc::ClientContext call;
    if (absl::Status s = Check(stub_->RemoveWatch(Deadline(&call), request, &response)); !s.ok()) {
      return s;
    }
    return response.removed();
  }

  absl::StatusOr<std::vector<v1::WatchEntry>> List() {
    v1::ListWatchResponse response;
    grpc::ClientContext call;
    if (absl::Status s = Check(stub_->ListWatch(Deadline(&call), {}, &response)); !s.ok()) {
      return s;
    }
    return std::vector<v1::WatchEntry>(response.entries().begin(), response.entries().end());
  }

 private:
  // A watchlist of a million names lists as tens of MB: no 4 MB receive limit here.
  static std::shared_ptr<grpc::Channel> Channel(const std::string& address) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(-1);
    return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
  }
  static grpc::ClientContext* Deadline(grpc::ClientContext* call) {
    call->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return call;
  }
  absl::Status Check(const grpc::Status& status) const {
    if (status.ok()) return absl::OkStatus();
    if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
      return absl::InvalidArgumentError(status.error_message());
    }
    return absl::UnavailableError(absl::StrCat("no `caawatch run` answered at ", address_, ": ",
                                               status.error_message(), holder_.empty() ? "" : "; ",
                                               holder_));
  }

  std::string address_;
  std::string holder_;
  std::unique_ptr<v1::Monitor::Stub> stub_;
};

// With no monitor running: the stored entries (none if there is no store yet) after those of
// the configuration file.
absl::StatusOr<std::vector<v1::WatchEntry>> ListLocal(const CommandContext& ctx,
                                                      store::Store* store) {
  absl::StatusOr<monitor::Watchlist> fixed = monitor::StaticWatches(ctx.config);
  if (!fixed.ok()) return fixed.status();
  std::vector<v1::WatchEntry> entries;
  for (size_t n = 0; n < fixed->size(); ++n) {
    const monitor::WatchEntry item = fixed->entry(n);
    v1::WatchEntry& entry = entries.emplace_back();
    entry.set_name(item.subtree() ? "." + item.domain() : item.domain());
    for (const std::string& i : item.issuers()) entry.add_issuers(i);
    entry.set_origin(v1::WATCH_STATIC);
  }
  if (store == nullptr) return entries;
  absl::StatusOr<std::vector<store::WatchRecord>> stored = store->watches().List();
  if (!stored.ok()) return stored.status();
  for (const store::WatchRecord& r : *stored) entries.push_back(EntryFor(r));
  return entries;
}

int Print(const CommandContext& ctx, const std::vector<v1::WatchEntry>& entries) {
  Table table({"NAME", "ORIGIN", "ISSUERS", "ADDED"});
  for (const v1::WatchEntry& e : entries) {
    const char* origin = e.origin() == v1::WATCH_STATIC ? "static" : "stored";
    if (ctx.json) {
      nlohmann::json j = {
          {"name", e.name()},
          {"origin", origin},
          {"issuers", std::vector<std::string>(e.issuers().begin(), e.issuers().end())},
          {"added_at", e.added_at().empty() ? nlohmann::json() : nlohmann::json(e.added_at())}};
      std::puts(j.dump().c_str());
    } else {
      table.Add({e.name(), origin, absl::StrJoin(e.issuers(), ","), e.added_at()});
    }
  }
  if (ctx.json) return 0;
  if (table.empty()) {
    std::puts("the watchlist is empty");
  } else {
    table.set_elastic_column(2);  // The issuers: a long list is shortened, the names stay.
    table.Print(stdout, OutputWidth());
  }
  return 0;
}

// The monitor at the address the command was given: never a store instead of it.
RunningMonitor GivenMonitor(const CommandContext& ctx, const std::string& address) {
  return RunningMonitor(address, monitor::DescribeStoreHolder(ctx.config.data_dir).value_or(""));
}

// The monitor holding the store, whose open failed with `locked`: at the address it recorded,
// else at the configured one.
RunningMonitor HoldingMonitor(const CommandContext& ctx, const absl::Status& locked) {
  const std::optional<store::StoreHolder> holder =
      monitor::MonitorHoldingStore(ctx.config.data_dir);
  return RunningMonitor(holder ? holder->address : ctx.config.grpc_listen,
                        std::string(locked.message()));
}

int List(const CommandContext& ctx, const std::optional<std::string>& address) {
  if (address) {
    absl::StatusOr<std::vector<v1::WatchEntry>> entries = GivenMonitor(ctx, *address).List();
    return entries.ok() ? Print(ctx, *entries) : Fail(entries.status());
  }
  struct stat st;
  if (::stat(ctx.config.data_dir.c_str(), &st) != 0) {
    absl::StatusOr<std::vector<v1::WatchEntry>> entries = ListLocal(ctx, nullptr);
    return entries.ok() ? Print(ctx, *entries) : Fail(entries.status());
  }
  absl::StatusOr<std::unique_ptr<store::Store>> store = OpenStoreForWriting(ctx);
  absl::StatusOr<std::vector<v1::WatchEntry>> entries =
      store.ok() ? ListLocal(ctx, store->get())
      : absl::IsUnavailable(store.status())
          ? HoldingMonitor(ctx, store.status()).List()
          : absl::StatusOr<std::vector<v1::WatchEntry>>(store.status());
  return entries.ok() ? Print(ctx, *entries) : Fail(entries.status());
}

// `bad_name`: why r.name() does not parse, for a `remove` of an entry stored by an older
// caawatch under a name that no longer parses; it is removed by its exact name, if stored.
// `address`: the one the command was given, the only place the change may go.
int Change(const CommandContext& ctx, const std::optional<std::string>& address,
           const std::string& action, const store::WatchRecord& r,
           const absl::Status& bad_name = absl::OkStatus()) {
  std::unique_ptr<store::Store> store;
  std::optional<RunningMonitor> monitor;
  if (address) {
    monitor.emplace(GivenMonitor(ctx, *address));
  } else if (absl::StatusOr<std::unique_ptr<store::Store>> opened = OpenStoreForWriting(ctx);
             opened.ok()) {
    store = *std::move(opened);
  } else if (absl::IsUnavailable(opened.status())) {
    // Locked: another process holds the store, normally `caawatch run`, which takes the change.
    monitor.emplace(HoldingMonitor(ctx, opened.status()));
  } else {
    return Fail(opened.status());
  }
  const bool via_monitor = monitor.has_value();
  const char* how = via_monitor ? " (in the running monitor)" : "";
  if (action == "add") {
    const absl::Status s = via_monitor ? monitor->Add(r) : store->watches().Put(r);
    if (!s.ok()) return Fail(s);
    std::printf("added %s%s\n", r.name().c_str(), how);
    return 0;
  }
  absl::StatusOr<bool> removed =
      via_monitor ? monitor->Remove(r.name()) : store->watches().Remove(r.name());
  if (!removed.ok()) return Fail(removed.status(), bad_name.ok() ? 1 : 2);
  if (!*removed && !bad_name.ok()) return Fail(bad_name, 2);
  // An unparsed name is quoted, escaped.
  const std::string shown = bad_name.ok() ? r.name() : QuoteInput(r.name());
  if (!*removed) return Fail(absl::NotFoundError(absl::StrCat(shown, kNotStored)));
  std::printf("removed %s%s\n", shown.c_str(), how);
  return 0;
}

struct WatchOptions {
  CommonOptions common;
  std::optional<std::string> grpc_listen;
  std::string name;
  std::vector<std::string> issuers;
};

std::variant<CommandContext, int> PrepareWatch(const WatchOptions& options) {
  return Prepare(options.common);
}

// Before `add` stores it: what in the entry is probably not what the user meant. A CA map
// that cannot be read only leaves the issuers unchecked (`issuers list` says why).
void WarnAboutEntry(const CommandContext& ctx, const WatchOptions& options) {
  const absl::StatusOr<monitor::WatchItem> item =
      monitor::ParseWatchEntry(options.name, options.issuers);
  absl::StatusOr<caa::IssuerMap> known = monitor::LoadEffectiveIssuerMap(ctx.config.data_dir);
  if (!item.ok() || !known.ok()) return;
  for (const std::string& warning : WatchEntryWarnings(*item, *known)) {
    std::fprintf(stderr, "caawatch: warning: %s\n", warning.c_str());
  }
}

int AddOrRemove(const std::string& action, const WatchOptions& options) {
  auto prepared = PrepareWatch(options);
  if (auto* code = std::get_if<int>(&prepared)) return *code;
  const CommandContext& ctx = std::get<CommandContext>(prepared);
  absl::StatusOr<store::WatchRecord> record = RecordFor(options.name, options.issuers);
  if (!record.ok() && action == "remove") {
    store::WatchRecord stored;
    stored.set_name(options.name);
    return Change(ctx, options.grpc_listen, action, stored, record.status());
  }
  if (!record.ok()) return Fail(record.status(), 2);
  if (action == "add") WarnAboutEntry(ctx, options);
  return Change(ctx, options.grpc_listen, action, *record);
}

int ListCommand(const WatchOptions& options) {
  auto prepared = PrepareWatch(options);
  if (auto* code = std::get_if<int>(&prepared)) return *code;
  return List(std::get<CommandContext>(prepared), options.grpc_listen);
}

// What add, remove and list share.
std::shared_ptr<WatchOptions> AddWatchOptions(CLI::App* app) {
  auto options = std::make_shared<WatchOptions>();
  AddCommonOptions(app, &options->common);
  app->add_option("--grpc-listen", options->grpc_listen,
                  "gRPC address of the running monitor; the command fails if none answers there "
                  "(default: the monitor holding the store)")
      ->type_name("ADDR");
  return options;
}

}  // namespace

Command AddWatchCommand(CLI::App* app) {
  CLI::App* watch = app->add_subcommand("watch", "manage the stored watchlist (add|remove|list)");
  watch->require_subcommand(1);
  watch->footer(
      "Manages the watchlist kept in the store, in addition to the names `caawatch run` is given "
      "by --watch, --watchlist or the configuration file. NAME is example.com, or .example.com "
      "for the name and everything below it.\n\n"
      "While `caawatch run` is running it holds the store, so add, remove and list go to its "
      "gRPC service, at the address it recorded in the store (or --grpc-listen ADDR: then only "
      "to the monitor at ADDR, failing if none answers): a change applies to the next batch of "
      "every log, and the CAA of an added name is looked up at once, without a restart; `list` "
      "then shows every entry in force, static and stored. With no monitor running they change "
      "the store directly, and `list` shows the stored entries and those of the configuration "
      "file.");

  CLI::App* add = watch->add_subcommand("add", "add NAME to the stored watchlist");
  const std::shared_ptr<WatchOptions> add_options = AddWatchOptions(add);
  add->add_option("NAME", add_options->name, "example.com, or .example.com for the subtree")
      ->required();
  AddRepeatable(add, "--issuer", &add_options->issuers, "DOMAIN", "expected CAA identifier");

  CLI::App* remove = watch->add_subcommand("remove", "remove NAME from the stored watchlist");
  const std::shared_ptr<WatchOptions> remove_options = AddWatchOptions(remove);
  remove->add_option("NAME", remove_options->name, "the name as stored")->required();

  CLI::App* list = watch->add_subcommand("list", "every entry in force: static (run's) and stored");
  const std::shared_ptr<WatchOptions> list_options = AddWatchOptions(list);

  return {watch,
          RunParsed({{add, [add_options] { return AddOrRemove("add", *add_options); }},
                     {remove, [remove_options] { return AddOrRemove("remove", *remove_options); }},
                     {list, [list_options] { return ListCommand(*list_options); }}})};
}

}  // namespace caawatch::cli
