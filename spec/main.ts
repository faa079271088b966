/**
 * `deno task spec`: runs the official Wasm spec test suite through Godwit.
 *
 *   deno run -A spec/main.ts [--testsuite DIR] [--filter GLOB] [--jobs N]
 *     [--json FILE] [--no-simd] [-O N] [--timeout SECONDS] [--strict-messages]
 *     [--target x86_64|aarch64]
 *     [--cr [--full-runs N | --max-points N] [--fresh-every K]]
 *
 * Exits 1 when any assertion failed, 2 on bad usage or a harness error.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { formatFeatureTable } from "./features.ts";
import {
  crTotals,
  finalLine,
  formatCrSummary,
  formatReport,
} from "./report.ts";
import {
  CROSS_PER_FILE,
  DEFAULT_FRESH_EVERY,
  DEFAULT_FULL_RUNS,
  EXHAUSTION_DEPTH,
  EXHAUSTION_MAX_POINTS,
  EXHAUSTION_WITHIN,
  runSpec,
  type SpecOptions,
} from "./suite.ts";

const USAGE = `usage: deno task spec [options]

Runs the Wasm spec test suite (.wast scripts) through Godwit's AOT compiler.

options:
  --testsuite DIR     folder of .wast files (default ../shared/testsuite/wasm-2.0)
  --filter GLOB       only files matching GLOB (e.g. "i32*", "f32.wast,f64*")
  --jobs N            parallel scripts and compiles (default: CPUs)
  --json FILE         write one record per assertion as JSON
  --no-simd           skip SIMD tests (simd_*.wast, modules needing SIMD)
  -O, --opt-level N   optimization level of compiled modules (default 2)
  --timeout SECONDS   per-request limit (default 10)
  --strict-messages   also compare malformed/invalid/unlinkable messages
  --cache-dir DIR     compiled-module cache
  --target T          x86_64 (default) or aarch64: build modules and the
                      spec driver for aarch64 and run it under qemu-aarch64
  --quiet             only the final lines (no per-file table)
  --text-features V   2.0 (default) or 3.0: the proposals wabt accepts in
                      module text (3.0 for the wasm-3.0 folder, so that 3.0
                      modules reach Godwit's decoder)
  --by-feature        also a table of passed/failed/skipped per 3.0 feature
                      (tail calls, exception handling, GC, memory64, ...;
                      files mapped by name and content, spec/features.ts)
  -h, --help          this text

checkpoint injection:
  --cr                check every migration point each invocation reaches:
                      run it uninterrupted (recording where it is at each
                      point), then the chained check: checkpoint at point 1,
                      restore the snapshot bytes into another instance, run to
                      point 2, compare, checkpoint, ... to the end, and compare
                      results or trap, memories, tables and globals with the
                      uninterrupted run; plus full-run checks at a sample of
                      points (restore into a fresh instance, run to the end,
                      compare; their normal-code snapshot must equal the
                      chain's). Points that cannot be checkpointed portably
                      (a stack spanning several instances, a non-null
                      externref) are counted as "not checkpointable".
                      assert_exhaustion runs with a call-depth limit of
                      ${EXHAUSTION_DEPTH}. See docs/proof.md.
  --full-runs N       full-run checks per invocation, spread evenly, plus up
                      to N first occurrences of distinct points (default
                      ${DEFAULT_FULL_RUNS}; assert_exhaustion: ${EXHAUSTION_MAX_POINTS})
  --max-points N      quick sampling mode instead: no chained check; at most N
                      points per invocation, spread evenly, each checked by a
                      full run (assert_exhaustion: at most ${EXHAUSTION_MAX_POINTS}, among
                      the first ${EXHAUSTION_WITHIN})
  --fresh-every K     every K-th full-run check also restores in a fresh
                      spec_driver process (default ${DEFAULT_FRESH_EVERY}; 0: never)
  --cross-cpu         instead of fresh-process restores: per file, up to
                      ${CROSS_PER_FILE} snapshots are restored on the other CPU (aarch64 under
                      qemu for an x86_64 run, x86_64 for --target aarch64)
                      and finished there, and, checkpointed again there at
                      the next point, restored here and finished; both must
                      end like the uninterrupted run`;

/** The CLI: parses `args`, runs the suite, prints the report; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        testsuite: { type: "string" },
        filter: { type: "string" },
        jobs: { type: "string" },
        json: { type: "string" },
        "no-simd": { type: "boolean" },
        "opt-level": { type: "string", short: "O" },
        timeout: { type: "string" },
        "strict-messages": { type: "boolean" },
        "cache-dir": { type: "string" },
        target: { type: "string" },
        quiet: { type: "boolean" },
        "by-feature": { type: "boolean" },
        "text-features": { type: "string" },
        cr: { type: "boolean" },
        "max-points": { type: "string" },
        "full-runs": { type: "string" },
        "cross-cpu": { type: "boolean" },
        "fresh-every": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    console.error(`spec: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const int = (
    name: string,
    v: string | undefined,
    min: number,
    max: number,
  ): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new Error(`--${name} must be an integer in ${min}..${max}`);
    }
    return n;
  };
  let options: SpecOptions;
  try {
    const timeout = int("timeout", values.timeout, 1, 3600);
    const target = values.target ?? "x86_64";
    if (target !== "x86_64" && target !== "aarch64") {
      throw new Error(
        `unknown --target '${target}' (expected x86_64 or aarch64)`,
      );
    }
    const textFeatures = values["text-features"] ?? "2.0";
    if (textFeatures !== "2.0" && textFeatures !== "3.0") {
      throw new Error(
        `unknown --text-features '${textFeatures}' (expected 2.0 or 3.0)`,
      );
    }
    options = {
      textFeatures,
      testsuite: values.testsuite,
      filter: values.filter,
      jobs: int("jobs", values.jobs, 1, 64),
      noSimd: values["no-simd"],
      optLevel: int(
        "opt-level",
        values["opt-level"],
        0,
        3,
      ) as SpecOptions["optLevel"],
      timeoutMs: timeout === undefined ? undefined : timeout * 1000,
      strictMessages: values["strict-messages"],
      cacheDir: values["cache-dir"],
      target,
      cr: values.cr
        ? {
          maxPoints: int("max-points", values["max-points"], 1, 1_000_000),
          fullRuns: int("full-runs", values["full-runs"], 0, 1_000_000),
          crossCpu: values["cross-cpu"],
          freshEvery: int("fresh-every", values["fresh-every"], 0, 1_000_000),
        }
        : undefined,
    };
    if (
      !values.cr &&
      (values["max-points"] || values["fresh-every"] || values["full-runs"] ||
        values["cross-cpu"])
    ) {
      throw new Error(
        "--max-points, --full-runs, --fresh-every and --cross-cpu need --cr",
      );
    }
    if (values["max-points"] && values["full-runs"]) {
      throw new Error("--max-points (sampling mode) excludes --full-runs");
    }
    if (options.testsuite && !Deno.statSync(options.testsuite).isDirectory) {
      throw new Error(`${options.testsuite} is not a directory`);
    }
  } catch (e) {
    console.error(`spec: ${(e as Error).message}`);
    return 2;
  }
  try {
    const result = await runSpec(options);
    if (result.files.length === 0) {
      console.error("spec: no .wast files matched");
      return 2;
    }
    if (values.json) {
      await Deno.writeTextFile(
        values.json,
        JSON.stringify(result.records, null, 0).replaceAll("},{", "},\n{") +
          "\n",
      );
    }
    const byFeature = values["by-feature"]
      ? `Per feature:\n${formatFeatureTable(result.files)}\n\n`
      : "";
    if (values.quiet) {
      if (options.cr) console.log(formatCrSummary(crTotals(result.records)));
      console.log(
        `${byFeature}time: ${result.seconds.toFixed(1)} s\n${
          finalLine(result)
        }`,
      );
    } else {
      const report = formatReport(result.files, result.records, result.seconds);
      // The table goes before the time and final lines.
      const cut = report.lastIndexOf("\ntime: ");
      console.log(
        byFeature
          ? `${report.slice(0, cut)}\n\n${byFeature.trimEnd()}${
            report.slice(cut)
          }`
          : report,
      );
    }
    return result.failed > 0 ? 1 : 0;
  } catch (e) {
    console.error(`spec: error: ${(e as Error).message.split("\n")[0]}`);
    if (Deno.env.get("GODWIT_DEBUG")) console.error(e);
    return 2;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
