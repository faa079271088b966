/**
 * Faults while checkpointing, on programs compiled by Godwit:
 * - SIGKILL while a snapshot is being written leaves the previous one
 *   intact: it validates and restores to the right output;
 * - a full disk (a 256 KiB tmpfs when we may mount one, else a file-size
 *   limit) is one clear line, the previous snapshot is untouched, and the
 *   program keeps running to its normal end (docs/cli.md);
 * - a burst of 100 SIGUSR1 with --continue: every checkpoint served is a
 *   valid snapshot, the run's output is unchanged;
 * - a request while the program is blocked reading an empty pipe is served
 *   (saved at the import call), and the restore reads the input;
 * - --checkpoint-every with --continue under load: the snapshot file,
 *   read again and again while the program runs, validates every time.
 *
 * Snapshots are validated by the TypeScript reader (compiler/snapshot/
 * read.ts: CRC, lengths, JSON, every zlib stream inflated by node:zlib),
 * an implementation independent of the runtime's. Outputs are compared with
 * native builds of the same C programs.
 *
 * Run: `deno test -A tests/checkpoint_faults_test.ts`.
 */

import assert from "node:assert/strict";
import {
  buildNative,
  compileCached,
  cSourcePath,
  readExpected,
  runWithStdin,
  TESTDATA,
  wasmPath,
} from "../scripts/bench_lib.ts";
import { memoryBytes, readSnapshot } from "../compiler/snapshot/read.ts";

const sanitizers = { sanitizeOps: false, sanitizeResources: false };

/** sieve with a 20 MB memory, about a second of work. */
const SIEVE_ARGS = ["20000000", "8"];

