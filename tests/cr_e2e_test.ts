/**
 * End-to-end checkpoint/restore: programs of testdata/cases.json compiled
 * by Godwit are stopped with `--checkpoint-after N` at many N, resumed with
 * `--restore` in a fresh process, and the concatenated stdout, the exit
 * code, stderr and the files they leave are compared with the expected
 * outputs recorded from native builds (testdata/expected); a program with a
 * directory is restored in a copy of it elsewhere, granted with
 * `--dir COPY::.` (a migration). Also: SIGUSR1 at
 * random moments (oracle: the native build's output), a sleeping program
 * checkpointed within 100 ms whose restored sleep waits only for what was
 * left, stdin read from a file (`< data`) resumed midway, and chains (a
 * restored program checkpointed again, as the old in-process torture test's
 * repeated checkpoints did), and simd_ops's snapshots holding v128 values in
 * locals and on an operand stack (read independently and by `godwit
 * inspect`).
 *
 * Run: `deno test -A tests/cr_e2e_test.ts` (GODWIT_TEST_CACHE chooses the
 * compile cache; `--filter NAME` runs one case).
 */

import assert from "node:assert/strict";
import {
  buildNative,
  compileCached,
  copyTree,
  cSourcePath,
  godwitArgs,
  listTree,
  readExpected,
  readManifest,
  runWithStdin,
  type StdinRun,
  type TestCase,
  TESTDATA,
  wasmPath,
} from "../scripts/bench_lib.ts";

const manifest = await readManifest();
const sanitizers = { sanitizeOps: false, sanitizeResources: false };

/** Exit status of a program that wrote a checkpoint and stopped. */
const EXIT_CHECKPOINTED = 85;

/** Checkpoint positions tried for every case (points reached so far). */
const POSITIONS = [1, 2, 3, 7, 25, 100, 400, 2000, 10000, 100000];

/**
 * Where simd_ops is checkpointed to find v128 values live: early, in the
 * middle and near the end of its run (300 rounds reach about 7,870 points).
 * At 23 and 41 its `spin` runs while main's operand stack holds a v128.
 */
const SIMD_POSITIONS = [12, 23, 41, 401, 3001, 7850];
/** Positions of SIMD_POSITIONS known to have a v128 on an operand stack. */
const SIMD_STACK_POSITIONS = [23, 41];

type Outcome = StdinRun;

/**
 * Runs exe with args in cwd; stdin comes from a file through the shell
 * (`< file`, a regular file as in real use) or is empty.
 */
function runExe(
  exe: string,
  args: string[],
  cwd: string,
  stdinFile?: string,
): Promise<Outcome> {
  return runWithStdin([exe, ...args], cwd, stdinFile);
}

/** Cases whose command line has runtime options (all but "no separator"). */
const cases = manifest.cases.filter((c) => c.separator !== false);

for (const testCase of cases) {
  Deno.test({
    name: `checkpoint/restore at many points: ${testCase.name}`,
    ...sanitizers,
    fn: () => checkpointEverywhere(testCase),
  });
}

