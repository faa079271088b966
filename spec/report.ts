/**
 * Reporting for the spec harness: a progress bar on a terminal, per-file
 * counts, failures grouped by cause with expected/actual examples, skips
 * summarized by reason, and the final `N passed, N failed, N skipped` line.
 *
 * @module
 */

import type { AssertionRecord } from "./runner.ts";
import type { Feature } from "./features.ts";

/** Pass/fail/skip counts. */
export interface Counts {
  /** Passed assertions. */
  passed: number;
  /** Failed assertions. */
  failed: number;
  /** Skipped assertions. */
  skipped: number;
}

/** Counts for one script file. */
export interface FileSummary extends Counts {
  /** File name, e.g. "i32.wast". */
  file: string;
  /** Set when the file could not be parsed or run at all. */
  error?: string;
  /** The 3.0 feature the file tests (spec/features.ts). */
  feature?: Feature;
}

/** Adds one record to `counts`. */
export function count(counts: Counts, r: AssertionRecord): void {
  if (r.outcome === "pass") counts.passed++;
  else if (r.outcome === "fail") counts.failed++;
  else counts.skipped++;
}

/** Checkpoint injection totals (`--cr`). */
export interface CrTotals {
  /** Invocations run with checkpoint injection. */
  invocations: number;
  /** Migration points the invocations reached. */
  reached: number;
  /** Points checked (the chained check; in sampling mode, full runs). */
  checked: number;
  /** Full-run checks (restore, run to the end, compare). */
  full: number;
  /** Reached points neither checked nor not checkpointable. */
  unchecked: number;
  /** Checks that did not reproduce the uninterrupted run. */
  mismatched: number;
  /** Points that cannot be checkpointed portably, by reason. */
  notCheckpointable: Map<string, number>;
  /** Checked points also restored in a fresh process. */
  fresh: number;
  /** `--cross-cpu`: snapshots of this CPU restored on the other. */
  crossOut: number;
  /** `--cross-cpu`: snapshots of the other CPU restored on this one. */
  crossIn: number;
  /** Files with at least one cross check. */
  crossFiles: number;
}

/** Sums the checkpoint injection counts of `records`. */
export function crTotals(records: AssertionRecord[]): CrTotals {
  const t: CrTotals = {
    invocations: 0,
    reached: 0,
    checked: 0,
    full: 0,
    unchecked: 0,
    mismatched: 0,
    notCheckpointable: new Map(),
    fresh: 0,
    crossOut: 0,
    crossIn: 0,
    crossFiles: 0,
  };
  const crossFiles = new Set<string>();
  for (const r of records) {
    if (!r.cr) continue;
    t.invocations++;
    t.reached += r.cr.reached;
    t.checked += r.cr.checked;
    t.full += r.cr.full ?? 0;
    t.unchecked += r.cr.unchecked ?? 0;
    t.mismatched += r.cr.mismatched;
    t.fresh += r.cr.fresh;
    t.crossOut += r.cr.crossOut ?? 0;
    t.crossIn += r.cr.crossIn ?? 0;
    if (r.cr.crossOut) crossFiles.add(r.file);
    if (r.cr.notCheckpointable > 0) {
      const why = r.cr.notCheckpointableReason ?? "unknown";
      t.notCheckpointable.set(
        why,
        (t.notCheckpointable.get(why) ?? 0) + r.cr.notCheckpointable,
      );
    }
  }
  t.crossFiles = crossFiles.size;
  return t;
}

function sum(m: Map<string, number>): number {
  let n = 0;
  for (const v of m.values()) n += v;
  return n;
}

/** The final line: `N passed, N failed` plus `, N skipped` when any. */
export function finalLine(c: Counts): string {
  return `${c.passed} passed, ${c.failed} failed${
    c.skipped ? `, ${c.skipped} skipped` : ""
  }`;
}

/** Whether a file belongs to the SIMD group. */
export function isSimdFile(file: string): boolean {
  return file.startsWith("simd_");
}

/** A progress bar redrawn in place on a terminal's stderr. */
export class ProgressBar {
  readonly #enabled: boolean;
  readonly #total: number;
  #last = 0;
  readonly #encoder = new TextEncoder();

  /** Draws only when stderr is a terminal. */
  constructor(totalFiles: number) {
    this.#total = totalFiles;
    this.#enabled = Deno.stderr.isTerminal();
  }

