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
import { type ModuleResult, runCampaign } from "./campaign.ts";
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
  --target T          Godwit's target: x86_64 (default) or aarch64 (modules
                      and the spec driver built for aarch64, run under
                      qemu-aarch64; V8 stays on this machine)
  --timeout SECONDS   per-request limit (default 10; V8: twice that per module)
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
        target: { type: "string" },
        timeout: { type: "string" },
        out: { type: "string" },
        reduce: { type: "boolean" },
        "reduce-timeout": { type: "string" },
        replay: { type: "string" },
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
    if (values["max-points"] && !values.cr) {
      throw new Error("--max-points needs --cr");
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
    let done = 0, bad = 0;
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
        nans: values.nans,
        simd: values.simd,
        outDir,
        onModule: (m) => {
          finished.push(m);
          done++;
          if (m.comparison?.mismatch || m.error) bad++;
          if (done % 50 === 0) {
            console.error(
              `progress: ${done} of ${count} modules, ${bad} mismatched, ${
                ((performance.now() - started) / 1000).toFixed(0)
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
    console.log(
      `fuzz: seeds ${seed}..${seed + count - 1}, -O${optLevel}${
        values.cr ? ", --cr" : ""
      }${values.nans ? ", --nans" : ""}${values.simd ? ", --simd" : ""}${
        target === "aarch64" ? ", --target aarch64" : ""
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

if (import.meta.main) Deno.exit(await main(Deno.args));
