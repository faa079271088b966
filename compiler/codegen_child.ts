/**
 * The child process of compiler/codegen_process.ts:
 * `codegen_child.ts INPUT.wasm OUTPUT POINTS.json REQUEST-JSON` decodes the
 * module, translates it and writes the bitcode (or IR text), then the
 * migration points (last: their presence tells the parent it finished),
 * and ends itself with SIGKILL.
 *
 * Everything runs synchronously at the module's top level, with static
 * imports: translating after an `await` (as an async function called from
 * here did) put Deno's N-API in a regime where every wrapped LLVM value cost
 * a memmove (perf: half the time in `__memmove`): a 1.4 MB module's code
 * generation took 98 s instead of 3.4 s.
 *
 * @module
 */
import { decodeModule } from "./decode/decoder.ts";
import { translateModule } from "./codegen/module.ts";
import { type CodegenRequest, translateAndWrite } from "./codegen_process.ts";

const [input, output, pointsFile, requestJson] = Deno.args;
try {
  const points = translateAndWrite(
    translateModule,
    decodeModule(Deno.readFileSync(input)),
    output,
    JSON.parse(requestJson) as CodegenRequest,
  );
  Deno.writeTextFileSync(pointsFile, JSON.stringify(points));
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  Deno.exit(1);
}
// Skip the teardown of millions of wrapped LLVM values (codegen_process.ts).
Deno.kill(Deno.pid, "SIGKILL");
