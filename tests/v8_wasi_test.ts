/**
 * scripts/v8_wasi.ts (the benchmarks' V8 runner) runs the SIMD programs in
 * Deno's V8 with the outputs recorded in testdata/expected (from native
 * builds for the kernels, from Node's V8 for simd_ops): a check of the shim
 * and, for simd_ops, a second V8 version agreeing with the first.
 *
 * Run: `deno test -A tests/v8_wasi_test.ts`.
 */

import assert from "node:assert/strict";
import {
  readExpected,
  readManifest,
  REPO_ROOT,
  wasmPath,
} from "../scripts/bench_lib.ts";

const manifest = await readManifest();

for (const name of ["simd_ops", "vec_kernels", "vec_kernels_scalar"]) {
  Deno.test(`v8_wasi: ${name} in Deno's V8 prints the expected output`, async () => {
    const testCase = manifest.cases.find((c) => c.name === name)!;
    const run = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        `${REPO_ROOT}/scripts/v8_wasi.ts`,
        wasmPath(testCase.program),
        ...(testCase.args ?? []),
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const expected = await readExpected(name);
    assert.equal(new TextDecoder().decode(run.stderr), "");
    assert.equal(new TextDecoder().decode(run.stdout), expected.stdout);
    assert.equal(run.code, expected.exitCode);
  });
}
