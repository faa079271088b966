/**
 * A fuzzing campaign: modules for seeds S, S+1, ... are generated, run in
 * both engines (J at a time) and compared; a mismatching module is saved as
 * a reproducer (and reduced, when asked).
 *
 * @module
 */

import { ModuleCompiler } from "../spec/toolchain.ts";
import { buildSpecDriver } from "../spec/driver_build.ts";
import { QEMU_AARCH64 } from "../spec/suite.ts";
import type { Target } from "../compiler/link/toolchain.ts";
import { defaultCacheDir } from "../compiler/link/runtime_lib.ts";
import { generateModule } from "./generate.ts";
import { exposeState } from "./instrument.ts";
import { loggerModule, readerModule } from "./logger.ts";
import {
  type GodwitContext,
  type GodwitCrOptions,
  runInGodwit,
} from "./godwit_runner.ts";
import { V8Runner } from "./v8_runner.ts";
import { compareRuns, type Comparison, type Mismatch } from "./compare.ts";
import type { ModuleOutcome } from "./outcome.ts";

/** How modules are run and compared. */
export interface RunOptions {
  /** Optimization level of Godwit's compiles (default 2, as the spec harness). */
  optLevel?: 0 | 1 | 2 | 3;
  /** Checkpoint injection on the Godwit side. */
  cr?: GodwitCrOptions;
  /** Per-request (Godwit) and per-module (V8) time limit, ms (default 10 s). */
  timeoutMs?: number;
  /** Compiles at once (default 2). */
  jobs?: number;
  /** Extra spec_driver arguments (tests use --debug-corrupt-local). */
  driverArgs?: string[];
  /** Godwit's target (default x86_64); aarch64 runs its driver under qemu. */
  target?: Target;
}

/** What running modules needs, built once per campaign. */
export interface FuzzContext {
  compiler: ModuleCompiler;
  driverPath: string;
  loggerSo: string;
  readerSo: string;
  logger: Uint8Array;
  reader: Uint8Array;
  timeoutMs: number;
  cr?: GodwitCrOptions;
  /** Where compiled fuzz modules go (removed by closeContext). */
  cacheDir: string;
  driverArgs?: string[];
}

/** Builds the driver and the helper modules. */
export async function openContext(
  options: RunOptions = {},
): Promise<FuzzContext> {
  // Fuzzed modules are compiled once each: a private cache, removed afterwards.
  const cacheDir = await Deno.makeTempDir({ prefix: "godwit-fuzz-" });
  const target = options.target ?? "x86_64";
  const compiler = new ModuleCompiler(
    cacheDir,
    options.optLevel ?? 2,
    options.jobs ?? 2,
    target,
    options.cr !== undefined,
  );
  // The logger and the reader never change: the shared cache keeps them
  // (a replay, as wasm-reduce runs hundreds, then compiles one module).
  const helpers = new ModuleCompiler(
    defaultCacheDir(),
    options.optLevel ?? 2,
    options.jobs ?? 2,
    target,
    options.cr !== undefined,
  );
  const [logger, reader] = await Promise.all([loggerModule(), readerModule()]);
  const [driverBuilt, loggerSo, readerSo] = await Promise.all([
    buildSpecDriver(target),
    helpers.compile(logger),
    helpers.compile(reader),
  ]);
  // An aarch64 driver runs under user-mode qemu (as the spec harness's).
  const [driverPath, driverArgs] = target === "aarch64"
    ? [QEMU_AARCH64[0], [
      ...QEMU_AARCH64.slice(1),
      driverBuilt,
      ...options.driverArgs ?? [],
    ]]
    : [driverBuilt, options.driverArgs];
  return {
    compiler,
    driverPath,
    loggerSo,
    readerSo,
    logger,
    reader,
    timeoutMs: options.timeoutMs ?? 10_000,
    cr: options.cr,
    cacheDir,
    driverArgs,
  };
}

/** Removes the context's compiled modules. */
export async function closeContext(ctx: FuzzContext): Promise<void> {
  await Deno.remove(ctx.cacheDir, { recursive: true }).catch(() => {});
}

function godwitContext(ctx: FuzzContext): GodwitContext {
  return {
    driverPath: ctx.driverPath,
    driverArgs: ctx.driverArgs,
    compiler: ctx.compiler,
    loggerSo: ctx.loggerSo,
    readerSo: ctx.readerSo,
    timeoutMs: ctx.timeoutMs,
    cr: ctx.cr,
  };
}

/** Both engines' runs of one module and their comparison. */
export interface ModuleRun {
  comparison: Comparison;
  godwit: ModuleOutcome;
  v8: ModuleOutcome;
}

