// `caawatch evidence verify DIR`: checks an evidence bundle offline (SPEC §8), as a CA or a
// root program would, against the log list of this build or one given as a file.
#include <cstdio>
#include <memory>
#include <string>

#include "absl/strings/str_join.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "monitor/evidence_bundles.h"

namespace caawatch::cli {
namespace {

struct VerifyOptions {
  std::string dir;
  std::string log_list;  // "" = the embedded list.
};

int Verify(const VerifyOptions& options) {
  auto result = monitor::VerifyEvidenceBundle(options.dir, options.log_list);
  if (!result.ok()) return Fail(result.status());
  std::printf("bundle verified: %llu log entries proven in heads their logs signed\n",
              static_cast<unsigned long long>(result->entries));
  std::printf("checked: %s\n", absl::StrJoin(result->verified_files, ", ").c_str());
  if (!result->unchecked_files.empty()) {
    std::printf("not checked by this version: %s\n",
                absl::StrJoin(result->unchecked_files, ", ").c_str());
  }
  return 0;
}

}  // namespace

Command AddEvidenceCommand(CLI::App* app) {
  CLI::App* evidence = app->add_subcommand("evidence", "evidence bundles for a CA (verify)");
  evidence->require_subcommand(1);
  CLI::App* verify = evidence->add_subcommand(
      "verify", "check every proof, signature and hash of an evidence bundle, offline");
  verify->footer(
      "Checks each log entry's inclusion proof against the signed tree head in the bundle, the "
      "head's signature with the log's key, and that key against the log list (the one built "
      "in, or --log-list FILE), never trusting the bundle's own key alone. Makes no network "
      "request. Exit 0 when everything verifies; otherwise 1, naming the file that failed.");
  auto options = std::make_shared<VerifyOptions>();
  verify->add_option("DIR", options->dir, "the bundle's directory")->required();
  verify
      ->add_option("--log-list", options->log_list,
                   "the log list (v3 JSON file) whose keys are trusted (default: the list built "
                   "into caawatch)")
      ->type_name("FILE");
  return {evidence, RunParsed({{verify, [options] { return Verify(*options); }}})};
}

}  // namespace caawatch::cli
