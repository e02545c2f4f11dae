// `caawatch zones status`: per followed zone (issue 18), the serial held, the last transfer,
// the last NOTIFY and the last error, from the running monitor's gRPC service (the followers'
// state lives in `caawatch run`, not in the store).
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
  const std::string address = options.grpc_listen.value_or(ctx.config.grpc_listen);
  auto stub =
      v1::Monitor::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext call;
  call.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::ListZonesResponse response;
  const grpc::Status status = stub->ListZones(&call, v1::ListZonesRequest(), &response);
  if (!status.ok()) {
    return Fail(absl::UnavailableError(absl::StrCat("no `caawatch run` answered at ", address,
                                                    " (--grpc-listen): ", status.error_message())));
  }
  Table table({"ZONE", "SERIAL", "LAST TRANSFER", "LAST NOTIFY", "NEXT REFRESH", "LAST ERROR"});
  for (const v1::ZoneStatus& z : response.zones()) {
    if (ctx.json) {
      nlohmann::json j = {{"zone", z.zone()},
                          {"serial", z.has_serial() ? nlohmann::json(z.serial()) : nullptr},
                          {"last_transfer", z.last_transfer()},
                          {"last_notify", z.last_notify()},
                          {"next_refresh", z.next_refresh()},
                          {"last_error", z.last_error()},
                          {"last_error_at", z.last_error_at()},
                          {"full_transfers", z.full_transfers()},
                          {"incremental_transfers", z.incremental_transfers()},
                          {"changes_recorded", z.changes_recorded()}};
      std::puts(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    } else {
      table.Add({z.zone(), z.has_serial() ? std::to_string(z.serial()) : "-",
                 z.last_transfer().empty() ? "never" : z.last_transfer(),
                 z.last_notify().empty() ? "never" : z.last_notify(), z.next_refresh(),
                 z.last_error()});
    }
  }
  if (!ctx.json) {
    if (table.empty()) {
      std::puts("no zones followed (config key `zones`)");
    } else {
      table.Print(stdout);
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
      "Asks the running `caawatch run` (its gRPC service, --grpc-listen as given to `run`) for "
      "the state of every zone it follows (configuration key `zones`).");
  auto options = std::make_shared<ZonesOptions>();
  AddCommonOptions(status, &options->common);
  status
      ->add_option("--grpc-listen", options->grpc_listen,
                   "gRPC address of the running monitor (default 127.0.0.1:7443)")
      ->type_name("ADDR");
  return {zones, RunParsed({{status, [options] { return ZonesStatus(*options); }}})};
}

}  // namespace caawatch::cli
