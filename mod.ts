/**
 * Godwit: an ahead-of-time compiler from WebAssembly to native code.
 *
 * As a library: `compile(bytes, { output })` or `compileFile(path, { output })`
 * build a native program (or a shared object, an object file, LLVM IR);
 * `decodeModule` and `validateModule` expose the front end.
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
export { readModuleFile } from "./compiler/frontend/wat.ts";
export { main };

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
