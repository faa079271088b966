/**
 * Benchmarks Godwit against native code: `deno task bench [options]`.
 *
 * Every benchmark in testdata/cases.json is built natively (`clang-14 -O2`)
 * and with Godwit (`-O2`, from the checked-in .wasm), both are run
 * alternately `--reps` times with the same arguments, and the medians are
 * printed as a markdown table with the geometric mean of the ratios and the
 * compile time of the largest module. Outputs of the two builds must agree.
 *
 * Options: `--reps N` (default 5), `--filter TEXT` (program names
 * containing TEXT), `--json FILE`, `--cr`: also build with `--no-cr` and
 * compare: then the Godwit columns are the `--no-cr` build, and the C/R
 * build (the default one) gets its own column and its ratio to `--no-cr`.
 * `--simd`: the SIMD benchmarks instead (scripts/bench_simd.ts: native
 * `-O3 -march=x86-64-v2`, the `-msimd128` and scalar builds under Godwit
 * and under V8, in one table); `--callgrind` adds their instruction counts.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { compileFile } from "../mod.ts";
import {
  type Benchmark,
  buildNative,
  compileCached,
  cSourcePath,
  type Manifest,
  readManifest,
  runProgram,
  wasmPath,
} from "./bench_lib.ts";
import { runSimdBenchmark, simdMarkdownTable } from "./bench_simd.ts";

/** Result of one benchmark. */
export interface BenchResult {
  /** Program name. */
  program: string;
  /** Its arguments. */
  args: string[];
  /** Median wall time of the native build, seconds. */
  nativeSeconds: number;
  /**
   * Median wall time of the Godwit build, seconds (with `--cr`: of the
   * `--no-cr` build).
   */
  godwitSeconds: number;
  /** godwitSeconds / nativeSeconds. */
  ratio: number;
  /** With `--cr`: median of the C/R build, seconds. */
  crSeconds?: number;
  /** Every sample, seconds. */
  samples: { native: number[]; godwit: number[]; cr?: number[] };
}

/** Median of a non-empty list. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Geometric mean of positive numbers. */
export function geometricMean(values: number[]): number {
  return Math.exp(values.reduce((s, v) => s + Math.log(v), 0) / values.length);
}

/** Formats results as the markdown table the task prints. */
export function markdownTable(results: BenchResult[]): string {
  const withCr = results.some((r) => r.crSeconds !== undefined);
  const rows = [
    withCr
      ? "| program | args | native s | godwit --no-cr s | ratio | C/R s | C/R / no-cr |"
      : "| program | args | native s | godwit s | ratio | C/R s | C/R / plain |",
    "|---|---|---:|---:|---:|---:|---:|",
  ];
  for (const r of results) {
    const cr = r.crSeconds === undefined
      ? ["-", "-"]
      : [r.crSeconds.toFixed(3), (r.crSeconds / r.godwitSeconds).toFixed(2)];
    rows.push(
      `| ${r.program} | ${r.args.join(" ")} | ${r.nativeSeconds.toFixed(3)} | ${
        r.godwitSeconds.toFixed(3)
      } | ${r.ratio.toFixed(2)} | ${cr[0]} | ${cr[1]} |`,
    );
  }
  if (results.length > 0) {
    const crRatios = crOverhead(results);
    const crMean = crRatios.length === results.length
      ? `**${geometricMean(crRatios).toFixed(2)}** (max ${
        Math.max(...crRatios).toFixed(2)
      })`
      : "";
    rows.push(
      `| **geometric mean** | | | | **${
        geometricMean(results.map((r) => r.ratio)).toFixed(2)
      }** | | ${crMean} |`,
    );
  }
  return rows.join("\n");
}

/** The C/R-over-`--no-cr` ratios of the results that have a C/R time. */
export function crOverhead(results: BenchResult[]): number[] {
  return results.flatMap((r) =>
    r.crSeconds === undefined ? [] : [r.crSeconds / r.godwitSeconds]
  );
}

async function runBenchmark(
  bench: Benchmark,
  native: string,
  godwit: string,
  reps: number,
  cr?: string,
): Promise<BenchResult> {
  const samples = {
    native: [] as number[],
    godwit: [] as number[],
    cr: [] as number[],
  };
  const godwitRun = async (exe: string, what: string, nativeOut: string) => {
    const g = await runProgram(exe, {
      args: ["--", ...bench.args],
      timeoutSeconds: 600,
    });
    if (g.exitCode !== 0 || g.stdout !== nativeOut) {
      throw new Error(
        `${bench.program}: native and ${what} runs disagree (exit ${g.exitCode})\n` +
          `native stdout: ${nativeOut.slice(0, 300)}\n${what} stdout: ${
            g.stdout.slice(0, 300)
          }\n${what} stderr: ${g.stderr.slice(0, 300)}`,
      );
    }
    return g.seconds;
  };
  for (let i = 0; i < reps; i++) {
    // Alternate so that drift in machine load hits all builds alike.
    const n = await runProgram(native, {
      args: bench.args,
      timeoutSeconds: 600,
    });
    if (n.exitCode !== 0) {
      throw new Error(`${bench.program}: native run exited ${n.exitCode}`);
    }
    samples.native.push(n.seconds);
    samples.godwit.push(await godwitRun(godwit, "Godwit", n.stdout));
    if (cr) samples.cr.push(await godwitRun(cr, "Godwit C/R", n.stdout));
  }
  const nativeSeconds = median(samples.native);
  const godwitSeconds = median(samples.godwit);
  return {
    program: bench.program,
    args: bench.args,
    nativeSeconds,
    godwitSeconds,
    ratio: godwitSeconds / nativeSeconds,
    ...(cr
      ? { crSeconds: median(samples.cr), samples }
      : { samples: { native: samples.native, godwit: samples.godwit } }),
  };
}

