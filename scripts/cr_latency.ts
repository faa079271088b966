/**
 * Checkpoint/restore latency of the benchmark programs
 * (`testdata/cases.json` "benchmarks"), as the runtime itself reports it
 * with `GODWIT_CR_STATS=1` (docs/cli.md):
 *
 * - request -> durable snapshot: from SIGUSR1 (sent after `--delay`
 *   seconds) to the snapshot fsynced and renamed into place;
 * - restore: from process start to the innermost frame resumed;
 *
 * each the median of `--runs` (default 3) runs, with the memory size and
 * the snapshot size. Prints a markdown table.
 *
 *   deno run -A scripts/cr_latency.ts [--runs N] [--delay S] [program...]
 *
 * @module
 */

import { parseArgs } from "node:util";
import { compileCached, readManifest, wasmPath } from "./bench_lib.ts";

/** What one checkpoint run reported. */
interface CheckpointStats {
  durable: number;
  memory: number;
  snapshot: number;
}

const CHECKPOINT_LINE =
  /cr-stats: checkpoint: .*request->durable ([0-9.]+) s; memory (\d+) bytes, snapshot (\d+) bytes/;
const RESTORE_LINE = /cr-stats: restore: .*resumed ([0-9.]+) s after/;

/** The median of numbers. */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Runs exe with SIGUSR1 after delay seconds; the stats it printed. */
async function checkpointOnce(
  exe: string,
  args: string[],
  snapshot: string,
  delay: number,
): Promise<CheckpointStats> {
  const child = new Deno.Command(exe, {
    args: ["--snapshot", snapshot, "--", ...args],
    env: { GODWIT_CR_STATS: "1" },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  await new Promise((resolve) => setTimeout(resolve, delay * 1000));
  try {
    child.kill("SIGUSR1");
  } catch { /* it already ended: reported below */ }
  const out = await child.output();
  const stderr = new TextDecoder().decode(out.stderr);
  const m = CHECKPOINT_LINE.exec(stderr);
  if (out.code === 0 && delay > 0.02) {
    // Finished before the signal (a short benchmark): ask sooner.
    return checkpointOnce(exe, args, snapshot, delay / 2);
  }
  if (out.code !== 85 || m === null) {
    throw new Error(
      `${exe}: expected a checkpoint (exit 85) after ${delay} s, got exit ${out.code}: ${stderr.trim()}`,
    );
  }
  return {
    durable: Number(m[1]),
    memory: Number(m[2]),
    snapshot: Number(m[3]),
  };
}

/** Restores snapshot with exe, lets it finish; start -> resumed seconds. */
async function restoreOnce(exe: string, snapshot: string): Promise<number> {
  const out = await new Deno.Command(exe, {
    args: ["--snapshot", `${snapshot}.next`, "--restore", snapshot, "--"],
    env: { GODWIT_CR_STATS: "1" },
    stdout: "null",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  const m = RESTORE_LINE.exec(stderr);
  if (out.code !== 0 || m === null) {
    throw new Error(
      `${exe} --restore: exit ${out.code}: ${stderr.trim()}`,
    );
  }
  return Number(m[1]);
}

const MB = 1024 * 1024;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    options: {
      runs: { type: "string", default: "3" },
      delay: { type: "string", default: "0.3" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
  });
  if (values.help) {
    console.log(
      "usage: deno run -A scripts/cr_latency.ts [--runs N] [--delay S] [program...]",
    );
    return;
  }
  const runs = Number(values.runs);
  const delay = Number(values.delay);
  if (!Number.isInteger(runs) || runs < 1) {
    throw new Error(`--runs: expected a positive integer, got ${values.runs}`);
  }
  if (!(delay > 0)) {
    throw new Error(`--delay: expected positive seconds, got ${values.delay}`);
  }
  const manifest = await readManifest();
  const benchmarks = manifest.benchmarks.filter((b) =>
    positionals.length === 0 || positionals.includes(b.program)
  );
  const dir = await Deno.makeTempDir({ prefix: "godwit-cr-latency-" });
  const rows: string[] = [];
  try {
    for (const bench of benchmarks) {
      const { path: exe } = await compileCached(wasmPath(bench.program));
      const snapshot = `${dir}/${bench.program}.snap`;
      const checkpoints: CheckpointStats[] = [];
      const restores: number[] = [];
      for (let i = 0; i < runs; i++) {
        checkpoints.push(
          await checkpointOnce(exe, bench.args, snapshot, delay),
        );
        restores.push(await restoreOnce(exe, snapshot));
      }
      const memory = median(checkpoints.map((c) => c.memory));
      const size = median(checkpoints.map((c) => c.snapshot));
      const durable = median(checkpoints.map((c) => c.durable));
      const resumed = median(restores);
      rows.push(
        `| ${bench.program} ${bench.args.join(" ")} | ${
          (memory / MB).toFixed(1)
        } | ${(size / MB).toFixed(2)} | ${(durable * 1000).toFixed(1)} | ${
          (resumed * 1000).toFixed(1)
        } |`,
      );
      console.error(`${bench.program}: done`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  console.log(
    `Median of ${runs} runs; SIGUSR1 after ${delay} s; times as reported by GODWIT_CR_STATS=1.\n`,
  );
  console.log(
    "| program | memory MiB | snapshot MiB | request -> durable ms | restore start -> resumed ms |",
  );
  console.log("| --- | ---: | ---: | ---: | ---: |");
  for (const row of rows) console.log(row);
}

if (import.meta.main) {
  try {
    await main();
  } catch (e) {
    console.error(`cr_latency: error: ${(e as Error).message}`);
    Deno.exit(1);
  }
}
