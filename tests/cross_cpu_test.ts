/**
 * Cross-CPU checkpoint/restore: programs of testdata/cases.json are compiled
 * by Godwit for x86-64 and for aarch64 (run under `qemu-aarch64`), stopped
 * with `--checkpoint-after N` on one CPU and resumed with `--restore` on the
 * other. The concatenated stdout, the exit code, stderr and the files left
 * behind must equal the outputs recorded from native builds
 * (testdata/expected). Two independent snapshots of the same point, one per
 * CPU, must describe the same Wasm state (frames, globals, tables, memory,
 * WASI descriptors): execution is deterministic, so any difference is a
 * cross-CPU divergence even when the final output happens to agree. A chain
 * x86-64 -> aarch64 -> x86-64 checks that a restored program can be
 * checkpointed again (`--checkpoint-after` counts points from the restore).
 * simd_ops and vec_kernels carry v128 values in their frames: the snapshot
 * comparison checks those 16 bytes each agree between the CPUs.
 *
 * qemu-aarch64 and the aarch64 cross toolchain are required (installed by
 * scripts/setup.sh): without them every test fails with a clear message.
 *
 * Run: `deno test -A tests/cross_cpu_test.ts` (GODWIT_TEST_CACHE chooses the
 * compile cache).
 */

import assert from "node:assert/strict";
import { inflateSync } from "node:zlib";
import { compileFile } from "../mod.ts";
import {
  compileCached,
  copyTree,
  godwitArgs,
  godwitFingerprint,
  listTree,
  readExpected,
  readManifest,
  runWithStdin,
  sha256Hex,
  testCacheDir,
  type TestCase,
  TESTDATA,
  wasmPath,
} from "../scripts/bench_lib.ts";

const sanitizers = { sanitizeOps: false, sanitizeResources: false };

/** Exit status of a program that wrote a checkpoint and stopped. */
const EXIT_CHECKPOINTED = 85;

/** The aarch64 user-mode emulator and the sysroot of its dynamic loader. */
const QEMU = "qemu-aarch64";
const SYSROOT = "/usr/aarch64-linux-gnu";
const CROSS_CC = "aarch64-linux-gnu-gcc";

/**
 * Cases and where to checkpoint them, as fractions of the migration points
 * a whole run reaches (counted on x86-64 first, so the plan survives
 * changes to where points are placed): the first point, one early, one in
 * the middle, one near the end. `chain` is [F1, F2]: x86-64 stops at F1 of
 * the run, aarch64 restores and stops F2 of the run later, x86-64 finishes.
 */
const FRACTIONS = [0, 0.05, 0.5, 0.95];
const CHAIN: [number, number] = [0.3, 0.4];
const PLAN: {
  name: string;
  /**
   * Memory holds host data that differs between any two runs, even on one
   * CPU (fileio's stat: inode numbers, timestamps): memory contents are
   * then not compared between snapshots (frames, globals and WASI state
   * still are).
   */
  hostDataInMemory?: boolean;
}[] = [
  { name: "nbody" }, // floats
  { name: "sha256" }, // i64
  { name: "binarytrees" }, // heap (malloc/free)
  { name: "hashtable" }, // heap, growing memory
  { name: "fileio", hostDataInMemory: true }, // files in a preopened directory
  { name: "textfilter" }, // stdin
  { name: "simd_ops" }, // v128 locals and operands, every SIMD group
  { name: "vec_kernels" }, // auto-vectorized loops (-O3 -msimd128)
];

type Cpu = "x86_64" | "aarch64";

/** Fails (does not skip) when the aarch64 tools are missing. */
async function checkCrossTools(): Promise<void> {
  const missing: string[] = [];
  for (const tool of [QEMU, CROSS_CC]) {
    const found = await new Deno.Command("/bin/sh", {
      args: ["-c", 'command -v "$0"', tool],
      stdout: "null",
      stderr: "null",
    }).output();
    if (!found.success) missing.push(tool);
  }
  try {
    await Deno.stat(`${SYSROOT}/lib`);
  } catch {
    missing.push(`${SYSROOT} (libc6-dev-arm64-cross)`);
  }
  if (missing.length > 0) {
    throw new Error(
      `cross-CPU tests need ${
        missing.join(", ")
      }: install them with scripts/setup.sh`,
    );
  }
}
const crossTools = checkCrossTools();
// Reported by every test that awaits it, not as an unhandled rejection.
crossTools.catch(() => {});

