#include "cli/help_walk.h"

#include <memory>

#include "CLI/Formatter.hpp"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace caawatch::cli {
namespace {

std::vector<const CLI::App*> VisibleSubcommands(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App* sub) {
    return !sub->get_group().empty() && !sub->get_name().empty() && !sub->get_disabled();
  });
}

HelpOption Describe(const CLI::Formatter& formatter, const CLI::Option& option) {
  HelpOption out;
  out.positional = !option.nonpositional();
  out.names = formatter.make_option_name(&option, out.positional);
  out.value = std::string(absl::StripAsciiWhitespace(formatter.make_option_opts(&option)));
  out.description = formatter.make_option_desc(&option);
  if (!out.positional) {
    for (const std::string& name : option.get_snames()) out.flags.push_back("-" + name);
    for (const std::string& name : option.get_lnames()) out.flags.push_back("--" + name);
  }
  return out;
}

void Walk(const CLI::App& app, std::vector<std::string> words, std::vector<HelpCommand>* out) {
  // The program's formatter unless a command has its own: both are CLI::Formatter.
  const auto own = std::dynamic_pointer_cast<CLI::Formatter>(app.get_formatter());
  const CLI::Formatter fallback;
  const CLI::Formatter& formatter = own ? *own : fallback;

  HelpCommand command;
  command.words = words;
  command.path = absl::StrJoin(words, " ");
  command.path.insert(0, words.empty() ? "caawatch" : "caawatch ");
  command.description = app.get_description();
  command.usage = std::string(absl::StripAsciiWhitespace(
      absl::StripPrefix(formatter.make_usage(&app, command.path), "Usage: ")));
  for (const CLI::Option* option :
       app.get_options([](const CLI::Option* o) { return o->get_positional(); })) {
    if (!option->get_group().empty()) command.options.push_back(Describe(formatter, *option));
  }
  for (const std::string& group : app.get_groups()) {
    if (group.empty()) continue;
    for (const CLI::Option* option : app.get_options([&group](const CLI::Option* o) {
           return o->nonpositional() && o->get_group() == group;
         })) {
      command.options.push_back(Describe(formatter, *option));
    }
  }
  const std::vector<const CLI::App*> subs = VisibleSubcommands(app);
  for (const CLI::App* sub : subs) {
    command.subcommands.emplace_back(sub->get_name(), sub->get_description());
  }
  command.footer = app.get_footer();
  out->push_back(std::move(command));
  for (const CLI::App* sub : subs) {
    std::vector<std::string> sub_words = words;
    sub_words.push_back(sub->get_name());
    Walk(*sub, std::move(sub_words), out);
  }
}

}  // namespace

std::vector<HelpCommand> WalkCommands(const CLI::App& root) {
  std::vector<HelpCommand> out;
  Walk(root, {}, &out);
  return out;
}

}  // namespace caawatch::cli
