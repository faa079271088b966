import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { isNan, sameValue, trapCategory } from "./outcome.ts";

Deno.test("sameValue: equal bits, and NaNs only where the spec leaves them open", () => {
  assertEquals(sameValue("i32:00000001", "i32:00000001"), true);
  assertEquals(sameValue("i32:00000001", "i32:00000002"), false);
  // +0 and -0 differ.
  assertEquals(
    sameValue("f64:0000000000000000", "f64:8000000000000000"),
    false,
  );
  // Two quiet NaNs: sign and payload are nondeterministic after arithmetic.
  assertEquals(sameValue("f32:7fc00000", "f32:ffc00001"), true);
  // A signaling NaN keeps its payload; only the sign may differ.
  assertEquals(sameValue("f32:7fa00000", "f32:7fe00000"), false);
  assertEquals(sameValue("f32:7fa00000", "f32:ffa00000"), true);
  // V8's JS view of a float has no NaN bits.
  assertEquals(sameValue("f64:nan", "f64:7ff4000000000000"), true);
  assertEquals(sameValue("f64:nan", "f64:7ff0000000000000"), false); // infinity
  assertEquals(sameValue("f32:nan", "f64:nan"), false);
});

Deno.test("isNan tells NaN bits from infinities", () => {
  assertEquals(isNan("f32:7f800000"), false);
  assertEquals(isNan("f32:7f800001"), true);
  assertEquals(isNan("i32:7fc00000"), false);
});

Deno.test("trapCategory maps V8's and Godwit's words to one category", () => {
  const pairs: [string, string][] = [
    ["memory access out of bounds", "out of bounds memory access"],
    ["divide by zero", "integer divide by zero"],
    ["remainder by zero", "integer divide by zero"],
    ["divide result unrepresentable", "integer overflow"],
    ["float unrepresentable in integer range", "invalid conversion to integer"],
    ["table index is out of bounds", "undefined element"],
    [
      "null function or function signature mismatch",
      "indirect call type mismatch",
    ],
    ["null function or function signature mismatch", "uninitialized element"],
    ["unreachable", "unreachable"],
  ];
  for (const [v8, godwit] of pairs) {
    assertEquals(trapCategory(v8), trapCategory(godwit), `${v8} / ${godwit}`);
    assertEquals(trapCategory(v8) === "other", false, v8);
  }
  assertEquals(
    trapCategory("unreachable") === trapCategory("divide by zero"),
    false,
  );
});
