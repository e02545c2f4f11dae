// A set of domain names as a trie of labels, compact enough for watchlists of millions of
// names: a node is its label (in one shared arena) and its parent, and a node's child is found
// by hashing (parent, label), so walking a name costs one probe per label and builds no string.
#ifndef CAAWATCH_WATCH_LABEL_TRIE_H_
#define CAAWATCH_WATCH_LABEL_TRIE_H_

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "watch/flat_arrays.h"

namespace caawatch::watch {

class LabelTrie {
 public:
  static constexpr uint32_t kRoot = 0;  // The empty name; every other node descends from it.
  static constexpr uint32_t kAbsent = std::numeric_limits<uint32_t>::max();

  // A trie with the root alone, hashing under a random seed (so that nobody can choose names
  // that collide), which Encode keeps.
  LabelTrie();
  LabelTrie(LabelTrie&&) = default;
  LabelTrie& operator=(LabelTrie&&) = default;

  // The node of `domain` (labels separated by '.', no trailing dot; "" is the root), created
  // with every missing ancestor. Node ids are dense and stable. Precondition: not Frozen().
  uint32_t Insert(absl::string_view domain);
  // Room for `nodes` nodes and `label_bytes` of labels without rehashing (a large watchlist
  // file: the table is otherwise doubled and rebuilt some twenty times).
  void Reserve(size_t nodes, size_t label_bytes);
  // Ends insertion and lays out every node's children for Children(); frees build slack.
  void Freeze();
  bool Frozen() const { return !child_begin_.empty(); }

  // The child of `node` labelled `label`, or kAbsent.
  uint32_t Child(uint32_t node, absl::string_view label) const;
  // The node of `domain`, or kAbsent (same syntax as Insert).
  uint32_t Find(absl::string_view domain) const;
  // Precondition: Frozen().
  absl::Span<const uint32_t> Children(uint32_t node) const;
  absl::string_view Label(uint32_t node) const;
  uint32_t Parent(uint32_t node) const { return parent_[node]; }  // kAbsent for the root.
  // The node's whole name, e.g. "www.example.com"; "" for the root.
  std::string Domain(uint32_t node) const;

  size_t size() const { return parent_.size(); }  // Nodes, the root included.

  // A copy that takes inserts: the same nodes, numbers and table, without Freeze()'s layout.
  LabelTrie ThawedCopy() const;

  // The whole trie, hash table included, for Decode in another process. Precondition: Frozen().
  void Encode(FlatWriter* out) const;
  // A frozen trie from what Encode wrote. kDataLoss for anything else that does not describe a
  // trie: every array is checked, and every label (a names::DomainName's label, each node's name
  // at most 253 octets), so the result is safe to use and holds only names whatever the input.
  [[nodiscard]] static absl::StatusOr<LabelTrie> Decode(FlatReader* in);
  // Heap bytes held (capacities, not sizes): what the trie costs in memory.
  size_t MemoryBytes() const;

 private:
  size_t Hash(uint32_t parent, absl::string_view label) const;
  void Place(uint32_t node, size_t hash);
  void Grow();

  uint64_t seed_;                      // Of Hash.
  std::string labels_;                 // Every node's label, back to back.
  std::vector<uint32_t> label_begin_;  // Node i's label is [label_begin_[i], label_begin_[i+1]).
  std::vector<uint32_t> parent_;
  // Open addressing with linear probing, a power of two long and at most 3/4 full: node ids,
  // 4 bytes a slot where a hash map of strings would hold a string per name, and beside them
  // one byte of each occupant's hash (0 = empty), so a probe that passes other names reads
  // that byte rather than their parents and labels (each a cache miss in a large trie).
  std::vector<uint32_t> slots_;
  std::vector<uint8_t> tags_;
  std::vector<uint32_t>
      child_begin_;  // After Freeze: node i's children are children_[b[i], b[i+1]).
  std::vector<uint32_t> children_;
};

}  // namespace caawatch::watch

#endif  // CAAWATCH_WATCH_LABEL_TRIE_H_