/**
 * Compiles a module for aarch64, cached like {@link compileCached} (key:
 * Godwit's sources, the module and the target).
 */
async function compileAarch64(wasm: string): Promise<string> {
  const key = await sha256Hex(
    new TextEncoder().encode(
      `${await godwitFingerprint()}:${await sha256Hex(
        await Deno.readFile(wasm),
      )}:O2:aarch64`,
    ),
  );
  const dir = testCacheDir();
  const name = wasm.replace(/^.*\//, "").replace(/\.wasm$/, "");
  const path = `${dir}/${name}-O2-aarch64-${key.slice(0, 16)}`;
  try {
    await Deno.stat(path);
    return path;
  } catch {
    // Not cached yet.
  }
  await Deno.mkdir(dir, { recursive: true });
  const temp = `${path}.tmp-${crypto.randomUUID()}`;
  await compileFile(wasm, { output: temp, optLevel: 2, target: "aarch64" });
  await Deno.rename(temp, path);
  return path;
}

/** The two builds of one program. */
type Builds = Record<Cpu, string>;

const builds = new Map<string, Promise<Builds>>();

/** Both builds of a program (compiled once per test run, then cached). */
function buildsOf(program: string): Promise<Builds> {
  let p = builds.get(program);
  if (!p) {
    p = (async () => {
      await crossTools;
      return {
        x86_64: (await compileCached(wasmPath(program), 2)).path,
        aarch64: await compileAarch64(wasmPath(program)),
      };
    })();
    builds.set(program, p);
  }
  return p;
}

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a build on its CPU (aarch64 under qemu) in cwd; stdin comes from a
 * file through the shell (`< file`, a regular file as in real use) or is
 * empty.
 */
async function runOn(
  cpu: Cpu,
  exe: string,
  args: string[],
  cwd: string,
  stdinFile?: string,
): Promise<Outcome> {
  const command = cpu === "aarch64" ? [QEMU, "-L", SYSROOT, exe] : [exe];
  return await runWithStdin([...command, ...args], cwd, stdinFile, {
    PATH: "/usr/bin:/bin",
  });
}

/**
 * A fresh working directory `<temp>/work` for one run of a case (its input
 * tree copied in); snapshots and the `prog` link go next to it, in `<temp>`.
 */
async function freshDir(testCase: TestCase): Promise<string> {
  const parent = await Deno.makeTempDir({
    prefix: `godwit-xcpu-${testCase.name}-`,
  });
  const dir = `${parent}/work`;
  await Deno.mkdir(dir);
  if (testCase.dir) await copyTree(`${TESTDATA}/${testCase.dir}`, dir);
  return dir;
}

/** Removes what {@link freshDir} made. */
async function removeDir(dir: string): Promise<void> {
  await Deno.remove(dir.replace(/\/work$/, ""), { recursive: true });
}

/** A snapshot split into its JSON metadata and its memory pages. */
interface SnapshotState {
  meta: Record<string, unknown>;
  /** Inflated contents of every range, keyed "memory:page". */
  pages: Map<string, Uint8Array>;
}

/** Reads a snapshot file (docs/snapshot.md) with an independent parser. */
async function readSnapshot(path: string): Promise<SnapshotState> {
  const bytes = await Deno.readFile(path);
  const view = new DataView(bytes.buffer);
  assert.equal(
    new TextDecoder().decode(bytes.subarray(1, 8)),
    "GWSNAP\n",
    `${path}: magic`,
  );
  const jsonLength = Number(view.getBigUint64(16, true));
  const blobLength = Number(view.getBigUint64(24, true));
  assert.equal(bytes.length, 36 + jsonLength + blobLength, `${path}: length`);
  const meta = JSON.parse(
    new TextDecoder().decode(bytes.subarray(32, 32 + jsonLength)),
  );
  const blob = bytes.subarray(32 + jsonLength, 32 + jsonLength + blobLength);
  const pages = new Map<string, Uint8Array>();
  for (const memory of meta.memories) {
    for (const range of memory.ranges) {
      const data = inflateSync(
        blob.subarray(range.offset, range.offset + range.length),
      );
      assert.equal(data.length, range.count * 65536, `${path}: range size`);
      pages.set(`${memory.index}:${range.page}`, new Uint8Array(data));
    }
  }
  return { meta, pages };
}

/**
 * The CPU-independent part of a snapshot: everything but the producing
 * CPU, the blob layout, argv[0] and the working directory (replaced by
 * placeholders).
 */
function portableState(state: SnapshotState, dir: string) {
  const { arch: _arch, memories, host, ...rest } = state.meta;
  return {
    ...rest,
    memories: (memories as { ranges: unknown[] }[]).map((m) => ({
      ...m,
      ranges: m.ranges.map((r) => {
        const { offset: _o, length: _l, ...where } = r as Record<
          string,
          unknown
        >;
        return where;
      }),
    })),
    // argv[0] is the path of the build that ran.
    host: JSON.parse(
      JSON.stringify(host).replace(/"args":\["[^"]*"/, '"args":["<exe>"')
        .replaceAll(dir, "<dir>"),
    ),
  };
}

/**
 * Asserts two snapshots describe the same Wasm state (memory contents only
 * when `compareMemory`); `what` names them.
 */
function assertSameState(
  a: SnapshotState,
  aDir: string,
  b: SnapshotState,
  bDir: string,
  what: string,
  compareMemory: boolean,
): void {
  assert.deepEqual(portableState(b, bDir), portableState(a, aDir), what);
  assert.deepEqual([...b.pages.keys()], [...a.pages.keys()], what);
  if (!compareMemory) return;
  for (const [key, page] of a.pages) {
    const other = b.pages.get(key)!;
    const at = page.findIndex((byte, i) => byte !== other[i]);
    assert.equal(at, -1, `${what}: memory ${key} differs at byte ${at}`);
  }
}

/** Checks a finished (possibly resumed) run against the recorded outputs. */
async function assertFinished(
  testCase: TestCase,
  stdout: string,
  last: Outcome,
  dir: string,
  what: string,
): Promise<void> {
  const expected = await readExpected(testCase.name);
  assert.equal(stdout, expected.stdout, `stdout: ${what}`);
  assert.equal(
    last.code,
    expected.exitCode,
    `exit code: ${what}\n${last.stderr}`,
  );
  assert.equal(last.stderr, expected.stderr ?? "", `stderr: ${what}`);
  if (expected.files) {
    assert.deepEqual(await listTree(dir), expected.files, `files: ${what}`);
  }
}

/** Runtime options that restore `snap` in `dir`. */
function restoreArgs(testCase: TestCase, snap: string, dir: string): string[] {
  return [
    "--restore",
    snap,
    ...(testCase.dir ? ["--dir", `${dir}::.`] : []),
  ];
}

/** A run of a case on `cpu` stopped at the n-th point; its stdout and snapshot. */
async function checkpointOn(
  cpu: Cpu,
  testCase: TestCase,
  exe: string,
  n: number,
  dir: string,
): Promise<{ stdout: string; snap: string }> {
  const snap = `${dir}.snapshot`;
  // Started as "../prog" on both CPUs: argv[0] lives in Wasm memory, and
  // snapshots of the same point are compared byte for byte.
  await Deno.symlink(exe, `${dir}/../prog`);
  const stdinFile = testCase.stdin
    ? `${TESTDATA}/${testCase.stdin}`
    : undefined;
  const run = await runOn(
    cpu,
    "../prog",
    [
      "--snapshot",
      snap,
      "--checkpoint-after",
      String(n),
      ...godwitArgs(testCase, dir),
    ],
    dir,
    stdinFile,
  );
  assert.equal(
    run.code,
    EXIT_CHECKPOINTED,
    `${testCase.name} on ${cpu} did not stop at point ${n} (exit ${run.code}): ${run.stderr}`,
  );
  assert.equal(run.stderr, `godwit: checkpoint written to ${snap}\n`);
  return { stdout: run.stdout, snap };
}

/**
 * About how many migration points a whole x86-64 run of the case reaches
 * (within 1%, from below): the largest N found at which
 * `--checkpoint-after N` still stops it.
 */
async function countPoints(testCase: TestCase, exe: string): Promise<number> {
  const stdinFile = testCase.stdin
    ? `${TESTDATA}/${testCase.stdin}`
    : undefined;
  const stops = async (n: number): Promise<boolean> => {
    const dir = await freshDir(testCase);
    try {
      const run = await runOn(
        "x86_64",
        exe,
        [
          "--snapshot",
          `${dir}.snapshot`,
          "--checkpoint-after",
          String(n),
          ...godwitArgs(testCase, dir),
        ],
        dir,
        stdinFile,
      );
      return run.code === EXIT_CHECKPOINTED;
    } finally {
      await removeDir(dir);
    }
  };
  let lo = 0, hi = 1;
  while (await stops(hi)) [lo, hi] = [hi, hi * 4];
  while (hi - lo > Math.max(1, lo / 100)) {
    const mid = Math.floor((lo + hi) / 2);
    if (await stops(mid)) lo = mid;
    else hi = mid;
  }
  assert.ok(lo > 0, `${testCase.name}: no migration point reached`);
  return lo;
}

const pointCounts = new Map<string, Promise<number>>();

/** {@link countPoints}, once per case. */
async function pointsOf(testCase: TestCase): Promise<number> {
  let p = pointCounts.get(testCase.name);
  if (!p) {
    p = buildsOf(testCase.program).then((b) => countPoints(testCase, b.x86_64));
    pointCounts.set(testCase.name, p);
  }
  return await p;
}

const manifest = await readManifest();
const cases = new Map(manifest.cases.map((c) => [c.name, c]));

for (const { name, hostDataInMemory } of PLAN) {
  const testCase = cases.get(name);
  if (!testCase) throw new Error(`testdata/cases.json has no case ${name}`);
  const stdinFile = testCase.stdin
    ? `${TESTDATA}/${testCase.stdin}`
    : undefined;

  Deno.test({
    name: `cross-CPU: ${name} runs the same on aarch64 (qemu)`,
    ...sanitizers,
    fn: async () => {
      const exe = await buildsOf(testCase.program);
      const dir = await freshDir(testCase);
      try {
        const run = await runOn(
          "aarch64",
          exe.aarch64,
          godwitArgs(testCase, dir),
          dir,
          stdinFile,
        );
        await assertFinished(testCase, run.stdout, run, dir, "aarch64 run");
      } finally {
        await removeDir(dir);
      }
    },
  });

  Deno.test({
    name: `cross-CPU: ${name} x86-64 <-> aarch64, both ways, at ${
      FRACTIONS.join(", ")
    } of the run`,
    ...sanitizers,
    fn: async () => {
      const exe = await buildsOf(testCase.program);
      const total = await pointsOf(testCase);
      const positions = [
        ...new Set(FRACTIONS.map((f) => Math.max(1, Math.floor(f * total)))),
      ];
      for (const n of positions) {
        const dirs: Record<Cpu, string> = {
          x86_64: await freshDir(testCase),
          aarch64: await freshDir(testCase),
        };
        try {
          const stopped: Record<Cpu, { stdout: string; snap: string }> = {
            x86_64: await checkpointOn(
              "x86_64",
              testCase,
              exe.x86_64,
              n,
              dirs.x86_64,
            ),
            aarch64: await checkpointOn(
              "aarch64",
              testCase,
              exe.aarch64,
              n,
              dirs.aarch64,
            ),
          };
          // Same point, same program: the same Wasm state on both CPUs.
          const states: Record<Cpu, SnapshotState> = {
            x86_64: await readSnapshot(stopped.x86_64.snap),
            aarch64: await readSnapshot(stopped.aarch64.snap),
          };
          assert.equal(states.x86_64.meta.arch, "x86_64");
          assert.equal(states.aarch64.meta.arch, "aarch64");
          assertSameState(
            states.x86_64,
            dirs.x86_64,
            states.aarch64,
            dirs.aarch64,
            `${name}: snapshots at point ${n} (x86-64 vs aarch64)`,
            !hostDataInMemory,
          );
          assert.equal(stopped.aarch64.stdout, stopped.x86_64.stdout);
          // Each snapshot resumes on the other CPU.
          for (
            const [from, to] of [["x86_64", "aarch64"], [
              "aarch64",
              "x86_64",
            ]] as const
          ) {
            const resumed = await runOn(
              to,
              exe[to],
              [...restoreArgs(testCase, stopped[from].snap, dirs[from]), "--"],
              dirs[from],
              stdinFile,
            );
            await assertFinished(
              testCase,
              stopped[from].stdout + resumed.stdout,
              resumed,
              dirs[from],
              `${name}: checkpoint on ${from} at point ${n}, restored on ${to}`,
            );
          }
        } finally {
          for (const dir of Object.values(dirs)) {
            await removeDir(dir);
          }
        }
      }
    },
  });

  Deno.test({
    name: `cross-CPU: ${name} chain x86-64 -> aarch64 -> x86-64 (${
      CHAIN.join(" + ")
    } of the run)`,
    ...sanitizers,
    fn: async () => {
      const exe = await buildsOf(testCase.program);
      const total = await pointsOf(testCase);
      const [n1, n2] = CHAIN.map((f) => Math.max(1, Math.floor(f * total)));
      // The same chain twice: through aarch64, and all on x86-64 (oracle
      // for the second snapshot's state).
      const via = {
        aarch64: await freshDir(testCase),
        x86_64: await freshDir(testCase),
      };
      try {
        const second: Record<
          Cpu,
          { stdout: string; state: SnapshotState; snap: string }
        > = {} as never;
        for (const cpu of ["aarch64", "x86_64"] as const) {
          const dir = via[cpu];
          const first = await checkpointOn(
            "x86_64",
            testCase,
            exe.x86_64,
            n1,
            dir,
          );
          const snap2 = `${dir}.snapshot2`;
          const middle = await runOn(
            cpu,
            exe[cpu],
            [
              ...restoreArgs(testCase, first.snap, dir),
              "--snapshot",
              snap2,
              "--checkpoint-after",
              String(n2),
              "--",
            ],
            dir,
            stdinFile,
          );
          assert.equal(
            middle.code,
            EXIT_CHECKPOINTED,
            `${name}: restored on ${cpu}, did not stop ${n2} points later: ${middle.stderr}`,
          );
          const state = await readSnapshot(snap2);
          // --checkpoint-after counts the points reached since the restore.
          assert.equal(state.meta.points_reached, n2);
          assert.equal(state.meta.arch, cpu);
          second[cpu] = {
            stdout: first.stdout + middle.stdout,
            state,
            snap: snap2,
          };
        }
        assertSameState(
          second.x86_64.state,
          via.x86_64,
          second.aarch64.state,
          via.aarch64,
          `${name}: second snapshot via aarch64 vs via x86-64`,
          !hostDataInMemory,
        );
        assert.equal(second.aarch64.stdout, second.x86_64.stdout);
        const dir = via.aarch64;
        const last = await runOn(
          "x86_64",
          exe.x86_64,
          [...restoreArgs(testCase, second.aarch64.snap, dir), "--"],
          dir,
          stdinFile,
        );
        await assertFinished(
          testCase,
          second.aarch64.stdout + last.stdout,
          last,
          dir,
          `${name}: x86-64 at ${n1}, aarch64 ${n2} later, x86-64 to the end`,
        );
      } finally {
        for (const dir of Object.values(via)) {
          await removeDir(dir);
        }
      }
    },
  });
}

Deno.test({
  name: "cross-CPU: qemu-aarch64 and the aarch64 cross toolchain are installed",
  fn: () => crossTools,
});