  /** Redraws (at most every 100 ms unless forced). */
  update(doneFiles: number, c: Counts, current: string, force = false): void {
    if (!this.#enabled) return;
    const now = Date.now();
    if (!force && now - this.#last < 100) return;
    this.#last = now;
    const width = 30;
    const filled = this.#total
      ? Math.round((doneFiles / this.#total) * width)
      : width;
    const bar = "=".repeat(filled) + " ".repeat(width - filled);
    const line = `[${bar}] ${doneFiles}/${this.#total} files  ${
      finalLine(c)
    }  ${current}`;
    const cols = Deno.consoleSize?.().columns ?? 120;
    Deno.stderr.writeSync(
      this.#encoder.encode(`\r\x1b[K${line.slice(0, cols - 1)}`),
    );
  }

  /** Clears the bar line. */
  done(): void {
    if (this.#enabled) Deno.stderr.writeSync(this.#encoder.encode("\r\x1b[K"));
  }
}

/** Groups records by their reason; returns [reason, records] by count. */
export function groupByReason(
  records: AssertionRecord[],
): [string, AssertionRecord[]][] {
  const groups = new Map<string, AssertionRecord[]>();
  for (const r of records) {
    const key = r.reason ?? r.message ?? "unknown";
    let g = groups.get(key);
    if (!g) groups.set(key, g = []);
    g.push(r);
  }
  return [...groups.entries()].sort((a, b) => b[1].length - a[1].length);
}

/** Normalizes a failure message into a group key (drops numbers, offsets). */
function failureKey(r: AssertionRecord): string {
  const reason = r.reason ?? "failed";
  if (reason === "module unusable" || reason === "wrong message") {
    const msg = (r.message ?? "").replace(/0x[0-9a-f]+|\d+/gi, "N").slice(
      0,
      120,
    );
    return `${reason}: ${msg}`;
  }
  return reason;
}

/**
 * The human-readable report: per-file table, failures grouped (with up to
 * `examples` expected/actual examples each), skips by reason, final line.
 */
export function formatReport(
  files: FileSummary[],
  records: AssertionRecord[],
  seconds: number,
  examples = 3,
): string {
  const out: string[] = [];
  const total: Counts = { passed: 0, failed: 0, skipped: 0 };
  for (const r of records) count(total, r);
  const nameWidth = Math.max(10, ...files.map((f) => f.file.length));
  // Checkpoint injection columns, when it ran: points checked (of those
  // reached), mismatches, points not checkpointable.
  const crByFile = new Map<string, CrTotals>();
  for (const f of files) {
    const t = crTotals(records.filter((r) => r.file === f.file));
    if (t.invocations > 0) crByFile.set(f.file, t);
  }
  const withCr = crByFile.size > 0;
  out.push(
    `${"file".padEnd(nameWidth)}  passed  failed skipped${
      withCr ? "   cr-checked/reached  cr-mismatch  not-checkpointable" : ""
    }`,
  );
  for (const f of files) {
    const t = crByFile.get(f.file);
    const crCols = !withCr
      ? ""
      : t
      ? ` ${`${t.checked}/${t.reached}`.padStart(20)} ${
        String(t.mismatched).padStart(12)
      } ${String(sum(t.notCheckpointable)).padStart(19)}`
      : ` ${"-".padStart(20)} ${"-".padStart(12)} ${"-".padStart(19)}`;
    out.push(
      `${f.file.padEnd(nameWidth)} ${String(f.passed).padStart(7)} ${
        String(f.failed).padStart(7)
      } ${String(f.skipped).padStart(7)}${crCols}${
        f.error ? `  ERROR: ${f.error}` : ""
      }`,
    );
  }
  const failures = records.filter((r) => r.outcome === "fail");
  for (
    const [title, group] of [
      ["Failures", failures.filter((r) => !isSimdFile(r.file))],
      [
        "SIMD failures (simd_*.wast)",
        failures.filter((r) => isSimdFile(r.file)),
      ],
    ] as const
  ) {
    if (group.length === 0) continue;
    out.push("", `${title}: ${group.length}, grouped by cause`);
    const groups = new Map<string, AssertionRecord[]>();
    for (const r of group) {
      const key = failureKey(r);
      let g = groups.get(key);
      if (!g) groups.set(key, g = []);
      g.push(r);
    }
    for (
      const [key, g] of [...groups.entries()].sort((a, b) =>
        b[1].length - a[1].length
      )
    ) {
      const filesIn = [...new Set(g.map((r) => r.file))];
      out.push(
        `  ${g.length} x ${key}  [${filesIn.slice(0, 6).join(", ")}${
          filesIn.length > 6 ? ", ..." : ""
        }]`,
      );
      for (const r of g.slice(0, examples)) {
        out.push(
          `      ${r.file}:${r.line} ${r.command}: ${r.message ?? ""}`.slice(
            0,
            400,
          ),
        );
      }
    }
  }
  const skips = records.filter((r) => r.outcome === "skip");
  if (skips.length > 0) {
    out.push("", `Skipped: ${skips.length}, by reason`);
    for (const [reason, g] of groupByReason(skips)) {
      out.push(`  ${g.length} x ${reason}`);
    }
  }
  if (withCr) out.push("", formatCrSummary(crTotals(records)));
  const broken = files.filter((f) => f.error);
  if (broken.length) out.push("", `${broken.length} file(s) could not be run`);
  out.push("", `time: ${seconds.toFixed(1)} s`, finalLine(total));
  return out.join("\n");
}

/** The checkpoint injection paragraph of the report. */
export function formatCrSummary(t: CrTotals): string {
  const lines = [
    `Checkpoint injection: ${t.invocations} invocations reached ${t.reached} migration points; ` +
    `${t.checked} checked, ${sum(t.notCheckpointable)} not checkpointable, ` +
    `${t.unchecked} unchecked; ${t.full} full runs (${t.fresh} also ` +
    `restored in a fresh process); ${t.mismatched} mismatched`,
  ];
  if (t.crossOut > 0) {
    lines.push(
      `  cross-CPU (in ${t.crossFiles} files): ${t.crossOut} snapshots ` +
        `restored on the other CPU and finished there, ${t.crossIn} taken ` +
        `there (at the next point) and finished here`,
    );
  }
  for (
    const [why, n] of [...t.notCheckpointable.entries()].sort((a, b) =>
      b[1] - a[1]
    )
  ) {
    lines.push(`  ${n} x not checkpointable: ${why}`);
  }
  return lines.join("\n");
}
