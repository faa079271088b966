/**
 * Hostile snapshots: thousands of mutants of real snapshots (a deep call
 * stack, open files, a large memory), CRC re-sealed, restored by the real
 * program's code built with AddressSanitizer + UndefinedBehaviorSanitizer.
 * Each must be refused with one clear line (exit 125) or restore and run:
 * never a signal, never a hang before resuming (a time limit; the
 * `GODWIT_CR_STATS` "restore: ... resumed" line tells a resumed program
 * from one still validating), never a sanitizer report.
 *
 * The base snapshots are taken by the same sanitized program with
 * `--checkpoint-after N`; tests/snapshot_mutants.ts makes the mutants and
 * runtime/tests/mutant_harness.c restores them, forking once per mutant,
 * in two processes (the machine has two cores).
 *
 * Run: `deno test -A tests/hostile_snapshot_test.ts`.
 */

import assert from "node:assert/strict";
import {
  compileCached,
  copyTree,
  TESTDATA,
  wasmPath,
} from "../scripts/bench_lib.ts";
import {
  haveSanitizers,
  linkSanitized,
  sanitizedObject,
  SANITIZER_ENV,
  SANITIZER_EXIT,
  SANITIZER_REPORT,
} from "../runtime/tests/sanitized_build.ts";
import { encodeMutants, type Mutant, mutantsOf } from "./snapshot_mutants.ts";

const RUNTIME = new URL("../runtime/", import.meta.url).pathname;

/** The runtime files a produced program links (all but the two mains). */
const RUNTIME_FILES = [
  "checkpoint.c",
  "exec.c",
  "instance.c",
  "memory.c",
  "snapshot.c",
  "snapshot_deflate.c",
  "snapshot_json.c",
  "table.c",
  "trap.c",
  "types.c",
  "wasi.c",
  "wasi_fs.c",
  "wasi_path.c",
  "wasi_poll.c",
  "wasi_state.c",
];

/** A base snapshot: a program stopped after N migration points. */
interface Base {
  name: string;
  program: string;
  args: string[];
  /** Directory (under testdata) copied and preopened as ".". */
  dir?: string;
  checkpointAfter: number;
  /** Runtime options of the restores (besides --restore and --dir). */
  restoreArgs: string[];
  /** Also the "entry repeated 100,000 times" mutants (slow: one per list). */
  repeats: boolean;
  /** Exit code of the unmodified snapshot's restored run. */
  exitCode: number;
  /** What the snapshot must contain, checked before mutating it. */
  check: (json: Snapshot) => string | undefined;
}

interface Snapshot {
  frames: unknown[];
  memories: { pages: number; ranges: unknown[] }[];
  host: { wasi: { fds: { kind: string }[] } };
}

const BASES: Base[] = [
  {
    // Restored with a smaller call-depth limit: the program recurses until
    // it traps, and 5000 frames are enough for that.
    name: "deep call stack",
    program: "trap_stack",
    args: [],
    checkpointAfter: 1200,
    restoreArgs: ["--max-call-depth", "5000"],
    repeats: true,
    exitCode: 134,
    check: (s) =>
      s.frames.length >= 1000 ? undefined : `${s.frames.length} frames`,
  },
  {
    name: "call stack, 400 points",
    program: "trap_stack",
    args: [],
    checkpointAfter: 400,
    restoreArgs: ["--max-call-depth", "5000"],
    repeats: false,
    exitCode: 134,
    check: (s) =>
      s.frames.length >= 300 ? undefined : `${s.frames.length} frames`,
  },
  {
    name: "open files",
    program: "fileio",
    args: [],
    dir: "inputs/fsroot",
    checkpointAfter: 1000,
    restoreArgs: [],
    repeats: true,
    exitCode: 0,
    check: (s) =>
      s.host.wasi.fds.some((f) => f.kind === "file")
        ? undefined
        : "no open file",
  },
  {
    name: "open files, 3000 points",
    program: "fileio",
    args: [],
    dir: "inputs/fsroot",
    checkpointAfter: 3000,
    restoreArgs: [],
    repeats: false,
    exitCode: 0,
    check: (s) =>
      s.host.wasi.fds.some((f) => f.kind === "file")
        ? undefined
        : "no open file",
  },
  {
    name: "large memory",
    program: "sieve",
    args: ["2500000", "1"],
    checkpointAfter: 100000,
    restoreArgs: [],
    repeats: true,
    exitCode: 0,
    // 2.5 MB: more than one 32-page range, so the compressor's threads ran.
    check: (s) =>
      s.memories[0].pages >= 38 && s.memories[0].ranges.length >= 2
        ? undefined
        : `${s.memories[0].pages} pages in ${
          s.memories[0].ranges.length
        } ranges`,
  },
];

/** Per-mutant limit; a program still validating after this has hung. */
const TIMEOUT_MS = 20000;

/** One mutant's outcome as the harness reports it. */
interface Outcome {
  id: number;
  /** Wall time of the child, in milliseconds. */
  ms: number;
  status: "exit" | "signal" | "timeout";
  code: number;
  stderr: string;
}

