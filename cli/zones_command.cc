// `caawatch zones status`: per followed zone (issue 18), the serial held, the last transfer,
// the last NOTIFY and the last error, from the running monitor's gRPC service (found as the
// other commands find it: --grpc-listen, else the holder record in the data directory, else
// the configured address).
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "caawatch/v1/monitor.grpc.pb.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/table.h"
#include "monitor/store_access.h"
#include "nlohmann/json.hpp"

namespace caawatch::cli {
namespace {

struct ZonesOptions {
  CommonOptions common;
  std::optional<std::string> grpc_listen;
};

int ZonesStatus(const ZonesOptions& options) {
  auto prepared = Prepare(options.common);
  if (auto* code = std::get_if<int>(&prepared)) return *code;
  CommandContext& ctx = std::get<CommandContext>(prepared);
  const std::optional<store::StoreHolder> holder =
      monitor::MonitorHoldingStore(ctx.config.data_dir);
  const std::string address =
      options.grpc_listen.value_or(holder ? holder->address : ctx.config.grpc_listen);
  auto stub =
      v1::Monitor::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext call;
  call.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::ListZonesResponse response;
  const grpc::Status status = stub->ListZones(&call, v1::ListZonesRequest(), &response);
  if (!status.ok()) {
    const std::optional<std::string> described = monitor::DescribeStoreHolder(ctx.config.data_dir);
    return Fail(absl::UnavailableError(absl::StrCat(
        "no `caawatch run` answered at ", address, " (--grpc-listen): ", status.error_message(),
        described ? "; " : "", described.value_or(""))));
  }
  Table table(
      {"ZONE", "STATE", "SERIAL", "LAST TRANSFER", "LAST NOTIFY", "NEXT REFRESH", "LAST ERROR"});
  for (const v1::ZoneStatus& z : response.zones()) {
    if (ctx.json) {
      nlohmann::json j = {{"zone", z.zone()},
                          {"state", z.state()},
                          {"serial", z.has_serial() ? nlohmann::json(z.serial()) : nullptr},
                          {"last_transfer", z.last_transfer()},
                          {"last_notify", z.last_notify()},
                          {"next_refresh", z.next_refresh()},
                          {"last_error", z.last_error()},
                          {"last_error_at", z.last_error_at()},
                          {"full_transfers", z.full_transfers()},
                          {"incremental_transfers", z.incremental_transfers()},
                          {"changes_recorded", z.changes_recorded()},
                          {"expires_at", z.expires_at()},
                          {"last_transfer_kind", z.last_transfer_kind()},
                          {"last_disagreement", z.last_disagreement()},
                          {"last_disagreement_at", z.last_disagreement_at()},
                          {"disagreements", z.disagreements()}};
      std::puts(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    } else {
      table.Add({z.zone(), z.state(), z.has_serial() ? std::to_string(z.serial()) : "-",
                 z.last_transfer().empty() ? "never" : z.last_transfer(),
                 z.last_notify().empty() ? "never" : z.last_notify(), z.next_refresh(),
                 z.last_error()});
    }
  }
  if (!ctx.json) {
    if (table.empty()) {
      std::puts("no zones followed (config key `zones`)");
    } else {
      table.set_elastic_column(6);  // The last error: its start and its end stay.
      table.Print(stdout, OutputWidth());
      for (const v1::ZoneStatus& z : response.zones()) {
        if (z.last_disagreement().empty()) continue;
        std::printf(
            "warning: %s: %llu lookup answers disagreed with the followed zone, the latest at "
            "%s: %s\n",
            z.zone().c_str(), static_cast<unsigned long long>(z.disagreements()),
            z.last_disagreement_at().c_str(), z.last_disagreement().c_str());
      }
    }
  }
  return 0;
}

}  // namespace

Command AddZonesCommand(CLI::App* app) {
  CLI::App* zones = app->add_subcommand("zones", "the zones followed by transfers (status)");
  zones->require_subcommand(1);
  CLI::App* status = zones->add_subcommand(
      "status", "per followed zone: serial, last transfer, last NOTIFY, last error");
  status->footer(
      "Asks the running `caawatch run` (its gRPC service: --grpc-listen, else the one holding "
      "the data directory, else the configuration's grpc_listen) for the state of every zone "
      "it follows (configuration key `zones`): state (ok, retrying, expired), serial, last "
      "transfer, last NOTIFY, next refresh, last error.");
  auto options = std::make_shared<ZonesOptions>();
  AddCommonOptions(status, &options->common);
  status
      ->add_option("--grpc-listen", options->grpc_listen,
                   "gRPC address of the running monitor (default: the one holding the data "
                   "directory, else the configuration's grpc_listen)")
      ->type_name("ADDR");
  return {zones, RunParsed({{status, [options] { return ZonesStatus(*options); }}})};
}

}  // namespace caawatch::cli
