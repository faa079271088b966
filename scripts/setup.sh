#!/usr/bin/env bash
# Installs everything Godwit needs on a Debian 12 machine (run as root, or with
# sudo available): LLVM 14 and the C toolchain, the wasm32-wasi C toolchain for
# test programs, reference tools (wabt, binaryen), the aarch64 cross toolchain
# and qemu, Deno, and the native build of npm llvm-bindings.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

APT_PACKAGES=(
  llvm-14 llvm-14-dev llvm-14-tools clang-14 libclang-rt-14-dev lld-14 cmake make g++ python3
  wasi-libc libclang-rt-14-dev-wasm32 wabt binaryen
  qemu-user gcc-aarch64-linux-gnu libc6-dev-arm64-cross
  zlib1g-dev libzstd-dev ca-certificates
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs npm libnode-dev); fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing apt packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v deno >/dev/null 2>&1; then
  echo "setup: installing Deno (npm package 'deno')"
  $SUDO npm install -g deno >/dev/null 2>&1
fi

# llvm-bindings compiles against LLVM 14; cmake-js must use the local Node
# headers instead of downloading them.
nodedir=/usr
if [ ! -f /usr/include/node/node_api.h ] && [ -f /usr/local/include/node/node_api.h ]; then
  nodedir=/usr/local
fi
addon=$(ls node_modules/.deno/llvm-bindings@*/node_modules/llvm-bindings/build/Release/llvm-bindings.node 2>/dev/null | head -n1 || true)
if [ -z "$addon" ]; then
  echo "setup: building npm llvm-bindings against LLVM 14 (about 1.5 minutes)"
  npm_config_nodedir=$nodedir deno install --allow-scripts=npm:llvm-bindings >/tmp/godwit-setup-deno-install.log 2>&1 || {
    tail -n 30 /tmp/godwit-setup-deno-install.log
    echo "setup: llvm-bindings build failed (log: /tmp/godwit-setup-deno-install.log)" >&2
    exit 1
  }
else
  deno install >/dev/null 2>&1 || true
fi
echo "setup: done ($(deno --version | head -n1), $(llc-14 --version | grep -m1 'LLVM version' | sed 's/^ *//'))"
