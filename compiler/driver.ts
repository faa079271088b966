/**
 * The compile pipeline: Wasm bytes -> decode -> validate -> LLVM IR ->
 * `opt` -> `llc` -> object, plus the module descriptor (C) and the cached
 * runtime library, linked by the C compiler into an executable, a shared
 * object for the spec driver, a relocatable object, or LLVM IR text.
 *
 * External steps that do not depend on each other run concurrently: the
 * descriptor is compiled while the module is translated and optimized.
 *
 * @module
 */

import { decodeModule } from "./decode/decoder.ts";
import { validateModule } from "./decode/validator.ts";
import { emitDescriptor, moduleHash } from "./link/descriptor.ts";
import {
  defaultCacheDir,
  ensureRuntime,
  hashParts,
  type RuntimeBuild,
  runtimeSources,
} from "./link/runtime_lib.ts";
import {
  CompileError,
  DEFAULT_CPUS,
  findTool,
  runTool,
  type Target,
  TARGET_TRIPLES,
} from "./link/toolchain.ts";
import type { Module } from "./wasm/types.ts";
import type { PointInfo } from "./instrument/points.ts";
import { runCodegen } from "./codegen_process.ts";

export { CompileError, ToolNotFoundError } from "./link/toolchain.ts";
export type { Target } from "./link/toolchain.ts";

/** The version of Godwit (also part of cache keys). */
export const VERSION = "0.1.0";

/** What {@link compile} produces. */
export type EmitKind = "exe" | "shared" | "obj" | "llvm";

/** Options of {@link compile} and {@link compileFile}. */
export interface CompileOptions {
  /** Path of the file to produce. */
  output: string;
  /** Optimization level of opt and llc; default 2. */
  optLevel?: 0 | 1 | 2 | 3;
  /** Target architecture; default x86_64 (aarch64 uses the cross toolchain). */
  target?: Target;
  /**
   * `exe` (default): a program linked with the runtime; `shared`: a `.so`
   * for the spec driver (runtime symbols resolved from the loading
   * executable); `obj`: one relocatable object with the code and
   * `gw_module`; `llvm`: textual LLVM IR (optimized at `optLevel`).
   */
  emit?: EmitKind;
  /** CPU for llc; default "x86-64-v2" (x86_64) or "generic" (aarch64); "native" allowed. */
  cpu?: string;
  /** Cache directory; default $GODWIT_CACHE or ~/.cache/godwit. */
  cacheDir?: string;
  /**
   * Checkpoint/restore instrumentation at migration points; default true.
   * `false` is the `--no-cr` build (for comparison; it cannot checkpoint).
   */
  cr?: boolean;
  /**
   * With `cr`: poll at every migration point, not only where the default
   * policy does (compiler/instrument/poll_policy.ts), so that a checkpoint
   * can be taken at each one. For the spec harness's `--cr`; slower.
   */
  crPollEverywhere?: boolean;
  /** Called with the name of each stage as it starts. */
  onProgress?: (stage: string) => void;
}

/** What {@link compile} did. */
export interface CompileResult {
  /** The path written (options.output). */
  output: string;
  /**
   * Milliseconds per stage; `total` is wall time. `descriptor` and
   * `runtime` overlap the others and count until their end was observed.
   */
  timings: Record<string, number>;
}

/** Bad input to the driver that is not a Wasm error (a missing file, a bad option). */
export class InputError extends Error {
  /** Builds the error; `message` is meant for the user. */
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

const EMIT_KINDS: readonly EmitKind[] = ["exe", "shared", "obj", "llvm"];

interface ResolvedOptions {
  output: string;
  optLevel: 0 | 1 | 2 | 3;
  target: Target;
  emit: EmitKind;
  cpu: string;
  cacheDir: string;
  cr: boolean;
  crPollEverywhere: boolean;
}

function resolveOptions(options: CompileOptions): ResolvedOptions {
  const optLevel = options.optLevel ?? 2;
  if (![0, 1, 2, 3].includes(optLevel)) {
    throw new InputError(
      `invalid optimization level ${optLevel} (expected 0-3)`,
    );
  }
  const target = options.target ?? "x86_64";
  if (!(target in TARGET_TRIPLES)) {
    throw new InputError(
      `unknown target '${target}' (expected x86_64 or aarch64)`,
    );
  }
  const emit = options.emit ?? "exe";
  if (!EMIT_KINDS.includes(emit)) {
    throw new InputError(
      `unknown output kind '${emit}' (expected ${EMIT_KINDS.join(", ")})`,
    );
  }
  if (!options.output) throw new InputError("no output path given");
  return {
    output: options.output,
    optLevel,
    target,
    emit,
    cpu: options.cpu ?? DEFAULT_CPUS[target],
    cacheDir: options.cacheDir ?? defaultCacheDir(),
    cr: options.cr ?? true,
    crPollEverywhere: options.crPollEverywhere ?? false,
  };
}

/** Measures stages into a timings record. */
class StageClock {
  readonly timings: Record<string, number> = {};
  #start = performance.now();
  constructor(readonly onProgress?: (stage: string) => void) {}

