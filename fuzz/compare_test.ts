import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { compareRuns } from "./compare.ts";
import type { CallOutcome, ModuleOutcome } from "./outcome.ts";

function call(over: Partial<CallOutcome> = {}): CallOutcome {
  return {
    name: "f",
    end: "ok",
    values: ["i32:00000001"],
    logCount: 1,
    logHash: "aa",
    globals: ["i32:00000002"],
    memory: { pages: 1, hash: "bb" },
    ...over,
  };
}

function run(...calls: CallOutcome[]): ModuleOutcome {
  return { instantiate: { end: "ok" }, calls };
}

const kindOf = (g: ModuleOutcome, v: ModuleOutcome) =>
  compareRuns(g, v).mismatch?.kind ?? "match";

Deno.test("compareRuns: equal runs match, each difference has its kind", () => {
  assertEquals(kindOf(run(call()), run(call())), "match");
  assertEquals(
    kindOf(run(call({ values: ["i32:00000003"] })), run(call())),
    "result",
  );
  assertEquals(kindOf(run(call({ logHash: "ab" })), run(call())), "log");
  assertEquals(
    kindOf(run(call({ globals: ["i32:00000009"] })), run(call())),
    "global",
  );
  assertEquals(
    kindOf(run(call({ memory: { pages: 1, hash: "bc" } })), run(call())),
    "memory",
  );
  const trap = call({ end: "trap", trap: "unreachable", values: [] });
  assertEquals(kindOf(run(call()), run(trap)), "trap vs return");
  assertEquals(
    kindOf(run({ ...trap, trap: "integer divide by zero" }), run(trap)),
    "trap kind",
  );
  assertEquals(
    kindOf(
      run(
        call({
          cr: {
            reached: 5,
            checked: 2,
            mismatched: 1,
            notCheckpointable: 0,
            detail: "x",
          },
        }),
      ),
      run(call()),
    ),
    "checkpoint/restore",
  );
});

Deno.test("compareRuns: V8's one float-to-int message agrees with either spec trap", () => {
  const v8 = call({
    end: "trap",
    values: [],
    trap: "invalid conversion to integer",
    message: "float unrepresentable in integer range",
  });
  const g = call({
    end: "trap",
    values: [],
    trap: "integer overflow",
    message: "integer overflow",
  });
  assertEquals(kindOf(run(g), run(v8)), "match");
  assertEquals(
    kindOf(run({ ...g, trap: "unreachable" }), run(v8)),
    "trap kind",
  );
});

Deno.test("compareRuns: NaNs compared only as far as the spec fixes them", () => {
  assertEquals(
    kindOf(
      run(call({ values: ["f32:7fc00000"] })),
      run(call({ values: ["f32:nan"] })),
    ),
    "match",
  );
  assertEquals(
    kindOf(
      run(call({ values: ["f32:00000000"] })),
      run(call({ values: ["f32:nan"] })),
    ),
    "result",
  );
});

Deno.test("compareRuns: a stack exhaustion skips the rest, a first mismatch stops", () => {
  const ex = call({ end: "exhausted", values: [] });
  const c = compareRuns(
    run(call(), call(), call()),
    run(call(), ex, call({ values: ["i32:00000007"] })),
  );
  assertEquals([c.mismatch, c.compared, c.skipped], [undefined, 1, 2]);
  const d = compareRuns(
    run(call({ values: ["i32:00000000"] }), call({ name: "g" })),
    run(call(), call({ name: "g", values: ["i32:00000005"] })),
  );
  assertEquals([d.mismatch?.call, d.compared], ["f", 0]);
});

Deno.test("compareRuns: both engines rejecting is not a pass", () => {
  const bad: ModuleOutcome = {
    instantiate: { end: "error", message: "x" },
    calls: [],
  };
  const c = compareRuns(bad, bad);
  assertEquals([c.mismatch, typeof c.rejected], [undefined, "string"]);
  assertEquals(kindOf(bad, run()), "godwit error");
});
