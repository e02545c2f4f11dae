#include "watch/label_trie.h"

#include <algorithm>
#include <random>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "base/quoted_input.h"
#include "names/domain_name.h"
#include "watch/stable_hash.h"

namespace caawatch::watch {

namespace {

// The tag of a hash: its top 7 bits, with the high bit set so that no tag is 0 (empty).
uint8_t Tag(size_t hash) { return static_cast<uint8_t>(0x80 | (hash >> (8 * sizeof(size_t) - 7))); }

}  // namespace

LabelTrie::LabelTrie() : label_begin_{0, 0}, parent_{kAbsent}, slots_(16, kAbsent), tags_(16, 0) {
  std::random_device random;
  seed_ = uint64_t{random()} << 32 | random();
}

size_t LabelTrie::Hash(uint32_t parent, absl::string_view label) const {
  // Stable across processes for a given seed, unlike absl::Hash, so a saved table stays valid.
  return StableHash64(label, seed_ ^ (uint64_t{parent} * 0x9e3779b97f4a7c15ULL));
}

absl::string_view LabelTrie::Label(uint32_t node) const {
  return absl::string_view(labels_).substr(label_begin_[node],
                                           label_begin_[node + 1] - label_begin_[node]);
}

uint32_t LabelTrie::Child(uint32_t node, absl::string_view label) const {
  const size_t hash = Hash(node, label);
  const uint8_t tag = Tag(hash);
  for (size_t s = hash & (slots_.size() - 1);; s = (s + 1) & (slots_.size() - 1)) {
    if (tags_[s] == 0) return kAbsent;
    if (tags_[s] != tag) continue;
    const uint32_t candidate = slots_[s];
    if (parent_[candidate] == node && Label(candidate) == label) return candidate;
  }
}

uint32_t LabelTrie::Find(absl::string_view domain) const {
  uint32_t node = kRoot;
  for (size_t end = domain.size(); end > 0 && node != kAbsent;) {
    const size_t dot = domain.rfind('.', end - 1);
    const size_t start = dot == absl::string_view::npos ? 0 : dot + 1;
    node = Child(node, domain.substr(start, end - start));
    end = start == 0 ? 0 : dot;
  }
  return node;
}

void LabelTrie::Place(uint32_t node, size_t hash) {
  size_t s = hash & (slots_.size() - 1);
  while (tags_[s] != 0) s = (s + 1) & (slots_.size() - 1);
  slots_[s] = node;
  tags_[s] = Tag(hash);
}

void LabelTrie::Reserve(size_t nodes, size_t label_bytes) {
  labels_.reserve(label_bytes);
  label_begin_.reserve(nodes + 1);
  parent_.reserve(nodes);
  size_t slots = slots_.size();
  while (4 * nodes > 3 * slots) slots *= 2;  // Insert's load limit: then it never grows.
  if (slots == slots_.size()) return;
  slots_.assign(slots, kAbsent);
  tags_.assign(slots, 0);
  for (uint32_t n = 1; n < size(); ++n) Place(n, Hash(parent_[n], Label(n)));
}

void LabelTrie::Grow() {
  slots_.assign(slots_.size() * 2, kAbsent);
  tags_.assign(tags_.size() * 2, 0);
  for (uint32_t n = 1; n < size(); ++n) Place(n, Hash(parent_[n], Label(n)));
}

uint32_t LabelTrie::Insert(absl::string_view domain) {
  uint32_t node = kRoot;
  for (size_t end = domain.size(); end > 0;) {
    const size_t dot = domain.rfind('.', end - 1);
    const size_t start = dot == absl::string_view::npos ? 0 : dot + 1;
    const absl::string_view label = domain.substr(start, end - start);
    uint32_t child = Child(node, label);
    if (child == kAbsent) {
      child = static_cast<uint32_t>(size());
      labels_.append(label.data(), label.size());
      label_begin_.push_back(static_cast<uint32_t>(labels_.size()));
      parent_.push_back(node);
      if (4 * (size() - 1) > 3 * slots_.size()) {
        Grow();  // Places the new node too.
      } else {
        Place(child, Hash(node, label));
      }
    }
    node = child;
    end = start == 0 ? 0 : dot;
  }
  return node;
}

void LabelTrie::Freeze() {
  // Children grouped by parent (a counting sort), so a wildcard label can walk them.
  child_begin_.assign(size() + 1, 0);
  for (uint32_t n = 1; n < size(); ++n) ++child_begin_[parent_[n] + 1];
  for (size_t n = 1; n < child_begin_.size(); ++n) child_begin_[n] += child_begin_[n - 1];
  children_.resize(size() - 1);
  std::vector<uint32_t> next(child_begin_.begin(), child_begin_.end() - 1);
  for (uint32_t n = 1; n < size(); ++n) children_[next[parent_[n]]++] = n;
  labels_.shrink_to_fit();
  label_begin_.shrink_to_fit();
  parent_.shrink_to_fit();
}

absl::Span<const uint32_t> LabelTrie::Children(uint32_t node) const {
  return absl::MakeConstSpan(children_).subspan(child_begin_[node],
                                                child_begin_[node + 1] - child_begin_[node]);
}

std::string LabelTrie::Domain(uint32_t node) const {
  std::string out;
  for (uint32_t n = node; n != kRoot; n = parent_[n]) {
    if (!out.empty()) out.push_back('.');
    const absl::string_view label = Label(n);
    out.append(label.data(), label.size());
  }
  return out;
}

LabelTrie LabelTrie::ThawedCopy() const {
  LabelTrie copy;
  copy.seed_ = seed_;  // The table's places depend on it.
  copy.labels_ = labels_;
  copy.label_begin_ = label_begin_;
  copy.parent_ = parent_;
  copy.slots_ = slots_;
  copy.tags_ = tags_;
  return copy;
}

void LabelTrie::Encode(FlatWriter* out) const {
  out->Count(seed_);
  out->Bytes(labels_);
  out->Array(label_begin_);
  out->Array(parent_);
  out->Array(slots_);
  out->Array(tags_);
  out->Array(child_begin_);
  out->Array(children_);
}

absl::StatusOr<LabelTrie> LabelTrie::Decode(FlatReader* in) {
  LabelTrie t;
  if (!in->Count(&t.seed_) || !in->Bytes(&t.labels_) || !in->Array(&t.label_begin_) ||
      !in->Array(&t.parent_) || !in->Array(&t.slots_) || !in->Array(&t.tags_) ||
      !in->Array(&t.child_begin_) || !in->Array(&t.children_)) {
    return absl::DataLossError("label trie: truncated");
  }
  const auto bad = [](absl::string_view what) {
    return absl::DataLossError(absl::StrCat("label trie: ", what));
  };
  // Nodes: the root first, every other node after its parent, each with a label.
  const size_t n = t.parent_.size();
  if (n == 0 || n >= kAbsent || t.parent_[0] != kAbsent) return bad("no root");
  if (t.label_begin_.size() != n + 1 || t.label_begin_[0] != 0 || t.label_begin_[1] != 0 ||
      t.label_begin_[n] != t.labels_.size()) {
    return bad("label offsets do not match the labels");
  }
  // Each label one a names::DomainName holds (1-63 of its characters, no dot) and each path
  // from the root a name of at most 253 octets: what the list hands out as a watched domain
  // is always a name, whatever the file holds.
  std::vector<uint32_t> name_length(n, 0);
  for (uint32_t i = 1; i < n; ++i) {
    if (t.parent_[i] >= i) return bad("a node comes before its parent");
    // Checked before the label is read: offsets that run past the labels and come back by the
    // last one (found by watchlist_index_fuzz) must not reach substr.
    if (t.label_begin_[i + 1] <= t.label_begin_[i] || t.label_begin_[i + 1] > t.labels_.size()) {
      return bad("an empty or misplaced label");
    }
    const absl::string_view label = absl::string_view(t.labels_).substr(
        t.label_begin_[i], t.label_begin_[i + 1] - t.label_begin_[i]);
    if (label.find('.') != absl::string_view::npos || !names::DomainName::IsNormalized(label)) {
      return bad(absl::StrCat("a label that is no DNS label: ", QuoteInput(label)));
    }
    name_length[i] = name_length[t.parent_[i]] + (t.parent_[i] == kRoot ? 0 : 1) + label.size();
    if (name_length[i] > names::DomainName::kMaxLength) {
      return bad("a name longer than 253 octets");
    }
  }
  // The table: a power of two long, with a free slot (Child stops at one), each node once.
  const size_t slots = t.slots_.size();
  if (slots < 16 || (slots & (slots - 1)) != 0 || t.tags_.size() != slots || n - 1 >= slots) {
    return bad("hash table of the wrong size");
  }
  std::vector<bool> seen(n, false);
  for (size_t s = 0; s < slots; ++s) {
    const uint32_t node = t.slots_[s];
    if ((t.tags_[s] == 0) != (node == kAbsent)) return bad("hash table tags do not match");
    if (node == kAbsent) continue;
    if (node == kRoot || node >= n || seen[node]) return bad("hash table holds a wrong node");
    seen[node] = true;
  }
  if (std::count(seen.begin(), seen.end(), true) != static_cast<ptrdiff_t>(n - 1)) {
    return bad("hash table misses a node");
  }
  // Children grouped by parent, each node once.
  if (t.child_begin_.size() != n + 1 || t.child_begin_[0] != 0 ||
      t.child_begin_[n] != t.children_.size() || t.children_.size() != n - 1 ||
      !std::is_sorted(t.child_begin_.begin(), t.child_begin_.end())) {
    return bad("child offsets do not match the nodes");
  }
  seen.assign(n, false);
  for (uint32_t p = 0; p < n; ++p) {
    for (uint32_t k = t.child_begin_[p]; k < t.child_begin_[p + 1]; ++k) {
      const uint32_t child = t.children_[k];
      if (child == kRoot || child >= n || seen[child] || t.parent_[child] != p) {
        return bad("a child listed under the wrong parent");
      }
      seen[child] = true;
    }
  }
  return t;
}

size_t LabelTrie::MemoryBytes() const {
  return labels_.capacity() + tags_.capacity() +
         sizeof(uint32_t) * (label_begin_.capacity() + parent_.capacity() + slots_.capacity() +
                             child_begin_.capacity() + children_.capacity());
}

}  // namespace caawatch::watch
