/**
 * CI's fixed-seed fuzz batch: modules of seeds BATCH_SEED .. +BATCH_COUNT-1
 * run in Godwit and V8 (and a few with checkpoint injection) must agree,
 * except the seeds of KNOWN_FAILURES, which must still fail the stated way
 * (so that a fix is noticed and its seed leaves the table).
 */

import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { runCampaign } from "./campaign.ts";

const BATCH_SEED = 20261202;
const BATCH_COUNT = 30;
const CR_SEED = 20261302;
const CR_COUNT = 6;
/** With --simd (fixed-width SIMD): a batch at -O2 and a few with --cr at -O0. */
const SIMD_SEED = 20261402;
const SIMD_COUNT = 24;
const SIMD_CR_SEED = 20261502;
const SIMD_CR_COUNT = 6;
/** Made by npm binaryen 132 (reference types; host imports defined in the module). */
const B132_SEED = 20261702;
const B132_COUNT = 16;
const B132_CR_COUNT = 4;
/** Generous: a loaded machine must not turn into a "timeout" mismatch (ttf modules do not hang). */
const TIMEOUT_MS = 30_000;

/**
 * Known miscompilations the batch hits (none now): seed -> expected mismatch
 * kind, and why. A listed seed must still fail that way, so a fix is noticed.
 */
export const KNOWN_FAILURES: Record<number, { kind: string; reason: string }> =
  {};

function verdicts(
  modules: {
    seed: number;
    comparison?: { mismatch?: { kind: string; call: string; detail: string } };
    error?: string;
  }[],
): { seed: number; verdict: string }[] {
  return modules.map((m) => ({
    seed: m.seed,
    verdict: m.error
      ? `not run: ${m.error}`
      : m.comparison?.mismatch
      ? `mismatch ${m.comparison.mismatch.kind}: ${m.comparison.mismatch.call} ${m.comparison.mismatch.detail}`
      : "match",
  }));
}

/** Every module matched, except KNOWN_FAILURES' seeds, which failed as stated. */
function assertKnownVerdicts(modules: Parameters<typeof verdicts>[0]): void {
  const got = verdicts(modules).map(({ seed, verdict }) => {
    const known = KNOWN_FAILURES[seed];
    if (!known) return { seed, verdict };
    return {
      seed,
      verdict: verdict.startsWith(`mismatch ${known.kind}:`)
        ? `known: ${known.reason}`
        : `seed ${seed} is listed in KNOWN_FAILURES (${known.reason}) but gave: ${verdict}`,
    };
  });
  const want = got.map(({ seed }) => ({
    seed,
    verdict: KNOWN_FAILURES[seed]
      ? `known: ${KNOWN_FAILURES[seed].reason}`
      : "match",
  }));
  assertEquals(got, want);
}

Deno.test(`fuzz batch: ${BATCH_COUNT} modules from seed ${BATCH_SEED} agree with V8`, async () => {
  const r = await runCampaign(
    {
      seed: BATCH_SEED,
      count: BATCH_COUNT,
      jobs: 2,
      triage: false,
      timeoutMs: TIMEOUT_MS,
    },
    () => "",
  );
  assertKnownVerdicts(r.modules);
  // Not vacuous: the batch made and compared calls.
  const calls = r.modules.reduce(
    (n, m) => n + (m.comparison?.compared ?? 0),
    0,
  );
  assertEquals(calls > BATCH_COUNT, true, `only ${calls} calls compared`);
});

Deno.test(`fuzz batch with checkpoint injection: ${CR_COUNT} modules from seed ${CR_SEED}`, async () => {
  const r = await runCampaign({
    seed: CR_SEED,
    count: CR_COUNT,
    jobs: 2,
    optLevel: 0,
    cr: { maxPoints: 8, budgetMs: 2000 },
    timeoutMs: TIMEOUT_MS,
  }, () => "");
  assertEquals(
    verdicts(r.modules),
    r.modules.map((m) => ({ seed: m.seed, verdict: "match" })),
  );
  const checked = r.modules.reduce(
    (n, m) => n + (m.comparison?.crChecked ?? 0),
    0,
  );
  assertEquals(checked > CR_COUNT, true, `only ${checked} points checked`);
});

Deno.test("fuzz --cr notices a broken restore (spec_driver --debug-corrupt-local)", async () => {
  const r = await runCampaign({
    seed: CR_SEED,
    count: 2,
    jobs: 2,
    optLevel: 0,
    cr: { maxPoints: 8, budgetMs: 2000 },
    timeoutMs: TIMEOUT_MS,
    driverArgs: ["--debug-corrupt-local"],
  }, () => "");
  // A module whose checked frames have no i32 local is restored unharmed.
  const kinds = new Set(
    r.modules.map((m) => m.comparison?.mismatch?.kind ?? "match"),
  );
  kinds.delete("match");
  assertEquals([...kinds], ["checkpoint/restore"]);
});

Deno.test(`fuzz batch --simd: ${SIMD_COUNT} modules from seed ${SIMD_SEED} agree with V8`, async () => {
  const r = await runCampaign({
    seed: SIMD_SEED,
    count: SIMD_COUNT,
    simd: true,
    jobs: 2,
    triage: false,
    timeoutMs: TIMEOUT_MS,
  }, () => "");
  assertKnownVerdicts(r.modules);
  const calls = r.modules.reduce(
    (n, m) => n + (m.comparison?.compared ?? 0),
    0,
  );
  assertEquals(calls > SIMD_COUNT, true, `only ${calls} calls compared`);
});

Deno.test(`fuzz batch --simd with checkpoint injection: ${SIMD_CR_COUNT} modules from seed ${SIMD_CR_SEED}`, async () => {
  const r = await runCampaign({
    seed: SIMD_CR_SEED,
    count: SIMD_CR_COUNT,
    simd: true,
    jobs: 2,
    optLevel: 0,
    cr: { maxPoints: 8, budgetMs: 2000 },
    timeoutMs: TIMEOUT_MS,
  }, () => "");
  assertKnownVerdicts(r.modules);
  const checked = r.modules.reduce(
    (n, m) => n + (m.comparison?.crChecked ?? 0),
    0,
  );
  assertEquals(checked > SIMD_CR_COUNT, true, `only ${checked} points checked`);
});

Deno.test(`fuzz batch --binaryen 132 (reference types): ${B132_COUNT} modules from seed ${B132_SEED} agree with V8, ${B132_CR_COUNT} with checkpoint injection`, async () => {
  const r = await runCampaign({
    seed: B132_SEED,
    count: B132_COUNT,
    binaryen: 132,
    jobs: 2,
    triage: false,
    timeoutMs: TIMEOUT_MS,
  }, () => "");
  assertKnownVerdicts(r.modules);
  const cr = await runCampaign({
    seed: B132_SEED,
    count: B132_CR_COUNT,
    binaryen: 132,
    jobs: 2,
    optLevel: 0,
    cr: { maxPoints: 8, budgetMs: 2000 },
    timeoutMs: TIMEOUT_MS,
  }, () => "");
  assertKnownVerdicts(cr.modules);
  const calls = r.modules.reduce(
    (n, m) => n + (m.comparison?.compared ?? 0),
    0,
  );
  const checked = cr.modules.reduce(
    (n, m) => n + (m.comparison?.crChecked ?? 0),
    0,
  );
  assertEquals(calls > B132_COUNT, true, `only ${calls} calls compared`);
  assertEquals(checked > B132_CR_COUNT, true, `only ${checked} points checked`);
});
