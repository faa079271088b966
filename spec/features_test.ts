import assert from "node:assert/strict";
import {
  classifyFeature,
  countByFeature,
  formatFeatureTable,
} from "./features.ts";

Deno.test("classifyFeature: by name, then by text, first rule wins", () => {
  const core = `(module (func (export "f") (result i32) (i32.const 1)))`;
  assert.equal(classifyFeature("i32.wast", core), "2.0 core");
  assert.equal(classifyFeature("i64.wast", core), "2.0 core"); // not memory64
  assert.equal(classifyFeature("f64.wast", core), "2.0 core");
  assert.equal(classifyFeature("simd_lane.wast", core), "SIMD (2.0)");
  assert.equal(classifyFeature("relaxed_min_max.wast", core), "relaxed SIMD");
  assert.equal(classifyFeature("try_table.wast", core), "exception handling");
  assert.equal(
    classifyFeature("imports.wast", `(module (tag $e (param i32)))`),
    "exception handling",
  );
  assert.equal(
    classifyFeature("x.wast", `(module (type $s (struct (field i32))))`),
    "GC",
  );
  assert.equal(
    classifyFeature("x.wast", `(func (return_call $f (i32.const 1)))`),
    "tail calls",
  );
  assert.equal(
    classifyFeature("x.wast", `(func (param (ref null $t)) (call_ref $t))`),
    "typed function references",
  );
  assert.equal(classifyFeature("load64.wast", core), "memory64");
  assert.equal(
    classifyFeature("x.wast", `(module (memory i64 1))`),
    "memory64",
  );
  assert.equal(
    classifyFeature(
      "x.wast",
      `(module (memory $a 1) (memory $b 1) (func (i64.load $b (i32.const 0))))`,
    ),
    "multiple memories",
  );
  assert.equal(
    classifyFeature(
      "x.wast",
      `(module (global i32 (i32.add (i32.const 1) (i32.const 2))))`,
    ),
    "extended constants",
  );
  // global.set of an add is not a constant expression.
  assert.equal(
    classifyFeature("x.wast", `(func (global.set $x (i32.add (i32.const 1))))`),
    "2.0 core",
  );
});

Deno.test("countByFeature and the table sum files per feature", () => {
  const files = [
    { feature: "GC" as const, passed: 1, failed: 2, skipped: 3 },
    { feature: "GC" as const, passed: 4, failed: 0, skipped: 0 },
    { feature: "2.0 core" as const, passed: 9, failed: 1, skipped: 0 },
  ];
  assert.deepEqual(countByFeature(files), [
    ["GC", { files: 2, passed: 5, failed: 2, skipped: 3 }],
    ["2.0 core", { files: 1, passed: 9, failed: 1, skipped: 0 }],
  ]);
  const table = formatFeatureTable(files).split("\n");
  assert.match(table[1], /^GC\s+2\s+5\s+2\s+3\s+50\.0$/);
  assert.match(table[2], /^2\.0 core\s+1\s+9\s+1\s+0\s+90\.0$/);
  assert.match(table[3], /^total\s+3\s+14\s+3\s+3\s+70\.0$/);
});