function parseOutcome(line: string): Outcome {
  const m = /^(\d+) (\d+) (exit (\d+)|signal (\d+)|timeout) (.*)$/.exec(line);
  if (!m) throw new Error(`harness printed: ${line}`);
  m.splice(2, 1);
  return {
    ms: Number(/^\d+ (\d+)/.exec(line)![1]),
    id: Number(m[1]),
    status: m[3] !== undefined
      ? "exit"
      : m[4] !== undefined
      ? "signal"
      : "timeout",
    code: Number(m[3] ?? m[4] ?? -1),
    stderr: m[5].replace(/\\(n|\\)/g, (_, c) => (c === "n" ? "\n" : "\\")),
  };
}

const RESUMED = /^godwit: cr-stats: restore: .* resumed /m;

/** Why an outcome is not acceptable, or undefined. */
function verdict(o: Outcome): string | undefined {
  if (
    SANITIZER_REPORT.test(o.stderr) ||
    (o.status === "exit" && o.code === SANITIZER_EXIT)
  ) {
    return "sanitizer report";
  }
  if (o.status === "signal") return `killed by signal ${o.code}`;
  const resumed = RESUMED.test(o.stderr);
  if (o.status === "timeout") {
    return resumed ? undefined : "hang before resuming";
  }
  const lines = o.stderr.split("\n").filter((l) =>
    l !== "" && !l.startsWith("godwit: cr-stats: ")
  );
  if (o.code === 125) {
    return lines.length === 1 && lines[0].startsWith("godwit: error: ")
      ? undefined
      : `exit 125 without one clear line: ${JSON.stringify(o.stderr)}`;
  }
  return resumed
    ? undefined
    : `exit ${o.code} without resuming: ${JSON.stringify(o.stderr)}`;
}

