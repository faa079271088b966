/**
 * Runs a folder of .wast scripts (the official spec test suite) through
 * Godwit and collects the results: the harness behind `deno task spec`.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { ModuleCompiler, type Target, type TextFeatures } from "./toolchain.ts";
import { buildSpecDriver } from "./driver_build.ts";
import {
  type AssertionRecord,
  type CrContext,
  runScript,
  SIMD_REASON,
} from "./runner.ts";
import { count, type FileSummary, isSimdFile, ProgressBar } from "./report.ts";
import { parseWast } from "./wast.ts";
import { classifyFeature } from "./features.ts";

/** Options of {@link runSpec}. */
export interface SpecOptions {
  /** Folder of .wast files; default `../shared/testsuite/wasm-2.0` from the repo root. */
  testsuite?: string;
  /** Glob on file names (`*` and `?`), e.g. `i32*` or `f64.wast`. Comma-separated for several. */
  filter?: string;
  /** Scripts and compiles run in parallel; default: the number of CPUs. */
  jobs?: number;
  /** Skip SIMD (simd_*.wast and modules whose compile fails for SIMD). */
  noSimd?: boolean;
  /** Optimization level of compiled modules; default 2. */
  optLevel?: 0 | 1 | 2 | 3;
  /** Where compiled modules are cached; default `$GODWIT_CACHE/spec` or `~/.cache/godwit/spec`. */
  cacheDir?: string;
  /** Per-request time limit in ms; default 10000. */
  timeoutMs?: number;
  /** Fail assert_malformed/invalid/unlinkable whose message differs from the spec's. */
  strictMessages?: boolean;
  /** Show a progress bar on stderr when it is a terminal; default true. */
  progress?: boolean;
  /** Checkpoint injection (`--cr`): off when undefined. */
  cr?: CrOptions;
  /**
   * Build the modules with a poll at every migration point
   * (CompileOptions.crPollEverywhere); default: when `cr` is set, so that
   * each point can be checked. False checks the default build's points.
   */
  pollEverywhere?: boolean;
  /** Extra spec_driver arguments (tests use --debug-corrupt-local). */
  driverArgs?: string[];
  /** Proposals module text may use: "2.0" (default) or "3.0" (for the wasm-3.0 folder). */
  textFeatures?: TextFeatures;
  /**
   * CPU the modules and the spec driver are built for; default x86_64.
   * aarch64 runs the driver under qemu-aarch64 ({@link QEMU_AARCH64}).
   */
  target?: Target;
}

/** How an aarch64 spec driver is run on another host: user-mode qemu with the cross sysroot. */
export const QEMU_AARCH64 = ["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu"];

/** Sampling mode's default cap of checked points per invocation. */
export const DEFAULT_MAX_POINTS = 50;
/**
 * With the chained check: full-run checks per invocation, spread evenly
 * (plus as many first occurrences of distinct migration points).
 */
export const DEFAULT_FULL_RUNS = 10;
/** Cap of full-run checks for assert_exhaustion invocations, whose recursion is deep. */
export const EXHAUSTION_MAX_POINTS = 2;
/**
 * assert_exhaustion invocations run with this call-depth limit under
 * `--cr` (the spec leaves the depth of exhaustion to the implementation):
 * every one of their points is checked, and a snapshot at depth d costs
 * O(d), so the chained check of a recursion to depth D costs O(D^2).
 */
export const EXHAUSTION_DEPTH = 500;
/**
 * assert_exhaustion samples among the first this-many points only: a
 * snapshot 100000 frames deep is huge, while a restore near the bottom
 * still has to recurse to exhaustion again.
 */
export const EXHAUSTION_WITHIN = 1000;
/** Default: every this-many-th check restores in a fresh process too. */
export const DEFAULT_FRESH_EVERY = 50;
/** `--cross-cpu`: cross checks per script file at most. */
export const CROSS_PER_FILE = 3;
/** `--cross-cpu`: the other CPU's driver is restarted after this many requests. */
export const CROSS_RESTART_EVERY = 16;
/** Default per-invocation time budget of the checks, in ms. */
export const DEFAULT_CR_BUDGET_MS = 2000;

