/**
 * The campaign report: totals, mismatches grouped by kind, and for each
 * reproducer the command that re-runs it.
 *
 * @module
 */

import type { CampaignResult } from "./campaign.ts";

/** Formats the report of a campaign; `rerun` gives each reproducer's command. */
export function formatCampaign(
  result: CampaignResult,
  rerun: (seed: number, path: string) => string,
): string {
  const lines: string[] = [];
  const ok = result.modules.filter((m) =>
    m.comparison && !m.comparison.mismatch
  );
  const bad = result.modules.filter((m) => m.comparison?.mismatch);
  const failedGen = result.modules.filter((m) => m.error);
  let calls = 0, skipped = 0, crChecked = 0, crReached = 0, nocp = 0;
  for (const m of result.modules) {
    calls += m.comparison?.compared ?? 0;
    skipped += m.comparison?.skipped ?? 0;
    crChecked += m.comparison?.crChecked ?? 0;
    crReached += m.comparison?.crReached ?? 0;
    nocp += m.comparison?.crNotCheckpointable ?? 0;
  }
  lines.push(
    `modules: ${result.modules.length} (${ok.length} clean, ${bad.length} mismatched, ${failedGen.length} not run)`,
    `calls compared: ${calls}; calls skipped after a stack exhaustion: ${skipped}`,
  );
  const retried = result.modules.filter((m) => m.retriedAfterTimeout);
  if (retried.length > 0) {
    lines.push(
      `run again after a timeout: ${retried.length} (${
        retried.filter((m) => !m.comparison?.mismatch).length
      } then matched): seeds ${retried.map((m) => m.seed).join(", ")}`,
    );
  }
  if (crReached > 0 || crChecked > 0) {
    lines.push(
      `checkpoint/restore: ${crChecked} migration points checked of ${crReached} reached${
        nocp ? ` (${nocp} not checkpointable: inside the logger)` : ""
      }`,
    );
  }
  const byKind = new Map<string, typeof bad>();
  for (const m of bad) {
    const k = m.comparison!.mismatch!.kind;
    byKind.set(k, [...(byKind.get(k) ?? []), m]);
  }
  if (byKind.size > 0) lines.push("mismatches by kind:");
  for (
    const [kind, ms] of [...byKind].sort((a, b) => b[1].length - a[1].length)
  ) {
    const clean = ms.filter((m) => m.atO0 === "match").length;
    lines.push(
      `  ${kind}: ${ms.length}${
        clean ? `, ${clean} of them clean at -O0` : ""
      } (seeds ${ms.map((m) => m.seed).join(", ")})`,
    );
  }
  for (const m of bad) {
    const mm = m.comparison!.mismatch!;
    lines.push(
      `seed ${m.seed}: ${mm.kind} in ${
        mm.call || "instantiation"
      }: ${mm.detail}${m.atO0 ? ` [at -O0: ${m.atO0}]` : ""}`,
    );
    if (m.reproducer) lines.push(`  re-run: ${rerun(m.seed, m.reproducer)}`);
  }
  for (const m of failedGen) {
    lines.push(`seed ${m.seed}: not run: ${m.error}`);
  }
  lines.push(`time: ${result.seconds.toFixed(1)} s`);
  lines.push(`${ok.length} passed, ${bad.length + failedGen.length} failed`);
  return lines.join("\n");
}
