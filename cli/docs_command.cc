// `caawatch internal-docs`: hidden (no group, so --help, the manual and the completion leave it
// out). The build runs it to write caawatch(1) and the bash completion from the very CLI11
// definition that parses the command line (packaging/CMakeLists.txt).
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/quoted_input.h"
#include "cli/bash_completion.h"
#include "cli/commands.h"
#include "cli/man_page.h"
#include "cli/version.h"

namespace caawatch::cli {
namespace {

absl::Status WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", QuoteInput(path)));
  return absl::OkStatus();
}

}  // namespace

Command AddDocsCommand(CLI::App* app) {
  CLI::App* docs = app->add_subcommand("internal-docs", "");
  docs->group("");
  struct Options {
    std::string man;
    std::string bash_completion;
  };
  auto options = std::make_shared<Options>();
  docs->add_option("--man", options->man, "write caawatch(1) to FILE")->option_text("FILE");
  docs->add_option("--bash-completion", options->bash_completion,
                   "write the bash completion to FILE")
      ->option_text("FILE");
  const CLI::App* root = app;
  return {docs, [options, root] {
            for (const auto& [path, content] :
                 {std::pair{options->man, ManPage(*root, VersionLine())},
                  std::pair{options->bash_completion, BashCompletion(*root)}}) {
              if (path.empty()) continue;
              if (const absl::Status status = WriteFile(path, content); !status.ok()) {
                std::fprintf(stderr, "caawatch: %s\n", std::string(status.message()).c_str());
                return 1;
              }
            }
            return 0;
          }};
}

}  // namespace caawatch::cli
