/**
 * Third-party C programs (not written by us: the Lua 5.4.8 interpreter,
 * zlib 1.3.1's zpipe, tiny-bignum-c's tests), vendored under
 * testdata/thirdparty/ and built by scripts/build_thirdparty.sh, compiled
 * with Godwit and compared with the outputs recorded from their NATIVE
 * clang builds (testdata/expected/thirdparty/, cross-checked there against
 * Node's WebAssembly engine): stdout byte for byte, stderr, exit code and the
 * files left in the preopened directory.
 *
 * Checkpoint/restore: each case is stopped with `--checkpoint-after N` at 8
 * values of N spread over its whole run (its total point count is bracketed
 * first by doubling N until no checkpoint happens) and resumed with
 * `--restore` in a fresh process; the longer cases get SIGUSR1 at 3 random
 * moments. The concatenated stdout, stderr and exit code must equal the
 * native run's.
 *
 * Run: `deno test -A tests/thirdparty_test.ts` (GODWIT_TEST_CACHE chooses
 * the compile cache; Lua takes about 30 s to compile the first time).
 */

import assert from "node:assert/strict";
import {
  type CachedProgram,
  compileCached,
  copyTree,
  listTree,
  spawnWithStdin,
  TESTDATA,
  wasmPath,
} from "../scripts/bench_lib.ts";

/** One run of a third-party program (an entry of testdata/thirdparty/cases.json). */
interface ThirdPartyCase {
  /** Expected outputs are testdata/expected/thirdparty/<name>.*. */
  name: string;
  /** testdata/wasm/<program>.wasm. */
  program: string;
  /** Program arguments. */
  args?: string[];
  /** File under testdata/ fed to stdin (a regular file, as `< file`). */
  stdin?: string;
  /** Directory under testdata/ copied to a fresh directory preopened as "." (and the cwd). */
  dir?: string;
  /** A longer run: checked with SIGUSR1 at random moments instead of many N. */
  long?: boolean;
}

interface Expected {
  stdout: Uint8Array;
  stderr: string;
  exitCode: number;
  files?: string[];
}

interface Outcome {
  code: number;
  stdout: Uint8Array;
  stderr: string;
  ms: number;
}

const CASES: ThirdPartyCase[] = JSON.parse(
  await Deno.readTextFile(`${TESTDATA}/thirdparty/cases.json`),
).cases;

/** Exit status of a program that wrote a checkpoint and stopped. */
const EXIT_CHECKPOINTED = 85;
/** Checkpoints per case for `--checkpoint-after`. */
const POSITIONS_PER_CASE = 8;
/** SIGUSR1 rounds for a long case. */
const SIGNAL_ROUNDS = 3;

const sanitizers = { sanitizeOps: false, sanitizeResources: false };
const decoder = new TextDecoder();

async function readExpected(name: string): Promise<Expected> {
  const base = `${TESTDATA}/expected/thirdparty/${name}`;
  return {
    stdout: await Deno.readFile(`${base}.stdout`),
    stderr: await Deno.readTextFile(`${base}.stderr`).catch(() => ""),
    exitCode: Number((await Deno.readTextFile(`${base}.exitcode`)).trim()),
    files: await Deno.readTextFile(`${base}.files`).then(
      (text) => text.split("\n").filter((line) => line !== ""),
      () => undefined,
    ),
  };
}

/** Each program compiled once, at most two compilations at once (two cores). */
const compiled = new Map<string, Promise<CachedProgram>>();
let compiling: Promise<unknown>[] = [];
function compiledProgram(program: string): Promise<CachedProgram> {
  let job = compiled.get(program);
  if (!job) {
    const wait = compiling.length >= 2
      ? compiling[compiling.length - 2]
      : Promise.resolve();
    job = wait.catch(() => {}).then(() => compileCached(wasmPath(program), 2));
    job.catch(() => {}); // awaited by the tests; keep early failures handled
    compiling = [...compiling, job];
    compiled.set(program, job);
  }
  return job;
}
// Start every compilation now (Lua, the longest, is first in cases.json).
for (const c of CASES) compiledProgram(c.program);

/** Spawns exe in cwd with stdin from a regular file (through `sh -c exec ... < file`). */
function spawn(
  exe: string,
  args: string[],
  cwd: string,
  stdinFile?: string,
): Deno.ChildProcess {
  return spawnWithStdin([exe, ...args], cwd, stdinFile);
}

async function finish(child: Deno.ChildProcess, start: number) {
  const out = await child.output();
  return {
    code: out.code, // 128 + the signal number when killed by one
    stdout: out.stdout,
    stderr: decoder.decode(out.stderr),
    ms: performance.now() - start,
  };
}

function run(
  exe: string,
  args: string[],
  cwd: string,
  stdinFile?: string,
): Promise<Outcome> {
  const start = performance.now();
  return finish(spawn(exe, args, cwd, stdinFile), start);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const all = new Uint8Array(a.length + b.length);
  all.set(a);
  all.set(b, a.length);
  return all;
}

