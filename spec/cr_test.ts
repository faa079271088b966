import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { type CrOptions, EXHAUSTION_DEPTH, runSpec } from "./suite.ts";
import { type AssertionRecord, CR_MISMATCH_REASON } from "./runner.ts";
import { crTotals, formatReport } from "./report.ts";

// Checkpoint injection end to end (real compiler, runtime and spec_driver)
// on spec/testdata/cr.wast, whose expected values follow the spec: loops,
// recursion, call_indirect, multi-value, memory/table/global mutation,
// memory.grow, data.drop, a trap and exhaustion after points, a call into
// another instance and a non-null externref (both not checkpointable).
const testsuite = fileURLToPath(new URL("./testdata/", import.meta.url));

async function runCr(
  cacheDir: string,
  cr: CrOptions,
  driverArgs?: string[],
) {
  return await runSpec({
    testsuite,
    filter: "cr",
    timeoutMs: 20_000,
    cacheDir,
    progress: false,
    jobs: 2,
    cr,
    driverArgs,
  });
}

function byLine(records: AssertionRecord[], line: number): AssertionRecord {
  const r = records.find((r) => r.line === line && r.cr);
  assert.ok(r, `no checkpoint-injected record at line ${line}`);
  return r;
}

/** The 1-based line of the first line of cr.wast containing `text`. */
async function lineOf(text: string): Promise<number> {
  const lines = (await Deno.readTextFile(`${testsuite}/cr.wast`)).split("\n");
  const i = lines.findIndex((l) => l.includes(text));
  assert.ok(i >= 0, text);
  return i + 1;
}

Deno.test({
  name:
    "checkpoint injection: cr.wast restores everywhere; a broken restore is caught",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    const cacheDir = await Deno.makeTempDir();
    try {
      await t.step(
        "the chained check checks every point, full runs a sample",
        async () => {
          const result = await runCr(cacheDir, { fullRuns: 5, freshEvery: 3 });
          const report = formatReport(result.files, result.records, 0);
          assert.equal(result.failed, 0, report);
          assert.equal(result.skipped, 0, report);
          const totals = crTotals(result.records);
          assert.equal(totals.mismatched, 0, report);
          // Every reached point is checked or not checkpointable.
          for (const r of result.records.filter((r) => r.cr)) {
            const c = r.cr!;
            assert.equal(c.checked + c.notCheckpointable, c.reached, report);
            assert.equal(c.unchecked, 0, report);
          }
          assert.ok(totals.fresh >= 3, report);
          // fib(10) makes 177 calls, each a function entry: all are reached
          // and checked; full runs are a sample (5 spread + first
          // occurrences of its 3 points).
          const fib = byLine(result.records, await lineOf(`(invoke "fib"`)).cr!;
          assert.deepEqual([fib.reached, fib.checked], [177, 177]);
          assert.ok(fib.full >= 5 && fib.full <= 8, report);
          // fact(7): 7 entries.
          const fact = byLine(result.records, await lineOf(`(invoke "fact"`))
            .cr!;
          assert.deepEqual([fact.reached, fact.checked], [7, 7]);
          // assert_exhaustion runs with a smaller depth limit, every point
          // checked.
          const deep = byLine(result.records, await lineOf(`(invoke "deep"`))
            .cr!;
          assert.ok(deep.reached >= EXHAUSTION_DEPTH / 2, report);
          assert.ok(deep.reached <= 2 * EXHAUSTION_DEPTH + 2, report);
          assert.equal(deep.checked, deep.reached, report);
          // Not checkpointable, counted with the reason, not failed.
          const twice = byLine(result.records, await lineOf(`(invoke "twice"`))
            .cr!;
          assert.ok(twice.notCheckpointable > 0 && twice.checked > 0);
          assert.match(twice.notCheckpointableReason!, /several instances/);
          const keep = byLine(result.records, await lineOf(`(invoke "keep"`))
            .cr!;
          assert.equal(keep.notCheckpointable, keep.reached);
          assert.match(keep.notCheckpointableReason!, /externref/);
          assert.match(report, /cr-checked\/reached/);
          assert.match(report, /not checkpointable: .*several instances/);
        },
      );
      await t.step(
        "sampling mode (--max-points) checks at most N points by full runs",
        async () => {
          const result = await runCr(cacheDir, {
            maxPoints: 50,
            freshEvery: 3,
          });
          const report = formatReport(result.files, result.records, 0);
          assert.equal(result.failed, 0, report);
          const fib = byLine(result.records, await lineOf(`(invoke "fib"`)).cr!;
          assert.deepEqual([fib.reached, fib.checked, fib.full], [177, 50, 50]);
          assert.equal(fib.unchecked, 127);
          const deep = byLine(result.records, await lineOf(`(invoke "deep"`))
            .cr!;
          assert.ok(deep.reached > 1000 && deep.checked <= 2, report);
        },
      );
      await t.step(
        "a restore that corrupts one local is a failure",
        async () => {
          const result = await runCr(cacheDir, { fullRuns: 5, freshEvery: 3 }, [
            "--debug-corrupt-local",
          ]);
          const report = formatReport(result.files, result.records, 0);
          const mismatches = result.records.filter((r) =>
            r.reason === CR_MISMATCH_REASON
          );
          assert.ok(mismatches.length > 0, report);
          assert.equal(result.failed, mismatches.length, report);
          // The chained check, the full runs and the fresh-process
          // restores each notice it.
          assert.ok(
            mismatches.some((r) => /first: chained check/.test(r.message!)),
            report,
          );
          assert.ok(
            mismatches.some((r) =>
              /did not reproduce/.test(r.message!) &&
              !/first: chained check/.test(r.message!)
            ),
            report,
          );
          assert.ok(
            mismatches.some((r) => /in a fresh process/.test(r.message!)),
            report,
          );
          const sum = result.records.find((r) =>
            r.reason === CR_MISMATCH_REASON &&
            /did not reproduce.*(result 0 differs|globals differ|another point)/
              .test(r.message!)
          );
          assert.ok(sum, report);
        },
      );
    } finally {
      await Deno.remove(cacheDir, { recursive: true });
    }
  },
});
