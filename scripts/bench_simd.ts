/**
 * The SIMD benchmarks of `deno task bench --simd`: each program of
 * `simdBenchmarks` in testdata/cases.json is run, alternately `reps` times,
 * as
 * - native: the C source with `clang-14 -O3 -march=x86-64-v2` (SSE4.2,
 *   which clang auto-vectorizes for as it does for `-msimd128`);
 * - Godwit SIMD: the checked-in `-O3 -msimd128` .wasm compiled at `-O2`;
 * - Godwit scalar: the same source's `-O3` .wasm (no SIMD) compiled at `-O2`;
 * - V8 SIMD and V8 scalar: the same two .wasm files in Deno's WebAssembly
 *   (scripts/v8_wasi.ts; the time includes starting Deno and V8's compile).
 * All outputs must agree. Medians and their ratios go into one markdown
 * table. With `--callgrind`, the native and Godwit builds are also run once
 * under `valgrind --tool=callgrind` and their instruction counts (Ir)
 * compared: repeatable on a loaded machine, where times are not.
 *
 * @module
 */

import {
  type Benchmark,
  buildNative,
  compileCached,
  cSourcePath,
  REPO_ROOT,
  runProgram,
  wasmPath,
} from "./bench_lib.ts";

/** One SIMD benchmark's medians (seconds) and, with callgrind, counts. */
export interface SimdBenchResult {
  /** The SIMD program. */
  program: string;
  /** Its scalar build. */
  scalar: string;
  /** Arguments. */
  args: string[];
  /** Median seconds per build. */
  seconds: Record<SimdBuild, number>;
  /** Instructions executed (callgrind's Ir), when measured. */
  instructions?: Partial<Record<SimdBuild, number>>;
}

/** The builds compared. */
export type SimdBuild =
  | "native"
  | "godwitSimd"
  | "godwitScalar"
  | "v8Simd"
  | "v8Scalar";

const BUILDS: SimdBuild[] = [
  "native",
  "godwitSimd",
  "godwitScalar",
  "v8Simd",
  "v8Scalar",
];

/** The native build's flags: the x86-64-v2 baseline (SSE4.2). */
export const SIMD_NATIVE_FLAGS = ["-O3", "-march=x86-64-v2"];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs `command` under callgrind once; returns the instructions it executed. */
async function callgrindCount(command: string[]): Promise<number> {
  const out = await Deno.makeTempFile({ prefix: "godwit-callgrind-" });
  try {
    const run = await new Deno.Command("valgrind", {
      args: ["--tool=callgrind", `--callgrind-out-file=${out}`, ...command],
      stdout: "null",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(run.stderr);
    const match = text.match(/Collected : (\d+)/);
    if (!run.success || !match) {
      throw new Error(`callgrind failed on ${command[0]}: ${text.slice(-300)}`);
    }
    return Number(match[1]);
  } finally {
    await Deno.remove(out);
  }
}

/** Builds and runs one SIMD benchmark (see the module's documentation). */
export async function runSimdBenchmark(
  bench: Benchmark & { scalar: string },
  reps: number,
  work: string,
  callgrind: boolean,
): Promise<SimdBenchResult> {
  const source = cSourcePath(bench.program);
  if (!source) throw new Error(`${bench.program}: no C source`);
  const native = `${work}/${bench.program}.native-v2`;
  await buildNative(source, native, SIMD_NATIVE_FLAGS);
  const godwitSimd = (await compileCached(wasmPath(bench.program), 2)).path;
  const godwitScalar = (await compileCached(wasmPath(bench.scalar), 2)).path;
  const v8 = `${REPO_ROOT}/scripts/v8_wasi.ts`;
  const commands: Record<SimdBuild, [string, string[]]> = {
    native: [native, bench.args],
    godwitSimd: [godwitSimd, ["--", ...bench.args]],
    godwitScalar: [godwitScalar, ["--", ...bench.args]],
    v8Simd: [
      Deno.execPath(),
      ["run", "-A", v8, wasmPath(bench.program), ...bench.args],
    ],
    v8Scalar: [
      Deno.execPath(),
      ["run", "-A", v8, wasmPath(bench.scalar), ...bench.args],
    ],
  };
  const samples = Object.fromEntries(BUILDS.map((b) => [b, [] as number[]]));
  let expected: string | undefined;
  for (let i = 0; i < reps; i++) {
    // Alternate so that drift in machine load hits all builds alike.
    for (const build of BUILDS) {
      const [exe, args] = commands[build];
      const run = await runProgram(exe, { args, timeoutSeconds: 600 });
      expected ??= run.stdout;
      if (run.exitCode !== 0 || run.stdout !== expected) {
        throw new Error(
          `${bench.program}: the ${build} run disagrees with native (exit ${run.exitCode})\n` +
            `native: ${expected.slice(0, 300)}\n${build}: ${
              run.stdout.slice(0, 300)
            }\n${run.stderr.slice(0, 300)}`,
        );
      }
      samples[build].push(run.seconds);
    }
  }
  const result: SimdBenchResult = {
    program: bench.program,
    scalar: bench.scalar,
    args: bench.args,
    seconds: Object.fromEntries(
      BUILDS.map((b) => [b, median(samples[b])]),
    ) as Record<SimdBuild, number>,
  };
  if (callgrind) {
    result.instructions = {};
    for (const build of ["native", "godwitSimd", "godwitScalar"] as const) {
      const [exe, args] = commands[build];
      result.instructions[build] = await callgrindCount([exe, ...args]);
    }
  }
  return result;
}

/** The SIMD results as one markdown table of times and ratios. */
export function simdMarkdownTable(results: SimdBenchResult[]): string {
  const rows = [
    "| program | args | native -O3 v2 s | Godwit SIMD s | Godwit scalar s | V8 SIMD s | V8 scalar s | SIMD / native | scalar / SIMD | Godwit SIMD / V8 SIMD |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of results) {
    const s = r.seconds;
    rows.push(
      `| ${r.program} | ${r.args.join(" ")} | ${
        BUILDS.map((b) => s[b].toFixed(3)).join(" | ")
      } | ${(s.godwitSimd / s.native).toFixed(2)} | ${
        (s.godwitScalar / s.godwitSimd).toFixed(2)
      } | ${(s.godwitSimd / s.v8Simd).toFixed(2)} |`,
    );
  }
  const counted = results.filter((r) => r.instructions);
  if (counted.length > 0) {
    rows.push(
      "",
      "| program | native Ir | Godwit SIMD Ir | Godwit scalar Ir | SIMD / native | scalar / SIMD |",
      "|---|---:|---:|---:|---:|---:|",
    );
    for (const r of counted) {
      const i = r.instructions!;
      rows.push(
        `| ${r.program} | ${i.native} | ${i.godwitSimd} | ${i.godwitScalar} | ${
          (i.godwitSimd! / i.native!).toFixed(2)
        } | ${(i.godwitScalar! / i.godwitSimd!).toFixed(2)} |`,
      );
    }
  }
  return rows.join("\n");
}
