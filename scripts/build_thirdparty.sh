#!/usr/bin/env bash
# Builds the third-party C programs (vendored under testdata/thirdparty/, not written by us) and
# records their expected behaviour, independently of Godwit.
#
#   scripts/build_thirdparty.sh
#
# - each program -> testdata/wasm/NAME.wasm (clang-14 --target=wasm32-wasi -O2) and a native
#   build (clang-14 -O2) of the same sources with the same flags;
# - testdata/inputs/thirdparty/zlib/zlib.h.z: zlib.h compressed by the native zpipe (input of the
#   decompression case);
# - for every case of testdata/thirdparty/cases.json, testdata/expected/thirdparty/CASE.{stdout,
#   exitcode[,stderr][,files]} from the NATIVE run (same arguments, stdin file, a fresh copy of the
#   case's directory as the working directory, empty environment). The .wasm is also run on Node
#   (V8 + uvwasi, testdata/tools/wasi_oracle.mjs) and must agree byte for byte, exit code and
#   stderr included, and leave the same files.
# Deterministic and re-runnable; builds nothing from the network.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TD="$ROOT/testdata"
TP="$TD/thirdparty"
CASES="$TP/cases.json"
EXPECTED="$TD/expected/thirdparty"
ORACLE=(node --no-warnings "$TD/tools/wasi_oracle.mjs")
WORK="$(mktemp -d "${TMPDIR:-/tmp}/godwit-thirdparty.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

for tool in clang-14 node jq cmp; do
  command -v "$tool" >/dev/null || { echo "build_thirdparty: '$tool' not found" >&2; exit 1; }
done

# build NAME "CFLAGS..." "WASM-ONLY FLAGS..." SOURCES...: the .wasm and $WORK/native/NAME.
build() {
  local name="$1" cflags="$2" wasm_flags="$3"
  shift 3
  echo "building $name"
  # shellcheck disable=SC2086 # the flag strings are word lists
  clang-14 --target=wasm32-wasi -O2 -w $cflags $wasm_flags -o "$TD/wasm/$name.wasm" "$@" -lm
  # shellcheck disable=SC2086
  clang-14 -O2 -w $cflags -o "$WORK/native/$name" "$@" -lm
}

mkdir -p "$TD/wasm" "$WORK/native" "$TD/inputs/thirdparty/zlib"
rm -rf "$EXPECTED"
mkdir -p "$EXPECTED"

LUA="$TP/lua"
build lua "-I$LUA/src -I$LUA/compat -include $LUA/compat/godwit_lua_compat.h" \
  "-D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_PROCESS_CLOCKS -lwasi-emulated-signal -lwasi-emulated-process-clocks" \
  "$LUA"/src/*.c "$LUA/compat/godwit_lua_compat.c"
build zpipe "-I$TP/zlib/src" "" "$TP"/zlib/src/*.c
BN="$TP/tinybignum/src"
build bignum_golden "-I$BN" "" "$BN/bn.c" "$BN/golden.c"
build bignum_factorial "-I$BN" "" "$BN/bn.c" "$BN/factorial.c"

"$WORK/native/zpipe" <"$TP/zlib/src/zlib.h" >"$TD/inputs/thirdparty/zlib/zlib.h.z"

failures=0
fail() {
  echo "  FAIL: $*" >&2
  failures=$((failures + 1))
}

# What a directory holds: "dir/" and "file size" lines, sorted bytewise (as tests/thirdparty_test.ts).
list_tree() {
  (cd "$1" && find . -mindepth 1 \( -type d -printf '%P/\n' -o -type f -printf '%P %s\n' \) | LC_ALL=C sort)
}

count="$(jq '.cases | length' "$CASES")"
for ((i = 0; i < count; i++)); do
  case_json="$(jq -c ".cases[$i]" "$CASES")"
  name="$(jq -r '.name' <<<"$case_json")"
  program="$(jq -r '.program' <<<"$case_json")"
  stdin_file="$(jq -r '.stdin // ""' <<<"$case_json")"
  seed_dir="$(jq -r '.dir // ""' <<<"$case_json")"
  mapfile -t args < <(jq -r '.args // [] | .[]' <<<"$case_json")
  stdin_path=/dev/null
  [[ -n "$stdin_file" ]] && stdin_path="$TD/$stdin_file"
  echo "case $name"

  native_dir="$WORK/run/$name.native"
  oracle_dir="$WORK/run/$name.node"
  mkdir -p "$native_dir" "$oracle_dir"
  if [[ -n "$seed_dir" ]]; then
    cp -r "$TD/$seed_dir/." "$native_dir/"
    cp -r "$TD/$seed_dir/." "$oracle_dir/"
  fi
  set +e
  (cd "$native_dir" && env -i "$WORK/native/$program" "${args[@]}") \
    <"$stdin_path" >"$EXPECTED/$name.stdout" 2>"$WORK/$name.native.stderr"
  rc=$?
  (cd "$oracle_dir" && "${ORACLE[@]}" --dir "$oracle_dir::." "$TD/wasm/$program.wasm" -- "${args[@]}") \
    <"$stdin_path" >"$WORK/$name.node.stdout" 2>"$WORK/$name.node.stderr"
  oracle_rc=$?
  set -e
  # (None of these programs exits with 129..159 by itself: that range means death by a signal.)
  ((rc < 129 || rc > 159)) || fail "$name: native run died by a signal (exit code $rc)"
  cmp -s "$EXPECTED/$name.stdout" "$WORK/$name.node.stdout" || fail "$name: native and Node stdout differ"
  cmp -s "$WORK/$name.native.stderr" "$WORK/$name.node.stderr" ||
    fail "$name: native and Node stderr differ: $(diff "$WORK/$name.native.stderr" "$WORK/$name.node.stderr" | head -5)"
  [[ "$oracle_rc" == "$rc" ]] || fail "$name: native exit code $rc, Node $oracle_rc"
  if [[ -s "$WORK/$name.native.stderr" ]]; then
    cp "$WORK/$name.native.stderr" "$EXPECTED/$name.stderr"
  fi
  if [[ -n "$seed_dir" ]]; then
    diff -r "$native_dir" "$oracle_dir" >/dev/null ||
      fail "$name: the directory contents after the native and Node runs differ"
    list_tree "$native_dir" >"$EXPECTED/$name.files"
  fi
  echo "$rc" >"$EXPECTED/$name.exitcode"
done

# The compressor's round trip, on the native build itself.
cmp -s "$EXPECTED/zlib_compress.stdout" "$TD/inputs/thirdparty/zlib/zlib.h.z" ||
  fail "zlib_compress: differs from inputs/thirdparty/zlib/zlib.h.z"
cmp -s "$EXPECTED/zlib_decompress.stdout" "$TP/zlib/src/zlib.h" ||
  fail "zlib_decompress: does not give zlib.h back"

if ((failures > 0)); then
  echo "build_thirdparty: $failures check(s) failed" >&2
  exit 1
fi
echo "build_thirdparty: $count cases recorded in testdata/expected/thirdparty/"
