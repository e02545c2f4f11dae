// A real authoritative DNS server for tests: knotd (Knot DNS 3.2) on 127.0.0.1 with a port
// found at runtime, serving zones written from strings, in a private temp dir.
#ifndef CAAWATCH_TESTS_FAKES_DNS_KNOT_SERVER_H_
#define CAAWATCH_TESTS_FAKES_DNS_KNOT_SERVER_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace caawatch::fakes {

enum class ZoneSigning {
  kUnsigned,
  kSigned,  // Knot signs it (ECDSA P-256, NSEC) and keeps it signed.
  // Signed by Knot once, then served as a pre-signed zone with every RRSIG over a CAA RRset
  // corrupted (one base64 digit of the signature changed): a validator finds it bogus.
  kBrokenCaaSignature,
};

struct KnotZone {
  std::string origin;  // "example.test", no trailing dot; "" for the root zone.
  // Zone-file lines relative to `origin`, appended to a fixed header: $TTL 3600,
  // SOA (serial 1, the timers below), NS ns, ns A 127.0.0.1.
  std::string records;
  ZoneSigning signing = ZoneSigning::kUnsigned;
  bool allow_updates = false;  // RFC 2136 updates from 127.0.0.1, unauthenticated.
  // Zone transfers to 127.0.0.1 signed with this TSIG key, "ALGORITHM:NAME:BASE64SECRET" (the
  // form of `knsupdate -y`): AXFR, and IXFR from a journal of the zone's changes. "" = none.
  std::string transfer_key = {};
  // "127.0.0.1:PORT": Knot sends NOTIFY there when the zone changes (signed with transfer_key
  // when set). "" = no NOTIFY.
  std::string notify_to = {};
  // The DNSSEC algorithm Knot signs with, by its knot.conf name: ecdsap256sha256, rsasha256,
  // rsasha512, ecdsap384sha384, ed25519.
  std::string signing_algorithm = "ecdsap256sha256";
  // The SOA's refresh, retry, expire and minimum, in seconds.
  std::string soa_timers = "3600 600 86400 300";
};

// Not thread-safe; one per test suite is typical. The destructor stops knotd (SIGTERM, wait)
// and deletes the temp dir.
class KnotServer {
 public:
  // Writes config and zones, starts knotd and returns once every zone answers its SOA (and
  // DNSKEY for signed zones). kUnavailable if knotd fails to start or to load a zone within
  // 10 s; the message carries knotd's log.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<KnotServer>> Start(
      std::vector<KnotZone> zones);
  ~KnotServer();
  KnotServer(const KnotServer&) = delete;
  KnotServer& operator=(const KnotServer&) = delete;

  std::string address() const;  // "127.0.0.1:PORT", the form ResolverOptions::servers takes.
  int port() const { return port_; }
  // A file with the DS records of every signed zone, in zone-file format.
  const std::string& trust_anchor_file() const { return trust_anchor_file_; }
  // knotd's log so far (what it did with NOTIFYs, transfers and updates).
  std::string log() const;

  // Runs knsupdate against `zone` with `commands` (e.g. "update delete x.example.test. CAA\n
  // update add x.example.test. 60 CAA 0 issue \"ca.test\""); "send" is appended. Returns once
  // knotd has answered the update; kInternal if knsupdate fails.
  [[nodiscard]] absl::Status Update(absl::string_view zone, absl::string_view commands);
  // Sends `zone`'s NOTIFYs to `address` ("127.0.0.1:PORT") from now on: rewrites the config and
  // has knotd reload it. For a listener that binds port 0 and says which port it got, so that
  // no test races another process for a port picked in advance. kInternal if knotc fails.
  [[nodiscard]] absl::Status SetNotifyTo(absl::string_view zone, absl::string_view address);

 private:
  KnotServer(std::string dir, int port, std::vector<KnotZone> zones)
      : dir_(std::move(dir)), port_(port), zones_(std::move(zones)) {}

  absl::Status WriteConfig(bool sign_broken_zones) const;
  absl::Status Launch();
  absl::Status WaitUntilServing() const;
  void Stop();
  absl::Status BreakCaaSignatures(const KnotZone& zone);
  absl::Status ExportTrustAnchors();
  absl::Status RunTool(const std::vector<std::string>& argv, absl::string_view input,
                       std::string* output) const;
  std::string config_path() const { return dir_ + "/knot.conf"; }
  std::string zone_path(const KnotZone& zone) const {
    return dir_ + "/" + (zone.origin.empty() ? "root" : zone.origin) + ".zone";
  }

  std::string dir_;
  int port_;
  std::vector<KnotZone> zones_;
  std::string trust_anchor_file_;
  pid_t pid_ = -1;
};

}  // namespace caawatch::fakes

#endif  // CAAWATCH_TESTS_FAKES_DNS_KNOT_SERVER_H_
