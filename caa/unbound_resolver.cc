#include "caa/unbound_resolver.h"

#include <arpa/inet.h>
#include <poll.h>
#include <unbound.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <list>
#include <memory>
#include <optional>

#include "absl/memory/memory.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/quoted_input.h"
#include "base/status_macros.h"
#include "caa/caa_record.h"
#include "caa/dns_message.h"
#include "names/domain_name.h"

namespace caawatch::caa {
namespace {

struct UbCtxDeleter {
  void operator()(ub_ctx* ctx) const { ub_ctx_delete(ctx); }  // Also joins the worker thread.
};
using UniqueUbCtx = std::unique_ptr<ub_ctx, UbCtxDeleter>;
struct UbResultDeleter {
  void operator()(ub_result* result) const { ub_resolve_free(result); }
};
using UniqueUbResult = std::unique_ptr<ub_result, UbResultDeleter>;

// Zones unbound 1.17 answers locally by default (test., invalid.) plus the other special-use
// names caawatch users keep private zones under; "transparent" passes queries for names
// without local data (all of them) on to the forwarders.
constexpr const char* kSpecialUseZones[] = {"test.",     "invalid.", "example.",
                                            "internal.", "local.",   "home.arpa."};

bool IsIpAddress(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

absl::Status UbStatus(int err, absl::string_view what) {
  if (err == 0) return absl::OkStatus();
  return absl::InternalError(absl::StrCat(what, ": ", ub_strerror(err)));
}

// A fresh context: forwarders, special-use zones, DNSSEC, transport. No state is shared
// between lookups (see the class comment).
absl::StatusOr<UniqueUbCtx> NewContext(const ResolverOptions& options,
                                       const std::vector<std::string>& forwarders, bool tcp) {
  UniqueUbCtx ctx(ub_ctx_create());
  if (ctx == nullptr) return absl::InternalError("ub_ctx_create failed");
  ub_ctx* c = ctx.get();
  CAAWATCH_RETURN_IF_ERROR(UbStatus(ub_ctx_async(c, 1), "ub_ctx_async"));  // Thread, not fork.
  if (forwarders.empty()) {
    CAAWATCH_RETURN_IF_ERROR(UbStatus(ub_ctx_resolvconf(c, nullptr), "resolv.conf"));
  }
  for (const std::string& forwarder : forwarders) {
    CAAWATCH_RETURN_IF_ERROR(UbStatus(ub_ctx_set_fwd(c, forwarder.c_str()), forwarder));
  }
  for (const char* zone : kSpecialUseZones) {
    const std::string value = absl::StrCat(zone, " transparent");
    CAAWATCH_RETURN_IF_ERROR(UbStatus(ub_ctx_set_option(c, "local-zone:", value.c_str()), zone));
  }
  // Report the TTL the server sent, not one adjusted by unbound's min/max TTL clamps.
  CAAWATCH_RETURN_IF_ERROR(
      UbStatus(ub_ctx_set_option(c, "serve-original-ttl:", "yes"), "serve-original-ttl"));
  // A context may serve many names (LookupMany): a name's answer must come from its own query,
  // not from a parent's NXDOMAIN cached by another name's (RFC 8020).
  CAAWATCH_RETURN_IF_ERROR(
      UbStatus(ub_ctx_set_option(c, "harden-below-nxdomain:", "no"), "harden-below-nxdomain"));
  if (tcp) CAAWATCH_RETURN_IF_ERROR(UbStatus(ub_ctx_set_option(c, "tcp-upstream:", "yes"), "tcp"));
  if (options.dnssec) {
    CAAWATCH_RETURN_IF_ERROR(
        UbStatus(ub_ctx_add_ta_file(c, options.trust_anchor_file.c_str()), "trust anchor"));
  } else {
    CAAWATCH_RETURN_IF_ERROR(
        UbStatus(ub_ctx_set_option(c, "module-config:", "iterator"), "module-config"));
  }
  return ctx;
}

struct Attempt {
  bool done = false;
  int err = 0;
  UniqueUbResult result;
};

void OnResult(void* arg, int err, ub_result* result) {
  auto* attempt = static_cast<Attempt*>(arg);
  attempt->done = true;
  attempt->err = err;
  attempt->result.reset(result);
}

// Runs one query in `ctx`'s worker thread and waits at most `timeout` for it. Returns
// kDeadlineExceeded on timeout; the query is cancelled.
absl::StatusOr<Attempt> ResolveOnce(ub_ctx* ctx, const std::string& qname, absl::Duration timeout) {
  Attempt attempt;
  int async_id = 0;
  CAAWATCH_RETURN_IF_ERROR(UbStatus(
      ub_resolve_async(ctx, qname.c_str(), kDnsTypeCaa, kDnsClassIn, &attempt, OnResult, &async_id),
      "ub_resolve_async"));
  // A monotonic deadline for the transport, like a socket timeout; not domain time.
  const auto deadline = std::chrono::steady_clock::now() + absl::ToChronoMilliseconds(timeout);
  while (!attempt.done) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ub_cancel(ctx, async_id);
      return absl::DeadlineExceededError(
          absl::StrCat("no answer within ", absl::FormatDuration(timeout)));
    }
    pollfd pfd{ub_fd(ctx), POLLIN, 0};
    const int ready = poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno != EINTR) return absl::InternalError(std::strerror(errno));
    if (ready > 0) CAAWATCH_RETURN_IF_ERROR(UbStatus(ub_process(ctx), "ub_process"));
  }
  return attempt;
}