async function checkpointEverywhere(testCase: TestCase) {
  const { path: exe } = await compileCached(wasmPath(testCase.program), 2);
  const expected = await readExpected(testCase.name);
  const stdinFile = testCase.stdin
    ? `${TESTDATA}/${testCase.stdin}`
    : undefined;
  let checkpoints = 0;
  for (const n of POSITIONS) {
    const dir = await Deno.makeTempDir({
      prefix: `godwit-cr-${testCase.name}-`,
    });
    let moved: string | undefined; // where a restore found the files
    try {
      if (testCase.dir) await copyTree(`${TESTDATA}/${testCase.dir}`, dir);
      const snap = `${dir}/../${dir.replace(/.*\//, "")}.snapshot`;
      const first = await runExe(
        exe,
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
      let stdout = first.stdout, code = first.code, stderr = first.stderr;
      const what = `${testCase.name} checkpointed after ${n} points`;
      if (first.code === EXIT_CHECKPOINTED) {
        checkpoints++;
        assert.equal(
          first.stderr,
          `godwit: checkpoint written to ${snap}\n`,
          what,
        );
        // A migration: the files are copied to another directory, which
        // the restore grants to the snapshot's preopen "." (a restore gets
        // no directory its command line does not grant).
        const restoreArgs = ["--restore", snap];
        if (testCase.dir) {
          moved = await Deno.makeTempDir({
            prefix: `godwit-cr-${testCase.name}-moved-`,
          });
          await copyTree(dir, moved);
          restoreArgs.push("--dir", `${moved}::.`);
        }
        const second = await runExe(
          exe,
          [...restoreArgs, "--"],
          moved ?? dir,
          stdinFile,
        );
        stdout += second.stdout;
        code = second.code;
        stderr = second.stderr;
        await Deno.remove(snap);
      }
      assert.equal(stdout, expected.stdout, `stdout: ${what}`);
      assert.equal(code, expected.exitCode, `exit code: ${what}\n${stderr}`);
      if (expected.stderr !== undefined) {
        assert.ok(stderr.startsWith(expected.stderr), `stderr: ${what}`);
      } else {
        assert.equal(stderr, "", `stderr: ${what}`);
      }
      if (expected.files) {
        assert.deepEqual(
          await listTree(moved ?? dir),
          expected.files,
          `files: ${what}`,
        );
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
      if (moved) await Deno.remove(moved, { recursive: true });
    }
  }
  // Every program reaches at least one migration point (_start's entry).
  assert.ok(checkpoints > 0, `${testCase.name}: never checkpointed`);
}

Deno.test({
  name: "checkpoint/restore: SIGUSR1 at random moments (fib, native oracle)",
  ...sanitizers,
  fn: async () => {
    const { path: exe } = await compileCached(wasmPath("fib"), 2);
    const dir = await Deno.makeTempDir({ prefix: "godwit-cr-signal-" });
    try {
      const native = `${dir}/fib-native`;
      await buildNative(cSourcePath("fib")!, native);
      const args = ["37"]; // long enough (about 0.3 s) for every delay below
      const oracle = await runExe(native, args, dir);
      assert.equal(oracle.code, 0);
      let seed = 12345;
      let signalled = 0;
      for (let round = 0; round < 6; round++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        const delay = 5 + (seed >>> 8) % 150;
        const snap = `${dir}/s${round}.snapshot`;
        const child = new Deno.Command(exe, {
          args: ["--snapshot", snap, "--", ...args],
          cwd: dir,
          stdout: "piped",
          stderr: "piped",
          clearEnv: true,
        }).spawn();
        await new Promise((r) => setTimeout(r, delay));
        try {
          child.kill("SIGUSR1");
        } catch { /* already gone */ }
        const first = await child.output();
        const dec = new TextDecoder();
        let stdout = dec.decode(first.stdout), code = first.code;
        if (code === EXIT_CHECKPOINTED) {
          signalled++;
          const second = await runExe(exe, ["--restore", snap, "--"], dir);
          stdout += second.stdout;
          code = second.code;
          assert.equal(second.stderr, "", `round ${round}`);
        }
        assert.equal(stdout, oracle.stdout, `round ${round}, ${delay} ms`);
        assert.equal(code, 0, `round ${round}`);
      }
      assert.ok(signalled > 0, "no signal arrived while fib was running");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "checkpoint/restore: a sleeping program gives way within 100 ms",
  ...sanitizers,
  fn: async () => {
    const { path: exe } = await compileCached(wasmPath("sleeper"), 2);
    const dir = await Deno.makeTempDir({ prefix: "godwit-cr-sleep-" });
    try {
      const native = `${dir}/sleeper-native`;
      await buildNative(cSourcePath("sleeper")!, native);
      // 3 sleeps of 600 ms; the signal comes 300 ms into the second one.
      const args = ["3", "600"];
      const oracle = await runExe(native, args, dir);
      const snap = `${dir}/sleep.snapshot`;
      const child = new Deno.Command(exe, {
        args: ["--snapshot", snap, "--", ...args],
        cwd: dir,
        stdout: "piped",
        stderr: "piped",
        clearEnv: true,
      }).spawn();
      await new Promise((r) => setTimeout(r, 900));
      const signalled = performance.now();
      child.kill("SIGUSR1");
      const first = await child.output();
      const reaction = performance.now() - signalled;
      const dec = new TextDecoder();
      assert.equal(first.code, EXIT_CHECKPOINTED, dec.decode(first.stderr));
      assert.ok(reaction < 100, `checkpoint took ${reaction.toFixed(1)} ms`);
      const second = await runExe(exe, ["--restore", snap, "--"], dir);
      assert.equal(second.code, 0, second.stderr);
      assert.equal(dec.decode(first.stdout) + second.stdout, oracle.stdout);
      // What was left: ~300 ms of the second sleep + 600 ms of the third
      // (a full restart of the interrupted sleep would take 1200 ms).
      assert.ok(
        second.ms > 800 && second.ms < 1150,
        `restored run took ${second.ms.toFixed(0)} ms`,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "checkpoint/restore: bad restores are clear errors (exit 125)",
  ...sanitizers,
  fn: async () => {
    const { path: exe } = await compileCached(wasmPath("exitcode"), 2);
    const dir = await Deno.makeTempDir({ prefix: "godwit-cr-bad-" });
    try {
      const missing = await runExe(
        exe,
        ["--restore", "nope.snapshot", "--"],
        dir,
      );
      assert.equal(missing.code, 125);
      assert.match(
        missing.stderr,
        /^godwit: error: cannot open snapshot nope\.snapshot/,
      );
      await Deno.writeTextFile(`${dir}/junk.snapshot`, "junk");
      const junk = await runExe(exe, ["--restore", "junk.snapshot", "--"], dir);
      assert.equal(junk.code, 125);
      assert.match(junk.stderr, /^godwit: error: /);
      const args = await runExe(exe, ["--restore", "x", "--", "arg"], dir);
      assert.equal(args.code, 125);
      assert.match(args.stderr, /arguments come from the snapshot/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

// A restored program checkpoints again (the resume clones poll and save
// too): checkpoint after N points, restore and checkpoint after N more,
// restore and finish; the three runs' stdout is the uninterrupted one.
Deno.test({
  name: "checkpoint/restore chains: a restored program is checkpointed again",
  ...sanitizers,
  fn: async () => {
    let chains = 0;
    // Programs with recursion, loops, indirect calls, multi-value and v128.
    const chained = [
      "fib",
      "sha256",
      "binarytrees",
      "wat_call_indirect",
      "simd_ops",
    ];
    for (const testCase of cases.filter((c) => chained.includes(c.name))) {
      const { path: exe } = await compileCached(wasmPath(testCase.program), 2);
      const expected = await readExpected(testCase.name);
      for (const n of [3, 10000]) {
        const dir = await Deno.makeTempDir({ prefix: "godwit-cr-chain-" });
        try {
          const what = `${testCase.name}, every ${n} points`;
          let r = await runExe(exe, [
            "--snapshot",
            `${dir}/1.snap`,
            "--checkpoint-after",
            String(n),
            ...godwitArgs(testCase, dir),
          ], dir);
          let stdout = r.stdout;
          let checkpoints = 0;
          while (r.code === EXIT_CHECKPOINTED && checkpoints < 2) {
            checkpoints++;
            const args = ["--restore", `${dir}/${checkpoints}.snap`];
            if (checkpoints === 1) {
              args.push(
                "--snapshot",
                `${dir}/2.snap`,
                "--checkpoint-after",
                String(n),
              );
            }
            r = await runExe(exe, [...args, "--"], dir);
            stdout += r.stdout;
          }
          if (checkpoints === 2) chains++;
          assert.equal(stdout, expected.stdout, `stdout: ${what}`);
          assert.equal(r.code, expected.exitCode, `exit code: ${what}`);
        } finally {
          await Deno.remove(dir, { recursive: true });
        }
      }
    }
    assert.ok(chains >= 4, `only ${chains} runs were checkpointed twice`);
  },
});

/** A snapshot's JSON metadata (docs/snapshot.md), read independently of Godwit. */
async function snapshotMeta(path: string): Promise<{
  frames: {
    locals: { type: string; value: unknown }[];
    stack: { type: string; value: unknown }[];
  }[];
}> {
  const bytes = await Deno.readFile(path);
  const jsonLength = Number(
    new DataView(bytes.buffer).getBigUint64(16, true),
  );
  return JSON.parse(
    new TextDecoder().decode(bytes.subarray(32, 32 + jsonLength)),
  );
}

// simd_ops keeps its v128 inputs and accumulators in locals across every
// call and loop iteration: snapshots taken at points spread over its run
// hold them (16 bytes each), `godwit inspect` shows them, and restores
// finish with the output V8 gave.
Deno.test({
  name: "checkpoint/restore: v128 values live at the checkpoint (simd_ops)",
  ...sanitizers,
  fn: async () => {
    const testCase = cases.find((c) => c.name === "simd_ops")!;
    const { path: exe } = await compileCached(wasmPath(testCase.program), 2);
    const expected = await readExpected(testCase.name);
    const dir = await Deno.makeTempDir({ prefix: "godwit-cr-simd-" });
    try {
      let inspected = false;
      for (const n of SIMD_POSITIONS) {
        const snap = `${dir}/${n}.snapshot`;
        const first = await runExe(exe, [
          "--snapshot",
          snap,
          "--checkpoint-after",
          String(n),
          ...godwitArgs(testCase, dir),
        ], dir);
        const what = `simd_ops checkpointed after ${n} points`;
        assert.equal(first.code, EXIT_CHECKPOINTED, `${what}: ${first.stderr}`);
        const frames = (await snapshotMeta(snap)).frames;
        const values = frames.flatMap((f) => [...f.locals, ...f.stack])
          .filter((v) => v.type === "v128").map((v) => v.value as string);
        const onStack = frames.flatMap((f) => f.stack)
          .filter((v) => v.type === "v128").length;
        if (SIMD_STACK_POSITIONS.includes(n)) {
          assert.ok(onStack > 0, `${what}: no v128 on an operand stack`);
        }
        assert.ok(values.length >= 4, `${what}: ${values.length} v128 values`);
        for (const v of values) assert.match(v, /^[0-9a-f]{32}$/, what);
        assert.ok(
          values.some((v) => /[^0]/.test(v)),
          `${what}: every v128 is zero`,
        );
        if (!inspected) {
          // Once: `godwit inspect` reads the snapshot and shows the v128s.
          const inspect = await new Deno.Command(Deno.execPath(), {
            args: [
              "run",
              "-A",
              new URL("../mod.ts", import.meta.url).pathname,
              "inspect",
              snap,
              "--module",
              wasmPath(testCase.program),
            ],
            stdout: "piped",
            stderr: "piped",
          }).output();
          const text = new TextDecoder().decode(inspect.stdout);
          assert.equal(
            inspect.code,
            0,
            new TextDecoder().decode(inspect.stderr),
          );
          assert.ok(
            text.includes(`v128 ${values[0]}`),
            `inspect shows v128 ${values[0]}`,
          );
          inspected = true;
        }
        const second = await runExe(exe, ["--restore", snap, "--"], dir);
        assert.equal(first.stdout + second.stdout, expected.stdout, what);
        assert.equal(
          second.code,
          expected.exitCode,
          `${what}: ${second.stderr}`,
        );
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