/** Runs one (uninstrumented) module in both engines and compares. */
export async function runModule(
  bytes: Uint8Array,
  ctx: FuzzContext,
  v8: V8Runner,
): Promise<ModuleRun> {
  let module;
  try {
    module = exposeState(bytes);
  } catch (e) {
    const message = `module does not decode: ${(e as Error).message}`;
    const outcome: ModuleOutcome = {
      instantiate: { end: "error", message },
      calls: [],
    };
    const v8Valid = WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>);
    return {
      comparison: {
        compared: 0,
        skipped: 0,
        crChecked: 0,
        crReached: 0,
        mismatch: v8Valid
          ? { kind: "godwit error", call: "", detail: message }
          : undefined,
        rejected: v8Valid ? undefined : `${message}; V8 rejects it too`,
      },
      godwit: outcome,
      v8: outcome,
    };
  }
  const [godwit, v8Outcome] = await Promise.all([
    runInGodwit(module, godwitContext(ctx)),
    v8.run(module, ctx.logger, ctx.reader, ctx.timeoutMs * 2),
  ]);
  const comparison = compareRuns(godwit, v8Outcome, module.calls.length);
  const m = comparison.mismatch;
  if (m?.kind === "memory") {
    // Run both again up to that call and bisect to the first differing bytes.
    const after = v8Outcome.calls.findIndex((c) => c.name === m.call);
    const v8Again = await v8.run(
      module,
      ctx.logger,
      ctx.reader,
      ctx.timeoutMs * 2,
      after,
    );
    const expected = v8Again.calls[after]?.memoryBytes;
    if (expected) {
      const again = await runInGodwit(module, {
        ...godwitContext(ctx),
        cr: undefined,
        locateMemory: { after, expected },
      });
      const where = again.calls[after]?.memoryDifference;
      if (where) m.detail += `; ${where}`;
      // Not hidden, but told apart: the spec allows this difference.
      if (where?.includes("both are quiet NaNs")) m.kind = "memory: quiet NaN";
    }
  }
  return {
    comparison,
    godwit,
    v8: v8Outcome,
  };
}

/** A campaign's settings. */
export interface CampaignOptions extends RunOptions {
  /** The first module's seed. */
  seed: number;
  /** Modules to run. */
  count: number;
  /** Generate with NaNs (no wasm-opt --denan). */
  nans?: boolean;
  /** Generate SIMD code too. */
  simd?: boolean;
  /** Which binaryen generates (generate.ts; default 108). */
  binaryen?: 108 | 132;
  /** Folder for reproducers; none are written when undefined. */
  outDir?: string;
  /** Replay each mismatch at -O0 (default true). */
  triage?: boolean;
  /** Called after each module. */
  onModule?: (r: ModuleResult) => void;
}

/** One module of a campaign. */
export interface ModuleResult {
  seed: number;
  /** Undefined when the module could not be generated. */
  comparison?: Comparison;
  /** Why generation failed. */
  error?: string;
  /** The saved reproducer (a mismatch with outDir). */
  reproducer?: string;
  /** A mismatch's replay at -O0 (when the campaign's level is higher). */
  atO0?: string;
  /** The first run timed out; the comparison is the second run's. */
  retriedAfterTimeout?: boolean;
}

/** A campaign's outcome. */
export interface CampaignResult {
  modules: ModuleResult[];
  seconds: number;
}

/** Writes a mismatching module and a note on it; returns the module's path. */
export async function saveReproducer(
  outDir: string,
  seed: number,
  bytes: Uint8Array,
  mismatch: Mismatch,
  rerun: string,
): Promise<string> {
  await Deno.mkdir(outDir, { recursive: true });
  const path = `${outDir}/seed-${seed}.wasm`;
  await Deno.writeFile(path, bytes);
  await Deno.writeTextFile(
    `${outDir}/seed-${seed}.txt`,
    `seed ${seed}: ${mismatch.kind} in ${mismatch.call || "instantiation"}\n` +
      `${mismatch.detail}\nre-run: ${rerun}\n`,
  );
  return path;
}

/** Runs a campaign. */
export async function runCampaign(
  options: CampaignOptions,
  rerunCommand: (seed: number, path: string) => string,
): Promise<CampaignResult> {
  const started = performance.now();
  const jobs = Math.max(1, options.jobs ?? 2);
  const ctx = await openContext(options);
  const modules: ModuleResult[] = new Array(options.count);
  // Mismatches are replayed at -O0: one that goes away there is an
  // optimization's doing (e.g. a dead load LLVM deleted).
  let o0: Promise<FuzzContext> | undefined;
  const optLevel = options.optLevel ?? 2;
  let next = 0;
  const worker = async () => {
    const v8 = new V8Runner();
    try {
      while (next < options.count) {
        const i = next++;
        const seed = options.seed + i;
        let r: ModuleResult;
        try {
          const bytes = await generateModule(seed, {
            denan: !options.nans,
            simd: options.simd,
            binaryen: options.binaryen,
          });
          let run = await runModule(bytes, ctx, v8);
          let retried = false;
          // A timeout on a loaded machine is often the machine's: the module
          // runs once more, and only a second timeout counts.
          if (run.comparison.mismatch?.kind === "timeout") {
            run = await runModule(bytes, ctx, v8);
            retried = true;
          }
          r = { seed, comparison: run.comparison };
          if (retried) r.retriedAfterTimeout = true;
          if (run.comparison.rejected) r.error = run.comparison.rejected;
          const m = run.comparison.mismatch;
          if (m && optLevel > 0 && (options.triage ?? true)) {
            o0 ??= openContext({ ...options, optLevel: 0 });
            const again = await runModule(bytes, await o0, v8);
            r.atO0 = again.comparison.mismatch
              ? `mismatch ${again.comparison.mismatch.kind}`
              : "match";
          }
          if (m && options.outDir) {
            r.reproducer = await saveReproducer(
              options.outDir,
              seed,
              bytes,
              m,
              rerunCommand(seed, `${options.outDir}/seed-${seed}.wasm`),
            );
          }
        } catch (e) {
          r = { seed, error: (e as Error).message.split("\n")[0] };
        }
        modules[i] = r;
        options.onModule?.(r);
      }
    } finally {
      v8.close();
    }
  };
  try {
    await Promise.all(Array.from({ length: jobs }, worker));
  } finally {
    await closeContext(ctx);
    if (o0) await closeContext(await o0);
  }
  return { modules, seconds: (performance.now() - started) / 1000 };
}