LookupOutcome OutcomeFromRcode(int rcode) {
  switch (rcode) {
    case 0:
      return LookupOutcome::kNoError;
    case 2:
      return LookupOutcome::kServFail;
    case 3:
      return LookupOutcome::kNxDomain;
    case 5:
      return LookupOutcome::kRefused;
    default:
      return LookupOutcome::kOtherError;
  }
}

// What a user reads for an rcode that is not an answer. libunbound answers SERVFAIL itself when
// the server it forwards to never replies, so that one cannot be told apart from a server's own.
std::string RcodeError(int rcode) {
  switch (rcode) {
    case 2:
      return "the DNS server failed or did not answer";
    case 5:
      return "the DNS server refused the query";
    default:
      return absl::StrCat("the DNS server answered rcode ", rcode);
  }
}

// The alias chain from the answer section, and the TTL: the CAA RRset's at the chain's end,
// else the negative TTL min(SOA TTL, SOA MINIMUM) (RFC 2308 §5) from the authority section,
// else 0.
absl::Status ReadPacketEvidence(absl::string_view packet, CaaAnswer* answer) {
  CAAWATCH_ASSIGN_OR_RETURN(const DnsMessage message, ParseDnsMessage(packet));
  std::string current = answer->qname;
  for (size_t hops = 0; hops < message.answers.size(); ++hops) {
    auto cname = std::find_if(message.answers.begin(), message.answers.end(), [&](const auto& rr) {
      return rr.type == kDnsTypeCname && rr.name == current;
    });
    if (cname == message.answers.end()) break;
    current = cname->target;
    answer->cname_chain.push_back(current);
  }
  std::optional<uint32_t> ttl;
  for (const DnsResourceRecord& rr : message.answers) {
    if (rr.type == kDnsTypeCaa && rr.name == current) ttl = std::min(ttl.value_or(rr.ttl), rr.ttl);
  }
  for (const DnsResourceRecord& rr : message.authorities) {
    if (!ttl.has_value() && rr.type == kDnsTypeSoa) ttl = std::min(rr.ttl, rr.soa_minimum);
  }
  answer->ttl = ttl.value_or(0);
  return absl::OkStatus();
}