/** Throws unless `bytes` is a whole, valid snapshot (all memory inflated). */
function validate(bytes: Uint8Array): number {
  const s = readSnapshot(bytes);
  for (let i = 0; i < s.memories.length; i++) memoryBytes(s, i);
  return s.frames.length;
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` every `ms` until it holds; false after `limitMs`. */
async function waitFor(
  cond: () => boolean,
  limitMs: number,
  ms = 1,
): Promise<boolean> {
  const end = Date.now() + limitMs;
  while (!cond()) {
    if (Date.now() > end) return false;
    await sleep(ms);
  }
  return true;
}

function spawn(
  exe: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
) {
  return new Deno.Command(exe, {
    args,
    cwd,
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

const dec = new TextDecoder();

const sieveOracles = new Map<
  string,
  Promise<{ exe: string; stdout: string }>
>();
/** The compiled sieve and the native build's output for `args`. */
function sieve(args = SIEVE_ARGS): Promise<{ exe: string; stdout: string }> {
  const key = args.join(" ");
  const cached = sieveOracles.get(key);
  if (cached) return cached;
  const p = (async () => {
    const { path } = await compileCached(wasmPath("sieve"), 2);
    const dir = await Deno.makeTempDir({ prefix: "godwit-faults-native-" });
    try {
      await buildNative(cSourcePath("sieve")!, `${dir}/sieve`);
      const r = await runWithStdin([`${dir}/sieve`, ...args], dir);
      assert.equal(r.code, 0);
      return { exe: path, stdout: r.stdout };
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  })();
  sieveOracles.set(key, p);
  return p;
}

/** Restores `snap` and checks the run ends as the native one. */
async function restoresToTheEnd(
  exe: string,
  snap: string,
  dir: string,
  stdout: string,
) {
  const r = await runWithStdin([exe, "--restore", snap], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, stdout);
}

Deno.test({
  name:
    "checkpoint faults: SIGKILL while writing leaves the previous snapshot intact",
  ...sanitizers,
  async fn() {
    const { exe, stdout } = await sieve();
    const dir = await Deno.makeTempDir({ prefix: "godwit-faults-kill-" });
    try {
      let killedMidWrite = 0;
      for (let round = 0; round < 3; round++) {
        const snap = `${dir}/s${round}.snapshot`;
        const child = spawn(exe, [
          "--snapshot",
          snap,
          "--checkpoint-every",
          "0.05",
          "--continue",
          "--",
          ...SIEVE_ARGS,
        ], dir);
        const tmp = `${snap}.tmp.${child.pid}`;
        // A first snapshot, then the moment the next one is being written.
        assert.ok(
          await waitFor(() => exists(snap), 60_000),
          "no first snapshot",
        );
        const before = await Deno.readFile(snap);
        const caught = await waitFor(() => exists(tmp), 60_000);
        child.kill("SIGKILL");
        const out = await child.output();
        assert.equal(
          out.signal,
          "SIGKILL",
          "the program ended before the kill",
        );
        if (caught && exists(tmp)) killedMidWrite++;
        const after = await Deno.readFile(snap);
        validate(after); // the previous snapshot, or the new one if the rename won
        await restoresToTheEnd(exe, snap, dir, stdout);
        if (!exists(tmp)) assert.ok(after.length > 0 && before.length > 0);
        await Deno.remove(tmp).catch(() => {});
      }
      // At least one kill landed while the temporary file was being written.
      assert.ok(killedMidWrite > 0, "no kill landed during a write");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/** Mounts a small tmpfs at `dir` (root only); false when not permitted. */
async function mountTmpfs(dir: string, size: string): Promise<boolean> {
  try {
    const r = await new Deno.Command("mount", {
      args: ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir],
      stdout: "null",
      stderr: "null",
    }).output();
    return r.success;
  } catch {
    return false;
  }
}

Deno.test({
  name:
    "checkpoint faults: a full disk is one clear line and the program keeps running",
  ...sanitizers,
  async fn() {
    const { exe, stdout } = await sieve();
    const dir = await Deno.makeTempDir({ prefix: "godwit-faults-full-" });
    const disk = `${dir}/disk`;
    await Deno.mkdir(disk);
    const mounted = await mountTmpfs(disk, "256k");
    try {
      // The previous snapshot: a small one (a short sieve, same program).
      const snap = `${disk}/godwit.snapshot`;
      const small = await runWithStdin([
        exe,
        "--snapshot",
        snap,
        "--checkpoint-after",
        "50",
        "--",
        "1000",
        "1",
      ], dir);
      assert.equal(small.code, 85, small.stderr);
      const previous = await Deno.readFile(snap);
      // The 20 MB memory's snapshot (about 2 MB) does not fit: ENOSPC on
      // the tmpfs; without one, a 256 KiB file-size limit (EFBIG, SIGXFSZ
      // ignored) stands in for the full disk.
      const command = mounted
        ? [
          exe,
          "--snapshot",
          snap,
          "--checkpoint-after",
          "100000",
          "--",
          ...SIEVE_ARGS,
        ]
        : [
          "/bin/sh",
          "-c",
          'ulimit -f 256; trap "" XFSZ; exec "$@"',
          "sh",
          exe,
          "--snapshot",
          snap,
          "--checkpoint-after",
          "100000",
          "--",
          ...SIEVE_ARGS,
        ];
      const r = await runWithStdin(command, dir);
      const reason = mounted ? "No space left on device" : "File too large";
      assert.equal(r.code, 0, `the program must keep running: ${r.stderr}`);
      assert.equal(r.stdout, stdout, "its state was not lost");
      const lines = r.stderr.split("\n").filter((l) => l);
      assert.equal(lines.length, 1, r.stderr);
      assert.match(
        lines[0],
        new RegExp(
          `^godwit: error: checkpoint not written: cannot write .*: ${reason}; the program keeps running$`,
        ),
      );
      assert.deepEqual(
        await Deno.readFile(snap),
        previous,
        "the previous snapshot is untouched",
      );
      assert.deepEqual([...Deno.readDirSync(disk)].map((e) => e.name), [
        "godwit.snapshot",
      ], "no temporary file left");
      validate(previous);
    } finally {
      if (mounted) await new Deno.Command("umount", { args: [disk] }).output();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "checkpoint faults: a burst of 100 SIGUSR1 with --continue, every snapshot valid",
  ...sanitizers,
  async fn() {
    // A 2 MB memory (short checkpoints), a few seconds of work.
    const args = ["2000000", "150"];
    const { exe, stdout } = await sieve(args);
    const dir = await Deno.makeTempDir({ prefix: "godwit-faults-burst-" });
    try {
      const snap = `${dir}/godwit.snapshot`;
      const child = spawn(
        exe,
        ["--snapshot", snap, "--continue", "--", ...args],
        dir,
        { GODWIT_CR_STATS: "1" },
      );
      // One cr-stats line per checkpoint written, read as they come.
      let served = 0;
      const stderrLines: string[] = [];
      const reading = (async () => {
        let rest = "";
        for await (
          const chunk of child.stderr.pipeThrough(new TextDecoderStream())
        ) {
          rest += chunk;
          const lines = rest.split("\n");
          rest = lines.pop()!;
          for (const l of lines) {
            stderrLines.push(l);
            if (l.startsWith("godwit: cr-stats: checkpoint:")) served++;
          }
        }
      })();
      const stdoutText = new Response(child.stdout).text();
      // A SIGUSR1 before the runtime's main has blocked it kills the
      // process (as any signal without a handler): wait for the handler.
      assert.ok(
        await waitFor(() => handlesCheckpointSignal(child.pid), 30_000),
        "no SIGUSR1 handler",
      );
      // 100 requests, each sent once the previous one was served (or after
      // 200 ms); the file after each served one must be a whole snapshot.
      let validated = 0, ended = false;
      for (let k = 0; k < 100 && !ended; k++) {
        const before = served;
        try {
          child.kill("SIGUSR1");
        } catch {
          ended = true; // it has finished
        }
        if (await waitFor(() => served > before, 200)) {
          validate(await Deno.readFile(snap));
          validated++;
        }
      }
      const status = await child.status;
      await reading;
      assert.equal(status.code, 0, stderrLines.join("\n"));
      assert.equal(await stdoutText, stdout, "the run's output is unchanged");
      const other = stderrLines.filter((l) =>
        l && !l.startsWith("godwit: cr-stats: ")
      );
      assert.deepEqual(other, [], "no other messages");
      assert.ok(served >= 2 && served <= 100, `${served} checkpoints`);
      validate(await Deno.readFile(snap));
      await restoresToTheEnd(exe, snap, dir, stdout);
      console.log(
        `100 SIGUSR1: ${served} checkpoints served, ${validated} validated right after being served`,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/** System calls a blocking fd_read waits in: read, and the poll(2) it
 * waits in 50 ms at a time (x86-64: read 0, poll 7, ppoll 271; aarch64:
 * read 63, ppoll 73). */
const READ_CALLS = Deno.build.arch === "x86_64"
  ? ["0", "7", "271"]
  : ["63", "73"];

/** Whether a thread of `pid` is waiting to read. */
function inRead(pid: number): boolean {
  try {
    for (const t of Deno.readDirSync(`/proc/${pid}/task`)) {
      const call =
        Deno.readTextFileSync(`/proc/${pid}/task/${t.name}/syscall`).split(
          " ",
        )[0];
      if (READ_CALLS.includes(call)) return true;
    }
  } catch { /* gone, or /proc not readable */ }
  return false;
}

/** Whether `pid` has a SIGUSR1 handler (a signal before it would kill it). */
function handlesCheckpointSignal(pid: number): boolean {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    const caught = /^SigCgt:\s*([0-9a-f]+)$/m.exec(status);
    return caught !== null && (BigInt(`0x${caught[1]}`) & (1n << 9n)) !== 0n;
  } catch {
    return false;
  }
}

Deno.test({
  name:
    "checkpoint faults: a request during a blocking read of an empty pipe is served",
  ...sanitizers,
  async fn() {
    const { path: exe } = await compileCached(wasmPath("textfilter"), 2);
    const expected = await readExpected("textfilter");
    const dir = await Deno.makeTempDir({ prefix: "godwit-faults-read-" });
    try {
      const snap = `${dir}/godwit.snapshot`;
      const child = new Deno.Command(exe, {
        args: ["--snapshot", snap, "--"],
        cwd: dir,
        clearEnv: true,
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      // Blocked in read(2) on the pipe we hold open and never write to.
      const blocked = await waitFor(() => inRead(child.pid), 30_000, 5);
      child.kill("SIGUSR1");
      const out = await child.output();
      await child.stdin.close().catch(() => {});
      assert.ok(blocked, "the program never blocked in read");
      assert.equal(out.code, 85, dec.decode(out.stderr));
      const s = readSnapshot(await Deno.readFile(snap));
      assert.equal(
        s.frames[s.frames.length - 1].kind,
        "import_call",
        "saved at the read",
      );
      const r = await runWithStdin(
        [exe, "--restore", snap],
        dir,
        `${TESTDATA}/inputs/poem.txt`,
      );
      assert.equal(r.code, expected.exitCode, r.stderr);
      assert.equal(r.stdout, expected.stdout);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "checkpoint faults: --checkpoint-every --continue under load, the file always validates",
  ...sanitizers,
  async fn() {
    const { exe, stdout } = await sieve();
    const dir = await Deno.makeTempDir({ prefix: "godwit-faults-every-" });
    try {
      const snap = `${dir}/godwit.snapshot`;
      const child = spawn(exe, [
        "--snapshot",
        snap,
        "--checkpoint-every",
        "0.1",
        "--continue",
        "--",
        ...SIEVE_ARGS,
      ], dir);
      let running = true;
      const done = child.output().then((o) => {
        running = false;
        return o;
      });
      let reads = 0;
      const seen = new Set<number>();
      while (running) {
        if (exists(snap)) {
          const bytes = await Deno.readFile(snap);
          validate(bytes); // throws on a torn or partial file
          seen.add(
            new DataView(bytes.buffer).getUint32(bytes.length - 4, true),
          );
          reads++;
        }
        await sleep(2);
      }
      const out = await done;
      assert.equal(out.code, 0, dec.decode(out.stderr));
      assert.equal(dec.decode(out.stdout), stdout);
      assert.ok(reads >= 5, `${reads} reads`);
      assert.ok(seen.size >= 2, `${seen.size} distinct snapshots seen`);
      console.log(
        `--checkpoint-every 0.1: ${reads} reads of ${seen.size} snapshots, all valid`,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
