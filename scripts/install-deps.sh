#!/usr/bin/env bash
# Installs the Debian 12 packages caawatch needs to build, run and test. Idempotent.
#   --product   only what building and running the `caawatch` program needs (scripts/run.sh)
set -euo pipefail

product=(
  # build
  cmake make g++ pkg-config ccache git
  # libraries
  libabsl-dev libssl-dev libcurl4-openssl-dev nlohmann-json3-dev librocksdb-dev
  libprotobuf-dev protobuf-compiler libgrpc++-dev protobuf-compiler-grpc
  libunbound-dev libevent-dev dns-root-data libxxhash-dev
  # zone transfers: Knot DNS's libknot (message parsing, TSIG)
  libknot-dev
  # IDNA2008 with UTS #46 mapping for names/domain_name.cc
  libidn2-dev
  # the command line's parser (header-only: subcommands, typed options, generated help)
  libcli11-dev
  # /metrics: cpp-httplib, a small embedded HTTP(S) server on the OpenSSL caawatch already links
  libcpp-httplib-dev
  # caawatch's malloc (tcmalloc_minimal; cli/CMakeLists.txt says why)
  libgoogle-perftools-dev
  # systemd readiness and watchdog (sd_notify) for `caawatch run` under Type=notify
  libsystemd-dev
)
tests=(
  # tests: GoogleTest, a real DNS server, a static file server, a foreign gRPC client, zlib (a
  # hostile log's gzip bomb)
  libgtest-dev libgmock-dev libbenchmark-dev knot knot-dnsutils nginx-light zlib1g-dev
  python3 python3-grpcio python3-protobuf
  # notification tests: a real sendmail, SMTP server and certspotter to compare hooks with
  msmtp-mta python3-aiosmtpd certspotter
  # bench/soak.py: the simulated logs' signatures and the report's plots
  python3-cryptography python3-matplotlib
  # /metrics: promtool checks the exposition and the README's alert rules; a real Prometheus
  # server scrapes caawatch
  prometheus
  # evidence bundles: report.html rendered by a real browser, headless (no request, the timeline)
  chromium
  # fuzzing and formatting
  clang-14 libclang-rt-14-dev clang-format-14
  # the package and its checks (scripts/package-check.sh, tests/packaging): dpkg-shlibdeps,
  # lintian, man -l, systemd-analyze, openssl (a certificate's fingerprint)
  dpkg-dev lintian man-db systemd openssl
)

packages=("${product[@]}")
if [ "${1:-}" != "--product" ]; then packages+=("${tests[@]}"); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing: ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
