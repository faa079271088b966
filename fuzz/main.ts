/**
 * `deno task fuzz`: differential fuzzing of Godwit against V8.
 *
 *   deno run -A fuzz/main.ts [--seed S] [--count N] [--jobs J] [--cr]
 *     [-O N] [--out DIR] [--reduce] [--nans] [--timeout SECONDS]
 *   deno run -A fuzz/main.ts --replay FILE.wasm [-O N] [--cr]
 *
 * Exits 1 when any module mismatched, 2 on bad usage or a harness error.
 *
 * @module
 */

import { parseArgs } from "node:util";
import {
  type CampaignResult,
  type ModuleResult,
  runCampaign,
} from "./campaign.ts";
import { formatCampaign } from "./report.ts";
import { replayFiles, replayLine } from "./replay.ts";
import { reduceReproducer } from "./reduce.ts";

const USAGE = `usage: deno task fuzz [options]

Generates random valid modules (binaryen's wasm-opt -ttf), runs every export
in Godwit and in V8 (Deno's WebAssembly) and compares results, traps, logged
values, globals and memory after each call.

options:
  --seed S            first module's seed (default: random); modules are
                      seeds S .. S+N-1, each reproducible on its own
  --count N           modules (default 100)
  --jobs J            modules at once (default 2)
  --cr                also checkpoint each call at migration points, restore
                      into a fresh instance and compare (spec driver crinvoke)
  --max-points N      with --cr: points checked per call (default 8)
  -O, --opt-level N   Godwit's optimization level (default 2)
  --nans              keep NaNs (no wasm-opt --denan); NaN sign and payload
                      are compared only where the spec fixes them
  --simd              also generate fixed-width SIMD; exports and globals
                      with a v128 in their type are not called or read
                      (JS cannot pass v128): their values reach the
                      comparison through the logger and memory
  --binaryen V        the generator: 108 (default: Debian's wasm-opt) or 132
                      (npm binaryen's, run with Node.js; adds reference
                      types; its host imports other than the logger are
                      defined in the module, fuzz/host_imports.ts)
  --target T          Godwit's target: x86_64 (default) or aarch64 (modules
                      and the spec driver built for aarch64, run under
                      qemu-aarch64; V8 stays on this machine)
  --timeout SECONDS   per-request limit (default 10; V8: twice that per module)
  --per-process N     modules one process runs (default 1000): a longer
                      campaign runs as child processes of N modules each,
                      because every in-process compile leaks memory
                      (llvm-bindings cannot free an LLVM module)
  --out DIR           reproducers go here (default fuzz-out)
  --reduce            reduce each reproducer (or the --replay file) with
                      wasm-reduce to FILE.reduced.wasm and .wat (slow)
  --reduce-timeout S  per reproducer (default 300)
  --replay FILE       run one saved module and print "match" or
                      "mismatch <kind>" (the command wasm-reduce runs)
  -h, --help          this text`;

function int(name: string, v: string | undefined, min: number, max: number) {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`--${name} must be an integer in ${min}..${max}`);
  }
  return n;
}