/** Where the first two byte strings differ, for a readable failure. */
function firstDifference(a: Uint8Array, b: Uint8Array): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const show = (x: Uint8Array) =>
    JSON.stringify(decoder.decode(x.subarray(i, i + 60)));
  return `lengths ${a.length} and ${b.length}, first difference at byte ${i}: ${
    show(a)
  } vs ${show(b)}`;
}

function assertSameBytes(
  actual: Uint8Array,
  expected: Uint8Array,
  what: string,
) {
  assert.ok(
    actual.length === expected.length &&
      actual.every((b, i) => b === expected[i]),
    `${what}: ${firstDifference(actual, expected)}`,
  );
}

/**
 * The program's own stderr from a run that checkpointed: what precedes the
 * runtime's final "checkpoint written" line (stderr written before the
 * checkpoint is not written again after the restore).
 */
function programStderr(stderr: string, snapshot: string): string {
  const line = `godwit: checkpoint written to ${snapshot}\n`;
  assert.ok(stderr.endsWith(line), `checkpoint message missing: ${stderr}`);
  return stderr.slice(0, -line.length);
}

/** A fresh working directory for a run (a copy of the case's directory) and a snapshot path outside it. */
async function freshDir(c: ThirdPartyCase) {
  const dir = await Deno.makeTempDir({ prefix: `godwit-tp-${c.name}-` });
  if (c.dir) await copyTree(`${TESTDATA}/${c.dir}`, dir);
  return { dir, snapshot: `${dir}.snapshot` };
}

async function cleanUp(dir: string, snapshot: string) {
  await Deno.remove(dir, { recursive: true });
  await Deno.remove(snapshot).catch(() => {});
}

function programArgs(c: ThirdPartyCase, dir: string): string[] {
  return [...(c.dir ? ["--dir", `${dir}::.`] : []), "--", ...(c.args ?? [])];
}

function stdinPath(c: ThirdPartyCase): string | undefined {
  return c.stdin ? `${TESTDATA}/${c.stdin}` : undefined;
}

/** Compares a (possibly checkpointed and restored) run with the native run's outputs. */
async function assertLikeNative(
  c: ThirdPartyCase,
  result: { stdout: Uint8Array; stderr: string; code: number },
  dir: string,
  what: string,
) {
  const expected = await readExpected(c.name);
  assertSameBytes(result.stdout, expected.stdout, `stdout, ${what}`);
  assert.equal(result.stderr, expected.stderr, `stderr, ${what}`);
  assert.equal(result.code, expected.exitCode, `exit code, ${what}`);
  if (expected.files) {
    assert.deepEqual(await listTree(dir), expected.files, `files, ${what}`);
  }
}

/**
 * Runs with `--checkpoint-after n`; when it checkpoints, restores in a fresh
 * process. Returns whether it checkpointed and the combined outcome.
 */
async function checkpointAndRestore(
  exe: string,
  c: ThirdPartyCase,
  n: number,
  check: boolean,
): Promise<boolean> {
  const { dir, snapshot } = await freshDir(c);
  try {
    const first = await run(
      exe,
      [
        "--snapshot",
        snapshot,
        "--checkpoint-after",
        String(n),
        ...programArgs(c, dir),
      ],
      dir,
      stdinPath(c),
    );
    if (first.code !== EXIT_CHECKPOINTED) {
      if (check) {
        await assertLikeNative(
          c,
          first,
          dir,
          `${c.name}, N=${n}, no checkpoint`,
        );
      }
      return false;
    }
    const before = programStderr(first.stderr, snapshot);
    if (!check) return true;
    const restoreArgs = ["--restore", snapshot];
    if (c.dir) restoreArgs.push("--dir", `${dir}::.`);
    const second = await run(exe, [...restoreArgs, "--"], dir, stdinPath(c));
    await assertLikeNative(
      c,
      {
        code: second.code,
        stdout: concat(first.stdout, second.stdout),
        stderr: before + second.stderr,
      },
      dir,
      `${c.name} checkpointed after ${n} points and restored`,
    );
    return true;
  } finally {
    await cleanUp(dir, snapshot);
  }
}

for (const c of CASES) {
  Deno.test({
    name: `thirdparty: ${c.name} behaves as the native build`,
    ...sanitizers,
    fn: async () => {
      const { path: exe } = await compiledProgram(c.program);
      const { dir, snapshot } = await freshDir(c);
      try {
        const result = await run(exe, programArgs(c, dir), dir, stdinPath(c));
        await assertLikeNative(c, result, dir, c.name);
      } finally {
        await cleanUp(dir, snapshot);
      }
    },
  });
}

