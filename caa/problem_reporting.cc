#include "caa/problem_reporting.h"

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace caawatch::caa {
namespace {

// CCADB cells write "[at]" and "[dot]"; case varies between CAs' entries. One pass: a cell is
// bounded only by the CSV reader's limits.
std::string Unobfuscate(absl::string_view cell) {
  std::string text;
  text.reserve(cell.size());
  for (size_t i = 0; i < cell.size();) {
    if (absl::StartsWithIgnoreCase(cell.substr(i), "[at]")) {
      text.push_back('@');
      i += 4;
    } else if (absl::StartsWithIgnoreCase(cell.substr(i), "[dot]")) {
      text.push_back('.');
      i += 5;
    } else {
      text.push_back(cell[i++]);
    }
  }
  return text;
}

bool IsEmailAddress(absl::string_view token) {
  const size_t at = token.find('@');
  if (at == 0 || at == absl::string_view::npos ||
      token.find('@', at + 1) != absl::string_view::npos)
    return false;
  const absl::string_view domain = token.substr(at + 1);
  if (domain.find('.') == absl::string_view::npos || domain.front() == '.' || domain.back() == '.')
    return false;
  return absl::c_all_of(domain, [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
  });
}

bool IsUrl(absl::string_view token) {
  return (absl::StartsWithIgnoreCase(token, "https://") ||
          absl::StartsWithIgnoreCase(token, "http://") ||
          absl::StartsWithIgnoreCase(token, "www.")) &&
         token.find('.') != absl::string_view::npos;
}

void Add(std::vector<std::string>* out, absl::string_view contact) {
  if (out->size() >= kMaxContacts || contact.size() > kMaxContactBytes) return;
  if (absl::c_find(*out, contact) == out->end()) out->emplace_back(contact);
}

}  // namespace

std::vector<std::string> ProblemReportingContacts(absl::string_view cell) {
  const std::string text = Unobfuscate(cell);
  std::vector<std::string> contacts;
  for (absl::string_view token :
       absl::StrSplit(text, absl::ByAnyChar(" \t\r\n,;()<>\""), absl::SkipEmpty())) {
    // Sentence punctuation around a contact is not part of it.
    while (!token.empty() && absl::StrContains(".:!?'", token.back())) token.remove_suffix(1);
    absl::ConsumePrefix(&token, "mailto:");
    if (IsEmailAddress(token) || IsUrl(token)) Add(&contacts, token);
  }
  if (!contacts.empty()) return contacts;
  const std::vector<absl::string_view> words =
      absl::StrSplit(text, absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty());
  if (words.empty()) return contacts;
  std::string prose = absl::StrJoin(words, " ");
  if (prose.size() > kMaxContactBytes) {
    size_t keep = kMaxContactBytes;  // Never half a UTF-8 character.
    while (keep > 0 && (static_cast<unsigned char>(prose[keep]) & 0xC0) == 0x80) --keep;
    prose.resize(keep);
  }
  contacts.push_back(std::move(prose));
  return contacts;
}

}  // namespace caawatch::caa