/** The CLI; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        seed: { type: "string" },
        count: { type: "string" },
        jobs: { type: "string" },
        cr: { type: "boolean" },
        "max-points": { type: "string" },
        "opt-level": { type: "string", short: "O" },
        nans: { type: "boolean" },
        simd: { type: "boolean" },
        binaryen: { type: "string" },
        target: { type: "string" },
        timeout: { type: "string" },
        out: { type: "string" },
        reduce: { type: "boolean" },
        "reduce-timeout": { type: "string" },
        replay: { type: "string" },
        "per-process": { type: "string" },
        // Internal: a child of a long campaign writes its modules' results
        // here (JSON) and counts its progress from --progress-base.
        results: { type: "string" },
        "progress-base": { type: "string" },
        "progress-total": { type: "string" },
        "progress-since": { type: "string" },
        quiet: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    console.error(`fuzz: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  let seed: number, count: number, jobs: number, optLevel: 0 | 1 | 2 | 3;
  let timeoutMs: number, maxPoints: number, reduceTimeout: number;
  let perProcess: number, progressBase: number, progressTotal: number;
  let progressSince: number;
  try {
    seed = int("seed", values.seed, 0, 2 ** 40) ??
      Math.floor(Math.random() * 1_000_000_000);
    count = int("count", values.count, 1, 10_000_000) ?? 100;
    jobs = int("jobs", values.jobs, 1, 64) ?? 2;
    optLevel = (int("opt-level", values["opt-level"], 0, 3) ?? 2) as
      | 0
      | 1
      | 2
      | 3;
    timeoutMs = (int("timeout", values.timeout, 1, 3600) ?? 10) * 1000;
    maxPoints = int("max-points", values["max-points"], 1, 1_000_000) ?? 8;
    reduceTimeout = int("reduce-timeout", values["reduce-timeout"], 1, 86400) ??
      300;
    perProcess = int("per-process", values["per-process"], 1, 10_000_000) ??
      MODULES_PER_PROCESS;
    progressBase = int("progress-base", values["progress-base"], 0, 1e7) ?? 0;
    progressTotal = int("progress-total", values["progress-total"], 1, 1e7) ??
      count;
    // The parent's start (ms since the epoch), so that a child's progress
    // lines count the campaign's seconds.
    progressSince = int("progress-since", values["progress-since"], 0, 1e15) ??
      Date.now();
    if (values["max-points"] && !values.cr) {
      throw new Error("--max-points needs --cr");
    }
    if (
      values.binaryen !== undefined && values.binaryen !== "108" &&
      values.binaryen !== "132"
    ) {
      throw new Error(
        `unknown --binaryen '${values.binaryen}' (expected 108 or 132)`,
      );
    }
    if (
      values.target !== undefined && values.target !== "x86_64" &&
      values.target !== "aarch64"
    ) {
      throw new Error(
        `unknown --target '${values.target}' (expected x86_64 or aarch64)`,
      );
    }
  } catch (e) {
    console.error(`fuzz: ${(e as Error).message}`);
    return 2;
  }
  const cr = values.cr ? { maxPoints, budgetMs: 5000 } : undefined;
  const target = values.target as "x86_64" | "aarch64" | undefined;
  const runOptions = { optLevel, cr, timeoutMs, jobs, target };
  const here = new URL("./main.ts", import.meta.url).pathname;
  const flags = [
    `-O`,
    String(optLevel),
    ...(values.cr ? ["--cr"] : []),
    ...(target === "aarch64" ? ["--target", "aarch64"] : []),
  ];
  const rerun = (_seed: number, path: string) =>
    `deno task fuzz ${flags.join(" ")} --replay ${path}`;
  try {
    if (values.replay) {
      try {
        await Deno.stat(values.replay);
      } catch {
        console.error(`fuzz: no such file: ${values.replay}`);
        return 2;
      }
      const [c] = await replayFiles([values.replay], runOptions);
      console.log(replayLine(c));
      if (c.mismatch && !values.quiet) {
        console.error(
          `${c.mismatch.call || "instantiation"}: ${c.mismatch.detail}`,
        );
      }
      if (c.rejected && !values.quiet) console.error(c.rejected);
      if (c.mismatch && values.reduce) {
        const r = await reduceReproducer(values.replay, {
          replay: ["deno", "run", "-A", here, ...flags, "--quiet", "--replay"],
          timeoutSeconds: reduceTimeout,
        });
        console.error(`${r.message}${r.watPath ? ` (${r.watPath})` : ""}`);
      }
      return c.mismatch ? 1 : c.rejected ? 2 : 0;
    }
    const outDir = values.out ?? "fuzz-out";
    const generation = {
      nans: values.nans,
      simd: values.simd,
      binaryen: values.binaryen === "132" ? 132 as const : undefined,
    };
    /** The campaign in this process, with progress lines and Ctrl-C. */
    const runInProcess = async (): Promise<CampaignResult> => {
      let done = progressBase, bad = 0;
      const started = performance.now();
      // Ctrl-C (or kill -INT) ends a long campaign with the report so far.
      const finished: ModuleResult[] = [];
      const interrupted = () => {
        console.log(`fuzz: interrupted after ${finished.length} modules`);
        console.log(formatCampaign({
          modules: finished.slice().sort((a, b) => a.seed - b.seed),
          seconds: (performance.now() - started) / 1000,
        }, rerun));
        Deno.exit(1);
      };
      Deno.addSignalListener("SIGINT", interrupted);
      const result = await runCampaign(
        {
          ...runOptions,
          seed,
          count,
          ...generation,
          outDir,
          onModule: (m) => {
            finished.push(m);
            done++;
            if (m.comparison?.mismatch || m.error) bad++;
            if (done % 50 === 0) {
              console.error(
                `progress: ${done} of ${progressTotal} modules, ${bad} mismatched, ${
                  ((Date.now() - progressSince) / 1000).toFixed(0)
                } s`,
              );
            }
            const mm = m.comparison?.mismatch;
            if (mm) {
              console.error(
                `seed ${m.seed}: ${mm.kind} in ${mm.call || "instantiation"}${
                  m.atO0 ? ` [at -O0: ${m.atO0}]` : ""
                }`,
              );
            } else if (m.error) console.error(`seed ${m.seed}: ${m.error}`);
          },
        },
        rerun,
      );
      Deno.removeSignalListener("SIGINT", interrupted);
      return result;
    };
    const split = count > perProcess && !values.results;
    const result = split
      ? await runInChildren(args, seed, count, perProcess, rerun)
      : await runInProcess();
    if (values.results) {
      await Deno.writeTextFile(values.results, JSON.stringify(result));
      return 0;
    }
    console.log(
      `fuzz: seeds ${seed}..${seed + count - 1}, -O${optLevel}${
        values.cr ? ", --cr" : ""
      }${values.nans ? ", --nans" : ""}${values.simd ? ", --simd" : ""}${
        values.binaryen === "132" ? ", --binaryen 132" : ""
      }${target === "aarch64" ? ", --target aarch64" : ""}${
        split
          ? `; ${
            Math.ceil(count / perProcess)
          } processes of at most ${perProcess}`
          : ""
      }`,
    );
    if (values.reduce) {
      for (const m of result.modules) {
        if (!m.reproducer) continue;
        const r = await reduceReproducer(m.reproducer, {
          replay: ["deno", "run", "-A", here, ...flags, "--quiet", "--replay"],
          timeoutSeconds: reduceTimeout,
        });
        console.log(
          `seed ${m.seed}: ${r.message}${r.watPath ? ` (${r.watPath})` : ""}`,
        );
      }
    }
    console.log(formatCampaign(result, rerun));
    return result.modules.some((m) => m.comparison?.mismatch || m.error)
      ? 1
      : 0;
  } catch (e) {
    console.error(`fuzz: error: ${(e as Error).message.split("\n")[0]}`);
    if (Deno.env.get("GODWIT_DEBUG")) console.error(e);
    return 2;
  }
}

