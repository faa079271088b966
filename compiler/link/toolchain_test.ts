import assert from "node:assert/strict";
import {
  CompileError,
  findTool,
  mapLimited,
  runTool,
  summarizeStderr,
  ToolNotFoundError,
} from "./toolchain.ts";

Deno.test("findTool finds the installed LLVM 14 tools", async () => {
  for (const tool of ["opt", "llc"] as const) {
    const path = findTool(tool);
    const { stdout } = await runTool("version", path, ["--version"]);
    assert.match(stdout, /LLVM version 14\./);
  }
  assert.ok(findTool("cc").startsWith("/"));
});

Deno.test("a missing tool says how to install it", () => {
  Deno.env.set("GODWIT_LLC", "/nonexistent/llc");
  try {
    assert.throws(() => findTool("llc"), (error: unknown) => {
      assert.ok(error instanceof ToolNotFoundError);
      assert.equal(
        error.message,
        "'llc' (LLVM 14) not found: run scripts/setup.sh",
      );
      return true;
    });
  } finally {
    Deno.env.delete("GODWIT_LLC");
  }
});

Deno.test("a failing tool becomes a CompileError with its stderr", async () => {
  await assert.rejects(
    runTool("compiling x", findTool("cc"), [
      "-c",
      "/nonexistent/x.c",
      "-o",
      "/dev/null",
    ]),
    (error: unknown) => {
      assert.ok(error instanceof CompileError);
      assert.match(error.message, /^compiling x: \S+ failed \(exit 1\):\n/);
      assert.match(error.message, /nonexistent\/x\.c/);
      return true;
    },
  );
});

Deno.test("summarizeStderr keeps the first lines", () => {
  const long = Array.from({ length: 30 }, (_, i) => `line ${i}`).join("\n");
  const summary = summarizeStderr(long).split("\n");
  assert.equal(summary.length, 21);
  assert.equal(summary[0], "line 0");
  assert.equal(summary[20], "... (10 more lines)");
  assert.equal(summarizeStderr("a\n\n b \n"), "a\n b ");
});

Deno.test("mapLimited bounds concurrency and keeps order", async () => {
  let running = 0, peak = 0;
  const results = await mapLimited([5, 1, 4, 2, 3], 2, async (n) => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((r) => setTimeout(r, n * 3));
    running--;
    return n * 10;
  });
  assert.deepEqual(results, [50, 10, 40, 20, 30]);
  assert.equal(peak, 2);
});