const USAGE =
  `usage: deno task bench [--reps N] [--filter TEXT] [--json FILE] [--cr] [--simd [--callgrind]]

Runs each benchmark natively (clang-14 -O2) and compiled by Godwit (-O2),
alternately, N times (default 5), and prints median times as markdown.
  --reps N       repetitions per build (default 5)
  --filter TEXT  only programs whose name contains TEXT
  --json FILE    also write the results as JSON
  --cr           also build with --no-cr: compare native, --no-cr and the
                 checkpoint/restore build (C/R / no-cr ratio, geometric mean)
  --simd         the SIMD benchmarks instead: native -O3 -march=x86-64-v2,
                 Godwit and V8 running the -msimd128 and the scalar .wasm
  --callgrind    with --simd: also count instructions (valgrind callgrind)
`;

/** The benchmark CLI; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        reps: { type: "string", default: "5" },
        filter: { type: "string" },
        json: { type: "string" },
        cr: { type: "boolean", default: false },
        simd: { type: "boolean", default: false },
        callgrind: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (error) {
    console.error(`bench: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const reps = Number(values.reps);
  if (!Number.isInteger(reps) || reps < 1) {
    console.error("bench: --reps needs a positive integer");
    return 2;
  }
  const manifest = await readManifest();
  if (values.simd) {
    return await simdMain(manifest.simdBenchmarks, reps, values);
  }
  const benchmarks = manifest.benchmarks.filter((b) =>
    !values.filter || b.program.includes(values.filter)
  );
  if (benchmarks.length === 0) {
    console.error(`bench: no benchmark matches '${values.filter}'`);
    return 2;
  }

  const work = await Deno.makeTempDir({ prefix: "godwit-bench-" });
  try {
    const results: BenchResult[] = [];
    for (const bench of benchmarks) {
      const source = cSourcePath(bench.program);
      if (!source) {
        throw new Error(`${bench.program}: no C source for the native build`);
      }
      const native = `${work}/${bench.program}.native`;
      console.error(`building ${bench.program}...`);
      await buildNative(source, native);
      const wasm = wasmPath(bench.program);
      const cr = (await compileCached(wasm, 2)).path;
      const godwit = values.cr
        ? (await compileCached(wasm, 2, { cr: false })).path
        : cr;
      console.error(
        `running ${bench.program} ${bench.args.join(" ")} (${reps}x each)...`,
      );
      results.push(
        await runBenchmark(
          bench,
          native,
          godwit,
          reps,
          values.cr ? cr : undefined,
        ),
      );
    }

    // Compile time of the largest benchmark module, measured fresh (no cache).
    const sizes = await Promise.all(
      benchmarks.map(async (b) => ({
        program: b.program,
        bytes: (await Deno.stat(wasmPath(b.program))).size,
      })),
    );
    const largest = sizes.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    const start = performance.now();
    const { timings } = await compileFile(wasmPath(largest.program), {
      output: `${work}/largest`,
      optLevel: 2,
    });
    const compileSeconds = (performance.now() - start) / 1000;

    console.log(markdownTable(results));
    console.log(
      `\nCompile time of the largest module (${largest.program}.wasm, ${largest.bytes} bytes, -O2): ${
        compileSeconds.toFixed(2)
      } s`,
    );
    console.log(`Medians of ${reps} alternating runs each.`);
    if (values.json) {
      await Deno.writeTextFile(
        values.json,
        JSON.stringify(
          {
            reps,
            results,
            geometricMeanRatio: geometricMean(results.map((r) => r.ratio)),
            ...(values.cr
              ? { geometricMeanCrOverhead: geometricMean(crOverhead(results)) }
              : {}),
            largestModule: { ...largest, compileSeconds, timings },
          },
          null,
          2,
        ) + "\n",
      );
    }
    return 0;
  } catch (error) {
    console.error(`bench: ${(error as Error).message}`);
    return 1;
  } finally {
    await Deno.remove(work, { recursive: true });
  }
}

/** `--simd`: the SIMD table (and counts with `--callgrind`). */
async function simdMain(
  all: Manifest["simdBenchmarks"],
  reps: number,
  values: { filter?: string; json?: string; callgrind: boolean },
): Promise<number> {
  const benchmarks = all.filter((b) =>
    !values.filter || b.program.includes(values.filter)
  );
  if (benchmarks.length === 0) {
    console.error(`bench: no SIMD benchmark matches '${values.filter}'`);
    return 2;
  }
  const work = await Deno.makeTempDir({ prefix: "godwit-bench-simd-" });
  try {
    const results = [];
    for (const bench of benchmarks) {
      console.error(
        `running ${bench.program} ${bench.args.join(" ")} (${reps}x each)...`,
      );
      results.push(
        await runSimdBenchmark(bench, reps, work, values.callgrind),
      );
    }
    console.log(simdMarkdownTable(results));
    console.log(`\nMedians of ${reps} alternating runs each.`);
    if (values.json) {
      await Deno.writeTextFile(
        values.json,
        JSON.stringify({ reps, simd: results }, null, 2) + "\n",
      );
    }
    return 0;
  } catch (error) {
    console.error(`bench: ${(error as Error).message}`);
    return 1;
  } finally {
    await Deno.remove(work, { recursive: true });
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