/** Checkpoint injection options of {@link runSpec}. */
export interface CrOptions {
  /**
   * Sampling mode (no chained check): at most this many points checked per
   * invocation, spread evenly, each by a full run.
   */
  maxPoints?: number;
  /** With the chained check: full-run checks per invocation; default {@link DEFAULT_FULL_RUNS}. */
  fullRuns?: number;
  /**
   * `--cross-cpu`: per file, up to {@link CROSS_PER_FILE} snapshots are
   * restored on the other CPU (aarch64 under qemu for an x86_64 run, and
   * the other way round) and, checkpointed again there, back on this one.
   */
  crossCpu?: boolean;
  /** Every this-many-th check also restores in a fresh process (0: never); default {@link DEFAULT_FRESH_EVERY}. */
  freshEvery?: number;
  /** Per-invocation time budget of the checks in ms; default {@link DEFAULT_CR_BUDGET_MS}. */
  budgetMs?: number;
}

/** What {@link runSpec} found. */
export interface SpecResult {
  /** One record per module, action and assertion. */
  records: AssertionRecord[];
  /** Per-file counts, in file order. */
  files: FileSummary[];
  /** Totals. */
  passed: number;
  /** Totals. */
  failed: number;
  /** Totals. */
  skipped: number;
  /** Wall time of the run. */
  seconds: number;
}

/** The default test suite folder, relative to this repository. */
export function defaultTestsuite(): string {
  return fileURLToPath(
    new URL("../../shared/testsuite/wasm-2.0", import.meta.url),
  );
}