/**
 * Modules one process runs by default. llvm-bindings has no way to free an
 * `LLVMContext` or a `Module`, so each module compiled in process (all but
 * the largest, compiler/codegen_process.ts) leaks about 2.2 MB: a campaign
 * of 10,000 in one process grew past 14 GB and was OOM-killed.
 */
export const MODULES_PER_PROCESS = 1000;

/**
 * Runs seeds `seed .. seed+count-1` as child processes of `perProcess`
 * modules each, one after another (each uses the campaign's --jobs), and
 * returns their modules as one campaign's.
 */
async function runInChildren(
  args: string[],
  seed: number,
  count: number,
  perProcess: number,
  rerun: (seed: number, path: string) => string,
): Promise<CampaignResult> {
  const here = new URL("./main.ts", import.meta.url).pathname;
  // The child gets the same options but its own --seed and --count.
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (/^--(seed|count|per-process)(=|$)/.test(a)) {
      if (!a.includes("=")) i++;
    } else rest.push(a);
  }
  const started = performance.now();
  const since = Date.now();
  const modules: ModuleResult[] = [];
  const tmp = await Deno.makeTempDir({ prefix: "godwit-fuzz-campaign-" });
  let child: Deno.ChildProcess | undefined;
  const interrupted = () => {
    child?.kill("SIGKILL");
    console.log(`fuzz: interrupted after ${modules.length} modules`);
    console.log(formatCampaign({
      modules,
      seconds: (performance.now() - started) / 1000,
    }, rerun));
    Deno.exit(1);
  };
  Deno.addSignalListener("SIGINT", interrupted);
  try {
    for (let first = 0; first < count; first += perProcess) {
      const n = Math.min(perProcess, count - first);
      const results = `${tmp}/results-${first}.json`;
      child = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          here,
          ...rest,
          "--seed",
          String(seed + first),
          "--count",
          String(n),
          "--results",
          results,
          "--progress-base",
          String(first),
          "--progress-total",
          String(count),
          "--progress-since",
          String(since),
        ],
        stdin: "null",
        stdout: "inherit",
        stderr: "inherit",
      }).spawn();
      const status = await child.status;
      child = undefined;
      let part: CampaignResult;
      try {
        part = JSON.parse(await Deno.readTextFile(results));
      } catch {
        throw new Error(
          `the child process for seeds ${seed + first}..${
            seed + first + n - 1
          } ended (exit ${status.code}${
            status.signal ? `, ${status.signal}` : ""
          }) without results`,
        );
      }
      modules.push(...part.modules);
    }
  } finally {
    Deno.removeSignalListener("SIGINT", interrupted);
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
  return { modules, seconds: (performance.now() - started) / 1000 };
}

if (import.meta.main) Deno.exit(await main(Deno.args));