// Fills everything but qname and observed_at from a completed query.
void FillAnswer(const ub_result& result, bool dnssec, CaaAnswer* answer) {
  answer->rcode = result.rcode;
  answer->outcome = OutcomeFromRcode(result.rcode);
  if (result.answer_packet != nullptr && result.answer_len > 0) {
    answer->raw_answer.assign(static_cast<const char*>(result.answer_packet), result.answer_len);
  }
  if (result.bogus) {
    answer->outcome = LookupOutcome::kBogus;
    answer->dnssec = DnssecStatus::kBogus;
    answer->error = result.why_bogus != nullptr ? result.why_bogus : "DNSSEC bogus";
    return;
  }
  if (!answer->is_answer()) {
    answer->error = RcodeError(result.rcode);
    return;
  }
  answer->dnssec = !dnssec         ? DnssecStatus::kOff
                   : result.secure ? DnssecStatus::kSecure
                                   : DnssecStatus::kInsecure;
  for (int i = 0; result.havedata && result.data[i] != nullptr; ++i) {
    absl::StatusOr<CaaRecord> record = ParseCaaRdata(absl::MakeConstSpan(
        reinterpret_cast<const uint8_t*>(result.data[i]), static_cast<size_t>(result.len[i])));
    if (!record.ok()) {
      answer->outcome = LookupOutcome::kOtherError;
      answer->error = std::string(record.status().message());
      answer->records.clear();
      return;
    }
    answer->records.push_back(*std::move(record));
  }
  if (const absl::Status s = ReadPacketEvidence(answer->raw_answer, answer); !s.ok()) {
    answer->outcome = LookupOutcome::kOtherError;
    answer->error = std::string(s.message());
  }
}

}  // namespace

absl::StatusOr<std::string> UnboundForwarder(absl::string_view server) {
  std::string host(server);
  std::string port = "53";
  if (absl::ConsumePrefix(&server, "[")) {
    const size_t close = server.find(']');
    if (close == absl::string_view::npos) return absl::InvalidArgumentError("unclosed '['");
    host = std::string(server.substr(0, close));
    absl::string_view rest = server.substr(close + 1);
    if (!rest.empty() && !absl::ConsumePrefix(&rest, ":")) {
      return absl::InvalidArgumentError("junk after ']'");
    }
    if (!rest.empty()) port = std::string(rest);
  } else if (std::count(server.begin(), server.end(), ':') == 1) {
    const size_t colon = server.find(':');
    host = std::string(server.substr(0, colon));
    port = std::string(server.substr(colon + 1));
  }
  int port_number = 0;
  if (!absl::SimpleAtoi(port, &port_number) || port_number < 1 || port_number > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("bad port '", port, "'"));
  }
  if (!IsIpAddress(host)) {
    return absl::InvalidArgumentError(absl::StrCat("'", host, "' is not an IP address"));
  }
  return absl::StrCat(host, "@", port_number);
}

absl::StatusOr<std::unique_ptr<UnboundResolver>> UnboundResolver::Create(
    const ResolverOptions& options, const Clock* clock) {
  if (options.retries < 0) return absl::InvalidArgumentError("retries must be >= 0");
  if (options.max_in_flight < 1) return absl::InvalidArgumentError("max_in_flight must be >= 1");
  if (options.contexts < 1) return absl::InvalidArgumentError("contexts must be >= 1");
  if (options.timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("timeout must be positive");
  }
  std::vector<std::string> forwarders;
  for (const std::string& server : options.servers) {
    absl::StatusOr<std::string> forwarder = UnboundForwarder(server);
    if (!forwarder.ok()) return Annotate(forwarder.status(), "server '" + server + "'");
    forwarders.push_back(*std::move(forwarder));
  }
  ResolverOptions resolved = options;
  if (resolved.dnssec && resolved.trust_anchor_file.empty()) {
    resolved.trust_anchor_file = kDebianRootTrustAnchor;
  }
  if (resolved.dnssec && !std::ifstream(resolved.trust_anchor_file).good()) {
    // errno is the failed open's: what the user has to fix (missing, permission denied).
    return absl::InvalidArgumentError(absl::StrCat("trust anchor file ",
                                                   QuoteInput(resolved.trust_anchor_file),
                                                   ": cannot open: ", std::strerror(errno)));
  }
  // Finalize a throwaway context now (zone_add does), so a trust anchor file unbound cannot
  // parse fails here rather than in every Lookup.
  CAAWATCH_ASSIGN_OR_RETURN(UniqueUbCtx probe, NewContext(resolved, forwarders, false));
  if (const int err = ub_ctx_zone_add(probe.get(), "test.", "transparent"); err != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("libunbound rejects the configuration (trust anchor ",
                     resolved.trust_anchor_file, "?): ", ub_strerror(err)));
  }
  return absl::WrapUnique(new UnboundResolver(std::move(resolved), std::move(forwarders), clock));
}

