#!/usr/bin/env bash
# Builds Godwit's test programs and records their expected behaviour, independently of Godwit.
#
#   scripts/build_testdata.sh
#
# - testdata/c/*.c    -> testdata/wasm/NAME.wasm  (clang-14 --target=wasm32-wasi -O2, or the flags
#                       of a `/* wasm-cflags: FLAGS */` line in the source, e.g. -O3 -msimd128)
# - testdata/wat/*.wat -> testdata/wasm/NAME.wasm (wat2wasm, wabt)
# - for every case in testdata/cases.json, testdata/expected/CASE.{stdout,exitcode[,stderr][,files]}:
#     C programs: from a NATIVE build of the same source (clang-14 -O2), cross-checked against the
#                 .wasm run on Node's WebAssembly + WASI (V8/uvwasi); a native death by signal is a
#                 trap, whose message comes from the case's "trap" and must agree with Node's;
#     C programs with a `/* expected: v8 */` line (wasm_simd128.h intrinsics, which have no
#                 native build): from the Node run (V8/uvwasi);
#     .wat programs: from the Node run (V8/uvwasi), whose output was also checked by hand.
# Deterministic and re-runnable: the same inputs produce byte-identical outputs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TD="$ROOT/testdata"
CASES="$TD/cases.json"
ORACLE=(node --no-warnings "$TD/tools/wasi_oracle.mjs")
WORK="$(mktemp -d "${TMPDIR:-/tmp}/godwit-testdata.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

for tool in clang-14 wat2wasm node jq; do
  command -v "$tool" >/dev/null || { echo "build_testdata: '$tool' not found" >&2; exit 1; }
done

mkdir -p "$TD/wasm" "$TD/expected" "$WORK/native"
# Expected outputs are regenerated from scratch; stale ones must not survive.
find "$TD/expected" -maxdepth 1 -type f -delete # (thirdparty/ is build_thirdparty.sh's)

echo "building C programs (wasm32-wasi and native)..."
for src in "$TD"/c/*.c; do
  name="$(basename "$src" .c)"
  read -r -a cflags <<<"$(sed -n 's|^/\* wasm-cflags: \(.*\) \*/$|\1|p' "$src")"
  ((${#cflags[@]} > 0)) || cflags=(-O2)
  clang-14 --target=wasm32-wasi "${cflags[@]}" -o "$TD/wasm/$name.wasm" "$src" -lm
  if ! grep -q '^/\* expected: v8' "$src"; then
    clang-14 -O2 -w -o "$WORK/native/$name" "$src" -lm
  fi
done
echo "building .wat programs..."
for src in "$TD"/wat/*.wat; do
  name="$(basename "$src" .wat)"
  wat2wasm "$src" -o "$TD/wasm/$name.wasm"
done

failures=0
fail() {
  echo "  FAIL: $*" >&2
  failures=$((failures + 1))
}

count="$(jq '.cases | length' "$CASES")"
for ((i = 0; i < count; i++)); do
  case_json="$(jq -c ".cases[$i]" "$CASES")"
  name="$(jq -r '.name' <<<"$case_json")"
  program="$(jq -r '.program' <<<"$case_json")"
  trap_msg="$(jq -r '.trap // ""' <<<"$case_json")"
  stdin_file="$(jq -r '.stdin // ""' <<<"$case_json")"
  seed_dir="$(jq -r '.dir // ""' <<<"$case_json")"
  mapfile -t args < <(jq -r '.args // [] | .[]' <<<"$case_json")
  mapfile -t envs < <(jq -r '.env // [] | .[]' <<<"$case_json")
  stdin_path=/dev/null
  [[ -n "$stdin_file" ]] && stdin_path="$TD/$stdin_file"
  echo "case $name"

  # The Node (V8 + uvwasi) run of the .wasm.
  oracle_dir="$WORK/oracle/$name"
  mkdir -p "$oracle_dir"
  [[ -n "$seed_dir" ]] && cp -r "$TD/$seed_dir/." "$oracle_dir/"
  oracle_opts=(--dir "$oracle_dir::.")
  for e in "${envs[@]}"; do oracle_opts+=(--env "$e"); done
  set +e
  (cd "$oracle_dir" && "${ORACLE[@]}" "${oracle_opts[@]}" "$TD/wasm/$program.wasm" -- "${args[@]}") \
    <"$stdin_path" >"$WORK/$name.oracle.stdout" 2>"$WORK/$name.oracle.stderr"
  oracle_rc=$?
  set -e

  if [[ -f "$TD/c/$program.c" ]] && ! grep -q '^/\* expected: v8' "$TD/c/$program.c"; then
    # The native run: same source, same arguments, environment, stdin and directory contents.
    native_dir="$WORK/native_run/$name"
    mkdir -p "$native_dir"
    [[ -n "$seed_dir" ]] && cp -r "$TD/$seed_dir/." "$native_dir/"
    set +e
    # (The outer braces keep bash's "Segmentation fault" notice for trap cases off the terminal.)
    { (cd "$native_dir" && env -i "${envs[@]}" "$WORK/native/$program" "${args[@]}") \
      <"$stdin_path" >"$TD/expected/$name.stdout" 2>"$WORK/$name.native.stderr"; } 2>/dev/null
    rc=$?
    set -e
    if [[ -n "$trap_msg" ]]; then
      ((rc > 128)) || fail "$name: native run should die by a signal, exit code $rc"
      rc=134
    fi
    cmp -s "$TD/expected/$name.stdout" "$WORK/$name.oracle.stdout" ||
      fail "$name: native and Node stdout differ: $(diff "$TD/expected/$name.stdout" "$WORK/$name.oracle.stdout" | head -5)"
    [[ "$oracle_rc" == "$rc" ]] || fail "$name: native exit code $rc, Node $oracle_rc"
    if [[ -n "$seed_dir" ]]; then
      diff -r "$native_dir" "$oracle_dir" >/dev/null ||
        fail "$name: the directory contents after the native and Node runs differ"
      # What the directory holds afterwards: "dir/" lines and "file size" lines, sorted bytewise.
      (cd "$native_dir" && find . -mindepth 1 \( -type d -printf '%P/\n' -o -type f -printf '%P %s\n' \) |
        LC_ALL=C sort) >"$TD/expected/$name.files"
    fi
  else
    cp "$WORK/$name.oracle.stdout" "$TD/expected/$name.stdout"
    rc=$oracle_rc
  fi

  if [[ -n "$trap_msg" ]]; then
    [[ "$rc" == 134 ]] || fail "$name: expected a trap, got exit code $rc"
    # Node's message (mapped to the spec's wording) must name the same trap.
    grep -qF "$trap_msg" "$WORK/$name.oracle.stderr" ||
      fail "$name: Node reports '$(cat "$WORK/$name.oracle.stderr")', case says '$trap_msg'"
    printf 'godwit: trap: %s\n' "$trap_msg" >"$TD/expected/$name.stderr"
  elif [[ -s "$WORK/$name.oracle.stderr" ]]; then
    fail "$name: unexpected stderr from Node: $(head -3 "$WORK/$name.oracle.stderr")"
  fi
  echo "$rc" >"$TD/expected/$name.exitcode"
done

if ((failures > 0)); then
  echo "build_testdata: $failures check(s) failed" >&2
  exit 1
fi
echo "build_testdata: $count cases recorded in testdata/expected/"
