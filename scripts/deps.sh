# SPDX-License-Identifier: BSL-1.0
# Sourced by the other scripts: installs the Debian packages coflow needs that are missing.
# Usage: need_packages pkg...   (as root: apt-get installs them; otherwise prints the line and exits)

need_packages() {
  local missing=()
  local p
  for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "coflow needs these Debian packages; install them as root with:" >&2
    echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "coflow: installing missing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# What building the demo needs.
COFLOW_DEMO_PACKAGES=(g++ cmake ninja-build libboost-dev librange-v3-dev)
# What the whole test suite needs (both compilers, sanitizers, databases, benchmarks, pictures,
# pkg-config for the install tests; their .deb needs only dpkg-deb, which every system has).
COFLOW_TEST_PACKAGES=("${COFLOW_DEMO_PACKAGES[@]}" clang-16 libclang-rt-16-dev libc++-16-dev
  libc++abi-16-dev libgtest-dev googletest libbenchmark-dev libsqlite3-dev libpq-dev libssl-dev
  postgresql redis-server libhiredis-dev graphviz time clang-format-16 python3 pkg-config)
# What scripts/bench.sh needs besides: gnuplot renders the charts.
COFLOW_BENCH_PACKAGES=("${COFLOW_TEST_PACKAGES[@]}" gnuplot-nox)