Deno.test({
  name: "thirdparty: zlib round trip of Godwit's own compressed output",
  ...sanitizers,
  fn: async () => {
    const { path: exe } = await compiledProgram("zpipe");
    const dir = await Deno.makeTempDir({ prefix: "godwit-tp-zlib-" });
    try {
      const original = `${TESTDATA}/thirdparty/zlib/src/crc32.h`;
      const compressed = await run(exe, ["--"], dir, original);
      assert.equal(compressed.code, 0, compressed.stderr);
      // Same bytes as the native build's compressed output...
      assertSameBytes(
        compressed.stdout,
        await Deno.readFile(
          `${TESTDATA}/expected/thirdparty/zlib_compress_large.stdout`,
        ),
        "compressed by Godwit's zpipe vs native zpipe",
      );
      // ...and Godwit's decompressor gives the original back.
      await Deno.writeFile(`${dir}/crc32.h.z`, compressed.stdout);
      const back = await run(exe, ["--", "-d"], dir, `${dir}/crc32.h.z`);
      assert.equal(back.code, 0, back.stderr);
      assertSameBytes(back.stdout, await Deno.readFile(original), "round trip");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

for (const c of CASES.filter((c) => !c.long)) {
  Deno.test({
    name:
      `thirdparty checkpoint/restore at ${POSITIONS_PER_CASE} points: ${c.name}`,
    ...sanitizers,
    fn: async () => {
      const { path: exe } = await compiledProgram(c.program);
      // Bracket the run's point count: the largest power of two that checkpoints.
      let reached = 1;
      while (await checkpointAndRestore(exe, c, reached * 2, false)) {
        reached *= 2;
      }
      // Narrow it down a little (total in [reached, 2 * reached)).
      let step = reached / 2;
      for (let i = 0; i < 3 && step >= 1; i++, step /= 2) {
        if (await checkpointAndRestore(exe, c, reached + step, false)) {
          reached += step;
        }
      }
      const positions = new Set<number>();
      for (let k = 0; k < POSITIONS_PER_CASE; k++) {
        positions.add(
          Math.max(
            1,
            Math.round(1 + (reached - 1) * k / (POSITIONS_PER_CASE - 1)),
          ),
        );
      }
      for (const n of positions) {
        assert.ok(
          await checkpointAndRestore(exe, c, n, true),
          `${c.name}: no checkpoint at N=${n} although ${reached} points were reached`,
        );
      }
    },
  });
}

for (const c of CASES.filter((c) => c.long)) {
  Deno.test({
    name:
      `thirdparty checkpoint/restore by SIGUSR1 at random moments: ${c.name}`,
    ...sanitizers,
    fn: async () => {
      const { path: exe } = await compiledProgram(c.program);
      const timing = await freshDir(c);
      let runMs: number;
      try {
        const full = await run(
          exe,
          programArgs(c, timing.dir),
          timing.dir,
          stdinPath(c),
        );
        await assertLikeNative(c, full, timing.dir, `${c.name} uninterrupted`);
        runMs = full.ms;
      } finally {
        await cleanUp(timing.dir, timing.snapshot);
      }
      let seed = 20240611;
      let signalled = 0;
      for (let round = 0; round < SIGNAL_ROUNDS; round++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        // Between 10% and 80% of the uninterrupted run, after the runtime's handler is installed.
        const delay = Math.max(
          30,
          Math.round(runMs * (0.1 + 0.7 * ((seed >>> 8) % 1000) / 1000)),
        );
        const { dir, snapshot } = await freshDir(c);
        try {
          const start = performance.now();
          const child = spawn(
            exe,
            ["--snapshot", snapshot, ...programArgs(c, dir)],
            dir,
            stdinPath(c),
          );
          await new Promise((r) => setTimeout(r, delay));
          try {
            child.kill("SIGUSR1");
          } catch { /* already gone */ }
          const first = await finish(child, start);
          const what = `${c.name}, SIGUSR1 after ${delay} ms of a ${
            runMs.toFixed(0)
          } ms run`;
          if (first.code !== EXIT_CHECKPOINTED) {
            await assertLikeNative(c, first, dir, `${what} (finished first)`);
            continue;
          }
          signalled++;
          const restoreArgs = ["--restore", snapshot];
          if (c.dir) restoreArgs.push("--dir", `${dir}::.`);
          const second = await run(
            exe,
            [...restoreArgs, "--"],
            dir,
            stdinPath(c),
          );
          await assertLikeNative(
            c,
            {
              code: second.code,
              stdout: concat(first.stdout, second.stdout),
              stderr: programStderr(first.stderr, snapshot) + second.stderr,
            },
            dir,
            what,
          );
        } finally {
          await cleanUp(dir, snapshot);
        }
      }
      assert.ok(
        signalled > 0,
        `${c.name}: no signal arrived while it was running (${
          runMs.toFixed(0)
        } ms)`,
      );
    },
  });
}
