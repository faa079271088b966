/**
 * Godwit: an ahead-of-time compiler from WebAssembly to native code.
 *
 * As a library (it works imported by URL; see the README's one install step):
 * - compile: `compile(bytes, { output })` or `compileFile(path, { output })`
 *   build a native program (or a shared object, an object file, LLVM IR);
 *   `decodeModule` and `validateModule` expose the front end;
 * - snapshots: `readSnapshot` parses a snapshot file, `validateSnapshot`
 *   checks it against its module, `inspectSnapshot` describes it;
 * - the spec harness: `runSpec` runs a folder of `.wast` scripts (with
 *   `cr` set, with checkpoint injection), `formatReport` prints the result.
 *
 * As a program: `deno run -A mod.ts <command>` (see `--help`).
 *
 * @module
 */

import { main } from "./compiler/cli.ts";

export {
  compile,
  CompileError,
  compileFile,
  type CompileOptions,
  type CompileResult,
  type EmitKind,
  InputError,
  type Target,
  ToolNotFoundError,
  VERSION,
} from "./compiler/driver.ts";
export { decodeModule } from "./compiler/decode/decoder.ts";
export { validateModule } from "./compiler/decode/validator.ts";
export { WasmError } from "./compiler/decode/errors.ts";
export { readModuleFile, watToWasm } from "./compiler/frontend/wat.ts";
export {
  type PointKind,
  readSnapshot,
  type Snapshot,
  SnapshotError,
  type SnapshotFrame,
  type SnapshotGlobal,
  type SnapshotMemory,
  type SnapshotMemoryRange,
  type SnapshotTable,
  type SnapshotValue,
} from "./compiler/snapshot/read.ts";
export {
  type MigrationPoint,
  type ValidateOptions,
  validateSnapshot,
} from "./compiler/snapshot/validate.ts";
export { inspectSnapshot } from "./compiler/snapshot/inspect.ts";
export {
  type CrOptions,
  runSpec,
  type SpecOptions,
  type SpecResult,
} from "./spec/suite.ts";
export { type FileSummary, formatReport } from "./spec/report.ts";
export type { AssertionRecord, CrCounts } from "./spec/runner.ts";
export { main };

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