CaaAnswer UnboundResolver::Lookup(const names::DomainName& qname) {
  CaaAnswer answer;
  answer.qname = qname.str();
  absl::Status last = absl::OkStatus();
  for (int attempt = 0; attempt <= options_.retries; ++attempt) {
    const bool tcp = options_.tcp_fallback && attempt > 0;  // Only reached after a timeout.
    absl::StatusOr<UniqueUbCtx> ctx = NewContext(options_, forwarders_, tcp);
    if (!ctx.ok()) {
      last = ctx.status();
      break;
    }
    absl::StatusOr<Attempt> done = ResolveOnce(ctx->get(), answer.qname, options_.timeout);
    last = done.status();
    if (done.ok() && done->err != 0) last = UbStatus(done->err, "resolve");
    if (done.ok() && done->err == 0) FillAnswer(*done->result, options_.dnssec, &answer);
    if (!absl::IsDeadlineExceeded(last)) break;
  }
  if (!last.ok()) {
    answer.outcome =
        absl::IsDeadlineExceeded(last) ? LookupOutcome::kTimeout : LookupOutcome::kOtherError;
    answer.error = std::string(last.message());
  }
  answer.observed_at = clock_->Now();
  return answer;
}

void UnboundResolver::MarkCancelled(size_t index, std::vector<CaaAnswer>* answers) const {
  (*answers)[index].outcome = LookupOutcome::kOtherError;
  (*answers)[index].error = "cancelled";
  (*answers)[index].observed_at = clock_->Now();
}

std::vector<CaaAnswer> UnboundResolver::LookupMany(absl::Span<const names::DomainName> qnames,
                                                   const std::function<bool()>& cancelled) {
  std::vector<CaaAnswer> answers(qnames.size());
  std::vector<size_t> pending(qnames.size());
  for (size_t i = 0; i < qnames.size(); ++i) {
    answers[i].qname = qnames[i].str();
    pending[i] = i;
  }
  for (int attempt = 0; attempt <= options_.retries && !pending.empty(); ++attempt) {
    const bool tcp = options_.tcp_fallback && attempt > 0;  // Only reached after a timeout.
    pending = ResolveRound(pending, tcp, cancelled, &answers);
  }
  for (size_t i : pending) {
    answers[i].outcome = LookupOutcome::kTimeout;
    answers[i].error = absl::StrCat("no answer within ", absl::FormatDuration(options_.timeout));
    answers[i].observed_at = clock_->Now();
  }
  return answers;
}

namespace {

// One query of a LookupMany round. Its callback moves it to the round's `finished` list, so a
// wakeup costs what was answered, not what is outstanding.
struct RoundQuery {
  size_t index;    // Into the answers.
  size_t context;  // Into the round's contexts.
  int async_id = 0;
  std::chrono::steady_clock::time_point deadline;  // Transport timeout, not domain time.
  std::list<RoundQuery>::iterator self;            // Its place in the in-flight list.
  std::vector<RoundQuery*>* finished;
  int err = 0;
  UniqueUbResult result;
};

void OnRoundResult(void* arg, int err, ub_result* result) {
  auto* query = static_cast<RoundQuery*>(arg);
  query->err = err;
  query->result.reset(result);
  query->finished->push_back(query);
}

}  // namespace

