import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { watToWasm } from "../spec/toolchain.ts";
import { closeContext, openContext, runModule } from "./campaign.ts";
import { V8Runner } from "./v8_runner.ts";

Deno.test("runModule: a module that hangs times out on both sides, and the run goes on", async () => {
  const ctx = await openContext({ optLevel: 0, timeoutMs: 3000 });
  const v8 = new V8Runner();
  try {
    const hang = await watToWasm(`(module
      (func (export "a") (result i32) (i32.const 1))
      (func (export "spin") (loop (br 0))))`);
    const r = await runModule(hang, ctx, v8);
    assertEquals(r.comparison.mismatch?.kind, "timeout");
    assertEquals(r.comparison.mismatch?.call, "spin");
    assertEquals(r.godwit.calls.map((c) => c.end), ["ok", "timeout"]);
    assertEquals(r.v8.calls.map((c) => c.end), ["ok", "timeout"]);
    // The V8 runner starts a new worker after terminating the stuck one.
    const fine = await watToWasm(
      `(module (func (export "a") (result i32) (i32.const 1)))`,
    );
    const again = await runModule(fine, ctx, v8);
    assertEquals([again.comparison.mismatch, again.comparison.compared], [
      undefined,
      1,
    ]);
  } finally {
    v8.close();
    await closeContext(ctx);
  }
});

Deno.test("runModule: stack exhaustion in either engine skips the rest of the module", async () => {
  const ctx = await openContext({ optLevel: 0 });
  const v8 = new V8Runner();
  try {
    const deep = await watToWasm(`(module
      (global $g (mut i32) (i32.const 0))
      (func $r (export "recurse") (global.set $g (i32.add (global.get $g) (i32.const 1))) (call $r))
      (func (export "after") (result i32) (global.get $g)))`);
    const r = await runModule(deep, ctx, v8);
    assertEquals(r.comparison.mismatch, undefined);
    assertEquals([r.comparison.compared, r.comparison.skipped], [0, 2]);
    assertEquals(r.godwit.calls[0].end, "exhausted");
    assertEquals(r.v8.calls[0].end, "exhausted");
  } finally {
    v8.close();
    await closeContext(ctx);
  }
});
