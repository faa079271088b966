/**
 * Reporting for the spec harness: a progress bar on a terminal, per-file
 * counts, failures grouped by cause with expected/actual examples, skips
 * summarized by reason, and the final `N passed, N failed, N skipped` line.
 *
 * @module
 */

import type { AssertionRecord } from "./runner.ts";

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
}

/** Adds one record to `counts`. */
export function count(counts: Counts, r: AssertionRecord): void {
  if (r.outcome === "pass") counts.passed++;
  else if (r.outcome === "fail") counts.failed++;
  else counts.skipped++;
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
  out.push(`${"file".padEnd(nameWidth)}  passed  failed skipped`);
  for (const f of files) {
    out.push(
      `${f.file.padEnd(nameWidth)} ${String(f.passed).padStart(7)} ${
        String(f.failed).padStart(7)
      } ${String(f.skipped).padStart(7)}${
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
  const broken = files.filter((f) => f.error);
  if (broken.length) out.push("", `${broken.length} file(s) could not be run`);
  out.push("", `time: ${seconds.toFixed(1)} s`, finalLine(total));
  return out.join("\n");
}
