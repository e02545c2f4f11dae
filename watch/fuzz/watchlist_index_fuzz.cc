// The saved watchlist index as Watchlist::Decode reads it, past the file's checksum (which a
// fuzzer would rarely get right). Input: a watchlist text, then optionally a 0 octet and
// changes to make to its encoding (5 octets each: a 32-bit offset, taken modulo the size, and
// an octet to xor there). Without changes the decoded list must equal the built one; with them
// Decode must refuse, or give a list that every call works on.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/strings/string_view.h"
#include "watch/flat_arrays.h"
#include "watch/watchlist.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace caawatch::watch;
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t split = input.find('\0');
  const absl::string_view text = input.substr(0, split);
  absl::string_view changes = split == absl::string_view::npos ? "" : input.substr(split + 1);

  Watchlist::Builder builder;
  (void)builder.AddText(text);  // A bad line ends the text; the lines before it are the list.
  const Watchlist built = std::move(builder).Build();
  std::string bytes;
  FlatWriter writer(&bytes);
  built.Encode(&writer);
  const bool changed = changes.size() >= 5;
  for (; changes.size() >= 5; changes.remove_prefix(5)) {
    uint32_t offset;
    std::memcpy(&offset, changes.data(), sizeof offset);
    bytes[offset % bytes.size()] ^= changes[4];
  }

  FlatReader reader(bytes);
  absl::StatusOr<Watchlist> decoded = Watchlist::Decode(&reader);
  if (!changed) {
    if (!decoded.ok() || decoded->size() != built.size()) std::abort();
    for (size_t i = 0; i < built.size(); ++i) {
      const absl::StatusOr<WatchItem> item = decoded->entry(i).ToItem();
      if (!item.ok() || item != built.entry(i).ToItem()) std::abort();
    }
  }
  if (!decoded.ok()) return 0;
  for (size_t i = 0; i < decoded->size(); ++i) {
    const std::string domain = decoded->entry(i).domain();
    decoded->entry(i).ToString();
    (void)decoded->entry(i).ToItem();
    decoded->MatchName(domain);
    decoded->MatchName("*." + domain);
    decoded->HasSearchName(domain);
  }
  for (size_t i = 0; i < decoded->search_name_count(); ++i) decoded->SearchName(i);
  decoded->DigestSearchNames();
  return 0;
}
