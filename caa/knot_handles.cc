#include "caa/knot_handles.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/quoted_input.h"

namespace caawatch::caa::knot {

Key::~Key() {
  if (initialised_) knot_tsig_key_deinit(&key_);
}

absl::Status Key::Init(const TsigKey& key) {
  const int ret =
      knot_tsig_key_init(&key_, key.algorithm.c_str(), key.name.c_str(), key.secret_base64.c_str());
  if (ret != KNOT_EOK) {
    return absl::InvalidArgumentError(absl::StrCat("TSIG key ", QuoteInput(key.name),
                                                   " (algorithm ", QuoteInput(key.algorithm),
                                                   "): ", knot_strerror(ret)));
  }
  initialised_ = true;
  return absl::OkStatus();
}

std::string RcodeName(int rcode) {
  const knot_lookup_t* found = knot_lookup_by_id(knot_rcode_names, rcode);
  return found != nullptr ? found->name : absl::StrCat("RCODE ", rcode);
}

std::string TsigErrorName(int error) {
  const knot_lookup_t* found = knot_lookup_by_id(knot_tsig_rcode_names, error);
  return found != nullptr ? found->name : RcodeName(error);
}

std::optional<uint32_t> SoaSerial(const uint8_t* rdata, size_t size) {
  size_t at = 0;
  for (int name = 0; name < 2; ++name) {
    while (at < size && rdata[at] != 0) at += rdata[at] + 1;
    ++at;
  }
  if (at + 20 > size) return std::nullopt;
  return (uint32_t{rdata[at]} << 24) | (uint32_t{rdata[at + 1]} << 16) |
         (uint32_t{rdata[at + 2]} << 8) | rdata[at + 3];
}

// knot's presentation form, lowercased, without the trailing dot. Not names::DomainName: a zone's
// owner names may hold any octet (escaped as \DDD by knot), and a transfer must be read whatever
// they hold; a name that is a DomainName comes out as DomainName::Parse would give it.
std::string OwnerText(const knot_dname_t* name) {
  char buf[KNOT_DNAME_TXT_MAXLEN + 1];
  if (knot_dname_to_str(buf, name, sizeof(buf)) == nullptr) return "";
  std::string text(buf);
  if (text.size() > 1 && text.back() == '.') text.pop_back();
  absl::AsciiStrToLower(&text);
  return text;
}

}  // namespace caawatch::caa::knot
