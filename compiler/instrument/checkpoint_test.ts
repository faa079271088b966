import assert from "node:assert/strict";
import { decodeModule } from "../decode/decoder.ts";
import { translateModule } from "../codegen/module.ts";
import { PointKind } from "./points.ts";
import { type OracleCall, runAgainstV8 } from "../../spec/oracle.ts";
import { crTotals, formatReport } from "../../spec/report.ts";

// Checkpoint at every migration point a call reaches, restore into a fresh
// instance (in process, and every few checks in a fresh spec driver), and
// compare with the uninterrupted run (results, memories, tables, globals):
// the spec harness's checkpoint injection, through the real compiler,
// runtime and spec driver. The uninterrupted outcomes, the exported globals
// after each call and a hash of memory at the end must be what Deno's
// WebAssembly engine computes.

const WAT = new URL("./testdata/cr_torture.wat", import.meta.url);

/** name, arguments (f32 arguments as numbers). */
const CASES: OracleCall[] = [
  ["fib", [9]],
  ["grid", [4, 3]],
  ["multi", [3]],
  ["indirect_sum", [6]],
  ["keep_load", [16]],
  ["keep_load", [65534]],
  ["fsum", [12, 1.5]],
  ["inner", [5]],
  ["mem_hash", []],
];

for (
  const [optLevel, allLoops] of [[2, false], [0, false], [2, true]] as const
) {
  Deno.test({
    name:
      `checkpoint at every reached point and restore gives the uninterrupted outcome (-O${optLevel}${
        allLoops ? ", polls in all loops" : ""
      })`,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      const cacheDir = await Deno.makeTempDir({ prefix: "godwit-cr-" });
      try {
        const r = await runAgainstV8(await Deno.readTextFile(WAT), CASES, {
          cacheDir,
          jobs: 1,
          optLevel,
          pollEverywhere: allLoops,
          cr: { maxPoints: 100_000, budgetMs: 600_000, freshEvery: 40 },
        });
        const report = formatReport(r.files, r.records, 0);
        assert.equal(r.failed, 0, report);
        assert.equal(r.skipped, 0, report);
        const invocations = r.records.filter((x) => x.cr);
        assert.equal(invocations.length, CASES.length, report);
        invocations.forEach((x, i) => {
          // mem_hash, a leaf whose loop is counted, polls only when every
          // loop does (poll_policy.ts).
          if (CASES[i][0] !== "mem_hash" || allLoops) {
            assert.ok(x.cr!.reached > 0, `${CASES[i][0]} reached no point`);
          }
          // Every point reached was checked (none sampled away).
          assert.equal(x.cr!.checked, x.cr!.reached, `line ${x.line}`);
          assert.equal(x.cr!.notCheckpointable, 0, `line ${x.line}`);
        });
        const totals = crTotals(r.records);
        assert.equal(totals.mismatched, 0, report);
        assert.ok(totals.checked > 200, `only ${totals.checked} checked`);
        assert.ok(totals.fresh > 5, `only ${totals.fresh} fresh restores`);
      } finally {
        await Deno.remove(cacheDir, { recursive: true });
      }
    },
  });
}

Deno.test("the point table names every entry, loop and call by its offset", () => {
  const dir = Deno.makeTempDirSync({ prefix: "godwit-cr-" });
  try {
    Deno.writeTextFileSync(
      `${dir}/i.wat`,
      `(module
        (import "wasi" "clock" (func $clock (param i32 i64) (result i64)))
        (type $t (func (param i32) (result i32)))
        (table 1 funcref)
        (func $f (param i32) (result i32) (local f64)
          (i64.const 5)
          (loop (result i32)
            (call $clock (local.get 0) (i64.const 9))
            (drop)
            (call_indirect (type $t) (local.get 0) (i32.const 0)))
          (drop) (drop) (local.get 0)))`,
    );
    const r = new Deno.Command("wat2wasm", {
      args: [`${dir}/i.wat`, "-o", `${dir}/i.wasm`],
    }).outputSync();
    assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
    const m = decodeModule(Deno.readFileSync(`${dir}/i.wasm`));
    const body = m.codes[0].body;
    const at = (op: number) => body.find((i) => i.op === op)!.offset;
    const t = translateModule(m, { targetTriple: "x86_64-pc-linux-gnu" });
    assert.deepEqual(t.points, [
      {
        func: 1,
        offset: body[0].offset,
        kind: PointKind.Entry,
        numLocals: 2,
        numStack: 0,
        types: "iF",
      },
      {
        func: 1,
        offset: at(0x03),
        kind: PointKind.Loop,
        numLocals: 2,
        numStack: 1,
        types: "iFI",
      },
      // The import's arguments are saved (it is issued again on restore).
      {
        func: 1,
        offset: at(0x10),
        kind: PointKind.ImportCall,
        numLocals: 2,
        numStack: 3,
        types: "iFIiI",
      },
      // call_indirect: the stack below the arguments, then the callee.
      {
        func: 1,
        offset: at(0x11),
        kind: PointKind.Call,
        numLocals: 2,
        numStack: 2,
        types: "iFIr",
      },
    ]);
    const none = translateModule(m, {
      targetTriple: "x86_64-pc-linux-gnu",
      cr: false,
    });
    assert.deepEqual(none.points, []);
    // The --no-cr build calls nothing of the C/R runtime.
    assert.doesNotMatch(none.printIR(), /call \S+ @gw_cr_/);
    assert.match(t.printIR(), /call \S+ @gw_cr_resume/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