async function run(
  cmd: string,
  args: string[],
  cwd?: string,
  stdin?: Uint8Array,
) {
  const child = new Deno.Command(cmd, {
    args,
    cwd,
    env: { ...SANITIZER_ENV, PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
    clearEnv: true,
    stdin: stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // Written while the output is read: the harness answers as it reads.
  const writing = stdin
    ? (async () => {
      const w = child.stdin.getWriter();
      await w.write(stdin);
      await w.close();
    })()
    : Promise.resolve();
  const out = await child.output();
  await writing;
  const dec = new TextDecoder();
  return {
    code: out.code,
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr),
  };
}

/** Links the mutant harness with `program`'s module and the sanitized runtime. */
async function buildHarness(program: string, dir: string): Promise<string> {
  const { path: module } = await compileCached(wasmPath(program), 2, {
    emit: "obj",
  });
  const main = await sanitizedObject("main.c", "asan", [
    "-Dmain=gw_program_main",
  ]);
  const exe = `${dir}/harness_${program}`;
  await linkSanitized(
    exe,
    [`${RUNTIME}tests/mutant_harness.c`, module, main],
    RUNTIME_FILES,
    "asan",
  );
  return exe;
}

Deno.test({
  name:
    "hostile snapshots: thousands of mutants refused cleanly or restored (ASan+UBSan)",
  ignore: !haveSanitizers(), // reason: needs clang-14 with its sanitizer runtimes
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "godwit-hostile-" });
    try {
      const harness: Record<string, string> = {};
      for (const p of new Set(BASES.map((b) => b.program))) {
        harness[p] = await buildHarness(p, root);
      }
      const totals: Record<string, number> = {};
      const categories: Record<string, number> = {};
      const failures: string[] = [];
      let count = 0;
      for (const [bi, base] of BASES.entries()) {
        const work = `${root}/base${bi}`;
        await Deno.mkdir(work);
        const runDir = `${work}/run`;
        const dirArgs = (d: string) => (base.dir ? ["--dir", `${d}::.`] : []);
        if (base.dir) await copyTree(`${TESTDATA}/${base.dir}`, runDir);
        const snap = `${work}/base.snap`;
        const made = await run(harness[base.program], [
          "run",
          "--snapshot",
          snap,
          "--checkpoint-after",
          String(base.checkpointAfter),
          ...dirArgs(runDir),
          "--",
          ...base.args,
        ], work);
        assert.equal(
          made.code,
          85,
          `${base.name}: base checkpoint: ${made.stderr}`,
        );
        const file = await Deno.readFile(snap);
        const jsonLen = Number(
          new DataView(file.buffer).getBigUint64(16, true),
        );
        const json = JSON.parse(
          new TextDecoder().decode(file.subarray(32, 32 + jsonLen)),
        );
        assert.equal(
          base.check(json),
          undefined,
          `${base.name}: base snapshot`,
        );
        // The mutants' directory starts as the program left it at the
        // checkpoint (seed); the unmodified snapshot (id 0) must restore.
        const mutants: Mutant[] = [
          { what: "unmodified", category: "control" },
          ...mutantsOf(file, 1 + bi).filter((m) =>
            base.repeats || !m.category.startsWith("entry repeated")
          ),
        ];
        const started = performance.now();
        const shards = [0, 1].map((k) =>
          mutants.map((m, id) => ({ id, m })).filter(({ id }) => id % 2 === k)
        );
        const outputs = await Promise.all(shards.map(async (shard, k) => {
          const shardDir = `${work}/shard${k}`;
          await Deno.mkdir(shardDir);
          return await run(
            harness[base.program],
            [
              "mutate",
              snap,
              base.dir ? runDir : "-",
              shardDir,
              String(TIMEOUT_MS),
              ...dirArgs(`${shardDir}/dir`),
              ...base.restoreArgs,
            ],
            shardDir,
            encodeMutants(shard),
          );
        }));
        console.log(
          `${base.name}: ${mutants.length} mutants in ${
            ((performance.now() - started) / 1000).toFixed(1)
          } s`,
        );
        const outcomes: Outcome[] = [];
        for (const out of outputs) {
          assert.equal(out.code, 0, `${base.name}: harness: ${out.stderr}`);
          outcomes.push(
            ...out.stdout.split("\n").filter((l) => l).map(parseOutcome),
          );
        }
        assert.equal(
          outcomes.length,
          mutants.length,
          `${base.name}: every mutant ran`,
        );
        for (const o of outcomes) {
          const m = mutants[o.id];
          const bad = verdict(o);
          if (o.id === 0) {
            assert.ok(
              o.status === "exit" && o.code === base.exitCode &&
                RESUMED.test(o.stderr),
              `${base.name}: the unmodified snapshot must restore and run: ${
                JSON.stringify(o)
              }`,
            );
            continue;
          }
          count++;
          categories[m.category] = (categories[m.category] ?? 0) + 1;
          if (bad) {
            failures.push(`${base.name}: ${m.what}: ${bad}`);
            continue;
          }
          const kind = o.status === "exit" && o.code === 125
            ? "refused"
            : o.status === "timeout"
            ? "restored, still running at the time limit"
            : "restored and ran";
          totals[kind] = (totals[kind] ?? 0) + 1;
        }
      }
      console.log(
        `hostile snapshots: ${count} mutants of ${BASES.length} snapshots: ${
          Object.entries(totals).map(([k, v]) => `${v} ${k}`).join(", ")
        }; ${failures.length} failures`,
      );
      console.log(
        `by kind: ${
          Object.entries(categories).map(([k, v]) => `${k} ${v}`).join(", ")
        }`,
      );
      assert.deepEqual(
        failures.slice(0, 40),
        [],
        `${failures.length} mutants misbehaved`,
      );
      assert.ok(count >= 5000, `only ${count} mutants`);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "checkpoint threads under ThreadSanitizer: compressor threads, timer, restore",
  ignore: !haveSanitizers(), // reason: needs clang-14 with its sanitizer runtimes
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "godwit-tsan-" });
    try {
      const { path: module } = await compileCached(wasmPath("sieve"), 2, {
        emit: "obj",
      });
      const main = await sanitizedObject("main.c", "tsan", [
        "-Dmain=gw_program_main",
      ]);
      const exe = `${root}/sieve_tsan`;
      await linkSanitized(
        exe,
        [`${RUNTIME}tests/mutant_harness.c`, module, main],
        RUNTIME_FILES,
        "tsan",
      );
      // 2.5 MB of memory: several 32-page ranges, compressed by one thread
      // per CPU. The first checkpoint (after 100000 points, when the
      // sieve has marked pages) already has two ranges, so the first use
      // of the compressor's tables is on two threads at once; then the
      // timer thread requests one every 300 ms (each takes about a second
      // under TSan: the period restarts when a checkpoint ends).
      const snap = `${root}/s.snap`;
      const r = await run(exe, [
        "run",
        "--snapshot",
        snap,
        "--checkpoint-after",
        "100000",
        "--checkpoint-every",
        "0.3",
        "--continue",
        "--",
        "2500000",
        "2",
      ], root);
      assert.doesNotMatch(r.stderr, SANITIZER_REPORT, r.stderr);
      assert.equal(r.code, 0, r.stderr);
      const file = await Deno.readFile(snap);
      const jsonLen = Number(new DataView(file.buffer).getBigUint64(16, true));
      const json = JSON.parse(
        new TextDecoder().decode(file.subarray(32, 32 + jsonLen)),
      );
      assert.ok(
        json.memories[0].ranges.length >= 2,
        "more than one range: the helper threads ran",
      );
      const back = await run(exe, ["run", "--restore", snap], root);
      assert.doesNotMatch(back.stderr, SANITIZER_REPORT, back.stderr);
      assert.equal(back.code, 0, back.stderr);
      // The last checkpoint may have been taken while the results were
      // being printed: the restored run prints the rest.
      assert.ok(
        r.stdout.endsWith(back.stdout),
        "the restored run ends as the whole run did",
      );
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