std::vector<size_t> UnboundResolver::ResolveRound(const std::vector<size_t>& pending, bool tcp,
                                                  const std::function<bool()>& cancelled,
                                                  std::vector<CaaAnswer>* answers) {
  const auto fail = [&](size_t index, const absl::Status& status) {
    (*answers)[index].outcome = LookupOutcome::kOtherError;
    (*answers)[index].error = std::string(status.message());
    (*answers)[index].observed_at = clock_->Now();
  };
  // Each context has its own libunbound worker thread, so several use several cores; a small
  // round gets one (more would cost a context and a thread for little).
  const size_t window = static_cast<size_t>(options_.max_in_flight);
  const size_t context_count = std::clamp<size_t>((pending.size() + window - 1) / window, 1,
                                                  static_cast<size_t>(options_.contexts));
  std::vector<UniqueUbCtx> contexts;
  for (size_t c = 0; c < context_count; ++c) {
    absl::StatusOr<UniqueUbCtx> ctx = NewContext(options_, forwarders_, tcp);
    if (!ctx.ok()) {
      for (size_t i : pending) fail(i, ctx.status());
      return {};
    }
    contexts.push_back(*std::move(ctx));
  }
  std::vector<size_t> load(context_count, 0);  // Queries in flight per context.
  std::vector<pollfd> fds(context_count);
  for (size_t c = 0; c < context_count; ++c) fds[c] = {ub_fd(contexts[c].get()), POLLIN, 0};
  std::list<RoundQuery> in_flight;  // In start order, so by deadline too.
  std::vector<RoundQuery*> finished;
  std::vector<size_t> timed_out;
  // Every exit goes through here: cancels what is still outstanding (no callback comes after
  // ub_cancel) before the contexts are deleted.
  const auto abandon = [&](const absl::Status& why) {
    for (RoundQuery& q : in_flight) {
      ub_cancel(contexts[q.context].get(), q.async_id);
      if (why.ok()) {
        MarkCancelled(q.index, answers);
      } else {
        fail(q.index, why);
      }
    }
  };
  size_t next = 0;
  while (next < pending.size() || !in_flight.empty()) {
    for (size_t c = 0; c < context_count; ++c) {
      while (next < pending.size() && load[c] < window) {
        RoundQuery& q = in_flight.emplace_back();
        q.index = pending[next++];
        q.context = c;
        q.deadline =
            std::chrono::steady_clock::now() + absl::ToChronoMilliseconds(options_.timeout);
        q.self = std::prev(in_flight.end());
        q.finished = &finished;
        const std::string& qname = (*answers)[q.index].qname;
        const int err = ub_resolve_async(contexts[c].get(), qname.c_str(), kDnsTypeCaa, kDnsClassIn,
                                         &q, OnRoundResult, &q.async_id);
        if (err != 0) {
          fail(q.index, UbStatus(err, "ub_resolve_async"));
          in_flight.pop_back();
          continue;
        }
        ++load[c];
      }
    }
    if (in_flight.empty()) continue;
    if (cancelled && cancelled()) {
      abandon(absl::OkStatus());
      for (; next < pending.size(); ++next) MarkCancelled(pending[next], answers);
      return {};
    }
    // Waits for the first deadline, but wakes at least every 200 ms to see a cancellation.
    const auto left = std::min<std::chrono::milliseconds>(
        std::chrono::duration_cast<std::chrono::milliseconds>(in_flight.front().deadline -
                                                              std::chrono::steady_clock::now()),
        std::chrono::milliseconds(200));
    const int ready =
        poll(fds.data(), fds.size(), static_cast<int>(std::max<int64_t>(left.count(), 0)));
    if (ready < 0 && errno != EINTR) {
      abandon(absl::InternalError(std::strerror(errno)));
      return timed_out;
    }
    for (size_t c = 0; ready > 0 && c < context_count; ++c) {
      if ((fds[c].revents & POLLIN) == 0) continue;
      if (const absl::Status s = UbStatus(ub_process(contexts[c].get()), "ub_process"); !s.ok()) {
        abandon(s);
        return timed_out;
      }
    }
    for (RoundQuery* q : finished) {
      if (q->err != 0) {
        fail(q->index, UbStatus(q->err, "resolve"));
      } else {
        CaaAnswer& answer = (*answers)[q->index];
        FillAnswer(*q->result, options_.dnssec, &answer);
        answer.observed_at = clock_->Now();
      }
      --load[q->context];
      in_flight.erase(q->self);
    }
    finished.clear();
    const auto now = std::chrono::steady_clock::now();
    while (!in_flight.empty() && now >= in_flight.front().deadline) {
      RoundQuery& q = in_flight.front();
      ub_cancel(contexts[q.context].get(), q.async_id);  // No callback comes after this.
      timed_out.push_back(q.index);
      --load[q.context];
      in_flight.pop_front();
    }
  }
  return timed_out;
}

}  // namespace caawatch::caa
