/**
 * Runs code generation, in this process for small modules and in a child
 * Deno process for large ones.
 *
 * Why a child: llvm-bindings wraps every LLVM value in a JS object with a
 * native finalizer. Under Deno's N-API, creating such objects becomes about
 * 15x slower while V8's young generation holds many of them (measured: 2 us
 * per value right after a scavenge, 30-45 us otherwise), and a process that
 * made millions of them spends minutes in teardown. A child started with a
 * large young generation (`--v8-flags=--max-semi-space-size=256`) avoids the
 * first, and the child ends itself with SIGKILL once its results are on disk,
 * which avoids the second (even `Deno.exit` runs the N-API finalizers: seen
 * hanging for minutes). The child (codegen_child.ts) also translates
 * synchronously at its top level, which a third slow regime needs (see
 * there). A 1.4 MB module's codegen takes 3.4 s (with C/R and resume
 * clones). Small modules (the spec suite's thousands) stay in process,
 * where a child's start-up would cost more than it saves.
 *
 * @module
 */
import type { Module } from "./wasm/types.ts";
import type { PointInfo } from "./instrument/points.ts";
import type { translateModule as TranslateModule } from "./codegen/module.ts";
import { CompileError } from "./link/toolchain.ts";

/** What the driver asks of code generation. */
export interface CodegenRequest {
  targetTriple: string;
  /** CPU to tune for (function attribute "tune-cpu"); default generic. */
  tuneCpu?: string;
  /** Emit checkpoint/restore instrumentation (migration points). */
  cr: boolean;
  /** With `cr`: poll at every migration point (CompileOptions). */
  crPollEverywhere?: boolean;
  /** Write LLVM IR text instead of bitcode. */
  text: boolean;
}

/** Instructions above which code generation runs in a child process. */
export const CHILD_PROCESS_THRESHOLD = 8000;

const V8_FLAGS = "--max-semi-space-size=256,--min-semi-space-size=256";

/**
 * Translates `module` (decoded from `wasm`) and writes bitcode (or IR text)
 * to `output`. Returns the migration points for the descriptor.
 */
export async function runCodegen(
  wasm: Uint8Array,
  module: Module,
  output: string,
  request: CodegenRequest,
  tempDir: string,
): Promise<PointInfo[]> {
  const instructions = module.codes.reduce((n, c) => n + c.body.length, 0);
  if (instructions < CHILD_PROCESS_THRESHOLD) {
    return await codegenHere(module, output, request);
  }
  const input = `${tempDir}/codegen-input.wasm`;
  const pointsFile = `${tempDir}/codegen-points.json`;
  await Deno.writeFile(input, wasm);
  const args = ["run", "-A", `--v8-flags=${V8_FLAGS}`, "--quiet"];
  const config = localConfig();
  if (config) args.push(`--config=${config}`);
  args.push(
    new URL("./codegen_child.ts", import.meta.url).href,
    input,
    output,
    pointsFile,
    JSON.stringify(request),
  );
  const child = await new Deno.Command(Deno.execPath(), {
    args,
    stdout: "piped",
    stderr: "piped",
  }).output();
  // The points file is written last: with it, a SIGKILL is the child's own.
  const finished = child.success ||
    (child.signal === "SIGKILL" && await exists(pointsFile));
  if (!finished) {
    const stderr = new TextDecoder().decode(child.stderr).trim();
    throw new CompileError(
      `code generation failed: ${stderr || `exit code ${child.code}`}`,
    );
  }
  return JSON.parse(await Deno.readTextFile(pointsFile)) as PointInfo[];
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function codegenHere(
  module: Module,
  output: string,
  request: CodegenRequest,
): Promise<PointInfo[]> {
  const { translateModule } = await import("./codegen/module.ts");
  return translateAndWrite(translateModule, module, output, request);
}

/**
 * Translates with `translate` (codegen/module.ts's translateModule, passed
 * in so that this file does not load llvm-bindings) and writes the result.
 */
export function translateAndWrite(
  translate: typeof TranslateModule,
  module: Module,
  output: string,
  request: CodegenRequest,
): PointInfo[] {
  const translated = translate(module, {
    targetTriple: request.targetTriple,
    tuneCpu: request.tuneCpu,
    cr: request.cr,
    crPollEverywhere: request.crPollEverywhere,
  });
  if (request.text) Deno.writeTextFileSync(output, translated.printIR());
  else translated.writeBitcode(output);
  return translated.points;
}

/** The repository's deno.json when this file is local (resolves llvm-bindings). */
function localConfig(): string | undefined {
  if (!import.meta.url.startsWith("file:")) return undefined;
  const path = new URL("../deno.json", import.meta.url).pathname;
  try {
    Deno.statSync(path);
    return path;
  } catch {
    return undefined;
  }
}
