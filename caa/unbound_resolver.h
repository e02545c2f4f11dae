// CaaResolver over libunbound (1.17): forwarding to configured servers or the system
// resolv.conf, with optional DNSSEC validation (RFC 4035 §4.3 statuses).
#ifndef CAAWATCH_CAA_UNBOUND_RESOLVER_H_
#define CAAWATCH_CAA_UNBOUND_RESOLVER_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "caa/resolver.h"

namespace caawatch::caa {

// Debian's dns-root-data trust anchor, used when DNSSEC is on and no file is given.
inline constexpr char kDebianRootTrustAnchor[] = "/usr/share/dns/root.key";

struct ResolverOptions {
  // Upstream servers, each "IP", "IP:PORT", "[IPv6]" or "[IPv6]:PORT" (port 53 by default).
  // Queries are forwarded to them with RD set; they may be recursive resolvers or the
  // authoritative server of every zone asked about (unbound accepts authoritative answers
  // from a forwarder). Empty: the nameservers of /etc/resolv.conf.
  std::vector<std::string> servers;
  // Validate DNSSEC. Off: unbound runs without its validator and every answer's status is
  // kIndeterminate.
  bool dnssec = true;
  // DS or DNSKEY records in zone-file format. Empty: kDebianRootTrustAnchor (package
  // dns-root-data); libunbound has no built-in anchor. Names outside every anchor are
  // kInsecure.
  std::string trust_anchor_file;
  // Bound on one attempt; Lookup takes at most (1 + retries) * timeout.
  absl::Duration timeout = absl::Seconds(5);
  // Further attempts after a timed-out one (a SERVFAIL or other answer is not retried).
  int retries = 1;
  // LookupMany: queries outstanding at once in one context (unbound's own limit per thread is
  // 1024).
  int max_in_flight = 100;
  // LookupMany: contexts a round's queries are spread over, each with its own libunbound
  // worker thread (sending, receiving, validating), so a large batch uses several cores. A
  // round of at most max_in_flight names uses one.
  int contexts = 2;
  // Retries after a timeout go over TCP (a server dropping UDP may still answer TCP).
  // Truncated UDP answers are always retried over TCP by unbound itself. Note: if the TCP
  // connection is refused, unbound reports its own SERVFAIL (kServFail), not kTimeout.
  bool tcp_fallback = true;
};

// Thread-safe. Each Lookup runs in a fresh libunbound context, so nothing is cached between
// lookups: caawatch records authoritative observations, and unbound's cache would both serve
// a stale RRset after a change and rewrite TTLs (cache-max-ttl caps the TTL it reports). The
// price is re-fetching the DNSKEY chain per lookup, which the upstream resolver caches.
// The built-in local zones of the special-use TLDs (test., invalid., example., internal.,
// local., home.arpa.) are made transparent, so those names are resolved upstream like any
// other (libunbound 1.17 ignores "nodefault" given through ub_ctx_set_option).
// A DNS server as given to --dns-server ("IP", "IP:PORT", "[IPv6]", "[IPv6]:PORT" or a bare
// IPv6 address; port 53 by default) as unbound's forwarder "IP@PORT". kInvalidArgument for a
// name, a bad port or junk.
[[nodiscard]] absl::StatusOr<std::string> UnboundForwarder(absl::string_view server);

class UnboundResolver final : public CaaResolver {
 public:
  // kInvalidArgument: a malformed server, a negative retry count, a non-positive timeout,
  // max_in_flight or contexts, or a trust anchor file that is unreadable or that libunbound cannot
  // parse. `clock` (borrowed, must outlive the resolver) stamps CaaAnswer::observed_at.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<UnboundResolver>> Create(
      const ResolverOptions& options, const Clock* clock);

  CaaAnswer Lookup(const names::DomainName& qname) override;
  // Spread over up to `contexts` fresh contexts per attempt, up to max_in_flight queries at
  // once in each, each query with its own timeout, and the timed-out ones retried (over TCP
  // with tcp_fallback) like Lookup's. The contexts live for one call, so what unbound caches
  // is shared by distinct names of one batch (in one context) only, for seconds: the DNSKEY chain,
  // and a CNAME target's RRset (its TTL served as received, serve-original-ttl). Each name's own
  // answer is fetched, not inferred from a parent's NXDOMAIN (harden-below-nxdomain off); with
  // DNSSEC on, libunbound's aggressive NSEC (RFC 8198, which ub_ctx_set_option cannot turn off) may
  // answer a name from another name's validated denial of the same batch: a secure NXDOMAIN all the
  // same.
  std::vector<CaaAnswer> LookupMany(absl::Span<const names::DomainName> qnames,
                                    const std::function<bool()>& cancelled = {}) override;

 private:
  // One attempt at the names `pending` (indices into `answers`); returns those that timed out.
  // When `cancelled` turns true, the outstanding queries are cancelled and every name not yet
  // answered is marked so (MarkCancelled); nothing is returned to retry.
  std::vector<size_t> ResolveRound(const std::vector<size_t>& pending, bool tcp,
                                   const std::function<bool()>& cancelled,
                                   std::vector<CaaAnswer>* answers);
  void MarkCancelled(size_t index, std::vector<CaaAnswer>* answers) const;

  UnboundResolver(ResolverOptions options, std::vector<std::string> forwarders, const Clock* clock)
      : options_(std::move(options)), forwarders_(std::move(forwarders)), clock_(clock) {}

  ResolverOptions options_;              // trust_anchor_file resolved; immutable.
  std::vector<std::string> forwarders_;  // "IP@PORT", unbound's form; immutable.
  const Clock* clock_;
};

}  // namespace caawatch::caa

#endif  // CAAWATCH_CAA_UNBOUND_RESOLVER_H_
