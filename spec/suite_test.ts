import assert from "node:assert/strict";
import { listScripts, runSpec } from "./suite.ts";

// A suite folder may hold symlinks to .wast files (e.g. a subset of the
// official suite linked into a temporary folder).
Deno.test("listScripts: regular files and symlinks to files, sorted", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/b.wast`, "(module)");
    await Deno.mkdir(`${dir}/real`);
    await Deno.writeTextFile(`${dir}/real/a.wast`, "(module)");
    await Deno.symlink(`${dir}/real/a.wast`, `${dir}/a.wast`);
    await Deno.symlink(`${dir}/missing.wast`, `${dir}/dangling.wast`);
    await Deno.symlink(`${dir}/real`, `${dir}/dir.wast`);
    await Deno.writeTextFile(`${dir}/notes.txt`, "");
    assert.deepEqual(listScripts(dir), ["a.wast", "b.wast"]);
    assert.deepEqual(listScripts(dir, "a"), ["a.wast"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "runSpec: a folder of symlinked .wast files runs them",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const cacheDir = await Deno.makeTempDir();
    try {
      await Deno.mkdir(`${dir}/store`);
      await Deno.mkdir(`${dir}/suite`);
      await Deno.writeTextFile(
        `${dir}/store/add.wast`,
        `(module (func (export "add") (param i32 i32) (result i32)
           (i32.add (local.get 0) (local.get 1))))
         (assert_return (invoke "add" (i32.const 2) (i32.const 3)) (i32.const 5))
         (assert_return (invoke "add" (i32.const -1) (i32.const 1)) (i32.const 0))`,
      );
      await Deno.symlink(`${dir}/store/add.wast`, `${dir}/suite/add.wast`);
      const result = await runSpec({
        testsuite: `${dir}/suite`,
        cacheDir,
        progress: false,
        jobs: 1,
      });
      assert.deepEqual(result.files.map((f) => f.file), ["add.wast"]);
      // The module and both assertions.
      assert.deepEqual(
        [result.passed, result.failed, result.skipped],
        [3, 0, 0],
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
      await Deno.remove(cacheDir, { recursive: true });
    }
  },
});