  /** Runs a synchronous stage. */
  sync<T>(stage: string, fn: () => T): T {
    this.onProgress?.(stage);
    const start = performance.now();
    try {
      return fn();
    } finally {
      this.timings[stage] = (this.timings[stage] ?? 0) + performance.now() -
        start;
    }
  }

  /** Runs an asynchronous stage (possibly overlapping others). */
  async async<T>(stage: string, fn: () => Promise<T>): Promise<T> {
    this.onProgress?.(stage);
    const start = performance.now();
    try {
      return await fn();
    } finally {
      this.timings[stage] = (this.timings[stage] ?? 0) + performance.now() -
        start;
    }
  }

  /** Records the total wall time and returns the timings. */
  finish(): Record<string, number> {
    this.timings.total = performance.now() - this.#start;
    return this.timings;
  }
}

/** Decodes and validates `wasm`; throws WasmError. */
export function loadModule(wasm: Uint8Array): Module {
  const module = decodeModule(wasm);
  validateModule(module);
  return module;
}

/**
 * Compiles a WebAssembly module (binary bytes) to `options.output`.
 * Throws WasmError (malformed/invalid module), InputError (bad options),
 * ToolNotFoundError (opt/llc/cc missing) or CompileError (a tool failed).
 */
export async function compile(
  wasm: Uint8Array,
  options: CompileOptions,
): Promise<CompileResult> {
  const opts = resolveOptions(options);
  const clock = new StageClock(options.onProgress);
  const { target, emit } = opts;
  // Find every tool first: a missing one is reported before any slow work.
  const opt = findTool("opt", target);
  const llc = emit === "llvm" ? "" : findTool("llc", target);
  const cc = emit === "llvm" ? "" : findTool("cc", target);

  const module = clock.sync("decode", () => decodeModule(wasm));
  clock.sync("validate", () => validateModule(module));
  const hash = await moduleHash(wasm);

  const temp = await Deno.makeTempDir({ prefix: "godwit-" });
  try {
    // The runtime library (cached) builds while code generation runs.
    let runtime: Promise<RuntimeBuild> | undefined;
    if (emit === "exe") {
      let started = () => {};
      const spawned = new Promise<void>((resolve) => started = resolve);
      runtime = clock.async(
        "runtime",
        () => ensureRuntime(target, opts.cacheDir, started),
      );
      runtime.catch(() => {});
      await Promise.race([runtime.then(() => {}, () => {}), spawned]);
    }

    const bitcode = `${temp}/module.bc`;
    const textOnly = emit === "llvm" && opts.optLevel === 0;
    const points = await clock.async(
      "codegen",
      () =>
        runCodegen(wasm, module, textOnly ? opts.output : bitcode, {
          targetTriple: TARGET_TRIPLES[target],
          // An explicit --cpu also tunes for it; the default CPUs (and
          // "native", which only llc resolves) tune generic.
          tuneCpu: options.cpu && options.cpu !== "native"
            ? options.cpu
            : "generic",
          cr: opts.cr,
          crPollEverywhere: opts.crPollEverywhere,
          text: textOnly,
        }, temp),
    );
    if (emit === "llvm") {
      if (opts.optLevel !== 0) {
        await clock.async(
          "opt",
          () =>
            runTool("optimizing", opt, [
              `-O${opts.optLevel}`,
              "-S",
              bitcode,
              "-o",
              opts.output,
            ]),
        );
      }
      return { output: opts.output, timings: clock.finish() };
    }

    // The descriptor (it lists the migration points) compiles beside opt/llc.
    const sources = await runtimeSources();
    const descriptorObject = clock.async(
      "descriptor",
      () => compileDescriptor(module, hash, points, temp, cc, sources),
    );
    descriptorObject.catch(() => {});

    const optimized = `${temp}/module.opt.bc`;
    await clock.async(
      "opt",
      () =>
        runTool("optimizing", opt, [
          `-O${opts.optLevel}`,
          bitcode,
          "-o",
          optimized,
        ]),
    );
    const codeObject = `${temp}/module.o`;
    await clock.async("llc", () =>
      runTool("generating machine code", llc, [
        `-O${opts.optLevel}`,
        `-mtriple=${TARGET_TRIPLES[target]}`,
        `-mcpu=${opts.cpu}`,
        "-relocation-model=pic",
        "-filetype=obj",
        optimized,
        "-o",
        codeObject,
      ]));
    const descObject = await descriptorObject;
    const rt = await runtime;
    await clock.async("link", async () => {
      if (emit === "obj") {
        await runTool("linking", cc, [
          "-r",
          "-nostdlib",
          codeObject,
          descObject,
          "-o",
          opts.output,
        ]);
      } else if (emit === "shared") {
        await runTool("linking", cc, [
          "-shared",
          "-fPIC",
          codeObject,
          descObject,
          "-o",
          opts.output,
        ]);
      } else {
        if (!rt?.mainObject) {
          throw new CompileError(
            "linking: the runtime has no main.c (runtime/main.c is missing)",
          );
        }
        await runTool("linking", cc, [
          codeObject,
          descObject,
          rt.mainObject,
          rt.library,
          "-lm",
          "-lpthread",
          "-o",
          opts.output,
        ]);
      }
    });
    return { output: opts.output, timings: clock.finish() };
  } finally {
    await Deno.remove(temp, { recursive: true }).catch(() => {});
  }
}

/**
 * Writes the descriptor's C (and the headers it needs) and starts compiling
 * it. Everything up to the spawn is synchronous, so the compiler runs while
 * the caller's next stage keeps the thread busy.
 */
function compileDescriptor(
  module: Module,
  hash: Uint8Array,
  points: PointInfo[],
  temp: string,
  cc: string,
  runtimeSources: Map<string, Uint8Array>,
): Promise<string> {
  const includeDir = `${temp}/include`;
  Deno.mkdirSync(includeDir);
  for (const [name, bytes] of runtimeSources) {
    if (name.endsWith(".h")) Deno.writeFileSync(`${includeDir}/${name}`, bytes);
  }
  const source = `${temp}/descriptor.c`;
  Deno.writeTextFileSync(source, emitDescriptor(module, hash, points));
  const object = `${temp}/descriptor.o`;
  // The descriptor is data only: optimizing it gains nothing.
  return runTool("compiling the module descriptor", cc, [
    "-O0",
    "-fPIC",
    "-I",
    includeDir,
    "-c",
    source,
    "-o",
    object,
  ]).then(() => object);
}

/**
 * Reads a module file (`.wasm`, or `.wat`/`.wast` text) and compiles it;
 * see {@link compile}. A missing file is an InputError.
 */
export async function compileFile(
  input: string,
  options: CompileOptions,
): Promise<CompileResult> {
  return await compile(await readInput(input), options);
}

/** Reads a module file as Wasm bytes; a missing or unreadable file is an InputError. */
export async function readInput(input: string): Promise<Uint8Array> {
  try {
    const info = await Deno.stat(input);
    if (info.isDirectory) {
      throw new InputError(`cannot read '${input}': is a directory`);
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    if (error instanceof Deno.errors.NotFound) {
      throw new InputError(`cannot read '${input}': no such file`);
    }
    if (error instanceof Deno.errors.PermissionDenied) {
      throw new InputError(`cannot read '${input}': permission denied`);
    }
    throw error;
  }
  // Loaded on demand: the text front end pulls in wabt.
  const { readModuleFile } = await import("./frontend/wat.ts");
  return await readModuleFile(input);
}

/**
 * A key that changes whenever the compiler or runtime sources change (used
 * to cache compiled modules); the VERSION when the sources are not local.
 */
export async function compilerFingerprint(): Promise<string> {
  const parts: (string | Uint8Array)[] = [VERSION];
  const root = new URL("./", import.meta.url);
  if (root.protocol === "file:") {
    const files: string[] = [];
    const walk = (dir: URL, prefix: string) => {
      for (const entry of Deno.readDirSync(dir)) {
        if (entry.isDirectory) {
          walk(new URL(`${entry.name}/`, dir), `${prefix}${entry.name}/`);
        } else if (
          /\.(ts|ll)$/.test(entry.name) && !entry.name.endsWith("_test.ts")
        ) {
          files.push(`${prefix}${entry.name}`);
        }
      }
    };
    walk(root, "");
    files.sort();
    for (const file of files) {
      parts.push(file, await Deno.readFile(new URL(file, root)));
    }
  }
  for (const [name, bytes] of await runtimeSources()) parts.push(name, bytes);
  return await hashParts(parts);
}
