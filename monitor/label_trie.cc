#include "monitor/label_trie.h"

#include <algorithm>
#include <utility>

#include "absl/hash/hash.h"

namespace caawatch::monitor {

namespace {

// The tag of a hash: its top 7 bits, with the high bit set so that no tag is 0 (empty).
uint8_t Tag(size_t hash) { return static_cast<uint8_t>(0x80 | (hash >> (8 * sizeof(size_t) - 7))); }

}  // namespace

LabelTrie::LabelTrie() : label_begin_{0, 0}, parent_{kAbsent}, slots_(16, kAbsent), tags_(16, 0) {}

size_t LabelTrie::Hash(uint32_t parent, absl::string_view label) const {
  return absl::HashOf(parent, label);
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

size_t LabelTrie::MemoryBytes() const {
  return labels_.capacity() + tags_.capacity() +
         sizeof(uint32_t) * (label_begin_.capacity() + parent_.capacity() + slots_.capacity() +
                             child_begin_.capacity() + children_.capacity());
}

}  // namespace caawatch::monitor