function globToRegExp(glob: string): RegExp {
  const alternatives = glob.split(",").map((g) =>
    g.trim().replace(/[.+^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*")
      .replaceAll("?", ".")
  );
  return new RegExp(`^(?:${alternatives.join("|")})$`);
}

/** Whether a directory entry is a file or a symlink to one (a suite may be a folder of links). */
function isFileEntry(dir: string, e: Deno.DirEntry): boolean {
  if (e.isFile) return true;
  if (!e.isSymlink) return false;
  try {
    return Deno.statSync(`${dir}/${e.name}`).isFile;
  } catch {
    return false; // a dangling link
  }
}

/**
 * Lists the .wast files of `dir` (regular files or symlinks to files)
 * matching `filter` (also tried without ".wast").
 */
export function listScripts(dir: string, filter?: string): string[] {
  const re = filter ? globToRegExp(filter) : undefined;
  return [...Deno.readDirSync(dir)]
    .filter((e) => e.name.endsWith(".wast") && isFileEntry(dir, e))
    .map((e) => e.name)
    .filter((n) => !re || re.test(n) || re.test(n.slice(0, -5)))
    .sort();
}

function defaultCacheDir(): string {
  const base = Deno.env.get("GODWIT_CACHE") ??
    `${Deno.env.get("HOME") ?? "/tmp"}/.cache/godwit`;
  return `${base}/spec`;
}

/** Throws a one-line error when qemu-aarch64 or the aarch64 sysroot is missing. */
async function requireQemu(): Promise<void> {
  const [qemu, flag, sysroot] = QEMU_AARCH64;
  try {
    await new Deno.Command(qemu, { args: ["--version"], stdout: "null" })
      .output();
    if (flag === "-L") await Deno.stat(sysroot);
  } catch {
    throw new Error(
      `--target aarch64 needs ${qemu} and ${sysroot}: run scripts/setup.sh`,
    );
  }
}

/** Runs the suite and returns every record (printing nothing but progress). */
export async function runSpec(options: SpecOptions = {}): Promise<SpecResult> {
  const started = performance.now();
  const dir = options.testsuite ?? defaultTestsuite();
  const names = listScripts(dir, options.filter);
  const jobs = Math.max(1, options.jobs ?? navigator.hardwareConcurrency ?? 2);
  const target = options.target ?? "x86_64";
  const compiler = new ModuleCompiler(
    options.cacheDir ?? defaultCacheDir(),
    options.optLevel ?? 2,
    jobs,
    target,
    options.pollEverywhere ?? options.cr !== undefined,
  );
  /** How to run the spec driver built for `t`. */
  const driverFor = async (
    t: Target,
    extra: string[] = [],
  ): Promise<{ path: string; args: string[] }> => {
    const path = await buildSpecDriver(t);
    if (t !== "aarch64") return { path, args: extra };
    await requireQemu();
    return {
      path: QEMU_AARCH64[0],
      args: [...QEMU_AARCH64.slice(1), path, ...extra],
    };
  };
  const own = await driverFor(target, options.driverArgs);
  const driverPath = own.path;
  const driverArgs = own.args;
  let cr: CrContext | undefined;
  if (options.cr) {
    const chain = options.cr.maxPoints === undefined;
    const maxPoints = options.cr.maxPoints ??
      options.cr.fullRuns ?? DEFAULT_FULL_RUNS;
    cr = {
      chain,
      exhaustionDepth: chain ? EXHAUSTION_DEPTH : 0,
      maxPoints,
      exhaustionPoints: Math.min(maxPoints, EXHAUSTION_MAX_POINTS),
      exhaustionWithin: chain ? 0 : EXHAUSTION_WITHIN,
      budgetMs: options.cr.budgetMs ?? DEFAULT_CR_BUDGET_MS,
      freshEvery: options.cr.freshEvery ?? DEFAULT_FRESH_EVERY,
      tempDir: await Deno.makeTempDir({ prefix: "godwit-spec-cr-" }),
    };
    if (options.cr.crossCpu) {
      const otherTarget: Target = target === "x86_64" ? "aarch64" : "x86_64";
      const otherDriver = await driverFor(otherTarget);
      cr.cross = {
        name: otherTarget,
        driverPath: otherDriver.path,
        driverArgs: otherDriver.args,
        compiler: new ModuleCompiler(
          options.cacheDir ?? defaultCacheDir(),
          options.optLevel ?? 2,
          jobs,
          otherTarget,
          true,
        ),
        perFile: CROSS_PER_FILE,
        restartEvery: CROSS_RESTART_EVERY,
      };
    }
  }
  const totals = { passed: 0, failed: 0, skipped: 0 };
  const bar = new ProgressBar(names.length);
  const showBar = options.progress ?? true;
  const results: { summary: FileSummary; records: AssertionRecord[] }[] =
    new Array(names.length);
  let done = 0;
  let next = 0;

  const runOne = async (
    file: string,
  ): Promise<{ summary: FileSummary; records: AssertionRecord[] }> => {
    const summary: FileSummary = { file, passed: 0, failed: 0, skipped: 0 };
    let commands;
    try {
      const text = await Deno.readTextFile(`${dir}/${file}`);
      summary.feature = classifyFeature(file, text);
      commands = parseWast(text);
    } catch (e) {
      const r: AssertionRecord = {
        file,
        line: 0,
        command: "parse",
        outcome: "fail",
        message: (e as Error).message,
        reason: "script parse error",
      };
      summary.error = r.message;
      count(summary, r);
      count(totals, r);
      return { summary, records: [r] };
    }
    const onRecord = (r: AssertionRecord) => {
      count(summary, r);
      count(totals, r);
      if (showBar) bar.update(done, totals, file);
    };
    if (options.noSimd && isSimdFile(file)) {
      const records = commands.filter((c) => c.type !== "register").map((
        c,
      ): AssertionRecord => ({
        file,
        line: c.line,
        command: c.type,
        outcome: "skip",
        reason: SIMD_REASON,
      }));
      records.forEach(onRecord);
      return { summary, records };
    }
    try {
      const records = await runScript(file, commands, {
        driverPath,
        compiler,
        timeoutMs: options.timeoutMs ?? 10_000,
        strictMessages: options.strictMessages ?? false,
        noSimd: options.noSimd ?? false,
        onRecord,
        cr,
        driverArgs,
        textFeatures: options.textFeatures,
        feature: summary.feature,
      });
      return { summary, records };
    } catch (e) {
      const r: AssertionRecord = {
        file,
        line: 0,
        command: "run",
        outcome: "fail",
        message: `harness error: ${(e as Error).message}`,
        reason: "harness error",
      };
      summary.error = r.message;
      onRecord(r);
      return { summary, records: [r] };
    }
  };

  const worker = async () => {
    while (next < names.length) {
      const i = next++;
      results[i] = await runOne(names[i]);
      done++;
      if (showBar) bar.update(done, totals, names[i], true);
    }
  };
  try {
    await Promise.all(
      Array.from({ length: Math.min(jobs, names.length) }, worker),
    );
  } finally {
    if (cr) await Deno.remove(cr.tempDir, { recursive: true }).catch(() => {});
  }
  if (showBar) bar.done();
  return {
    records: results.flatMap((r) => r.records),
    files: results.map((r) => r.summary),
    ...totals,
    seconds: (performance.now() - started) / 1000,
  };
}
