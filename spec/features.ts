/**
 * Which WebAssembly 3.0 feature a spec script tests, so that a run of the
 * `wasm-3.0` folder reports the gap to 3.0 per feature (`--by-feature`).
 * A file gets the first feature whose rule matches its name or text
 * (docs/proof.md lists the rules); a file that uses none is "2.0 core".
 * The mapping is per file, so a file mixing features counts entirely under
 * the first in this order.
 *
 * @module
 */

import type { Counts } from "./report.ts";

/** The features, in the order the rules are tried. */
export const FEATURES = [
  "relaxed SIMD",
  "SIMD (2.0)",
  "exception handling",
  "GC",
  "tail calls",
  "typed function references",
  "memory64",
  "multiple memories",
  "extended constants",
  "2.0 core",
] as const;

/** One of {@link FEATURES}. */
export type Feature = typeof FEATURES[number];

/** A rule: a file-name pattern, a text pattern, or both (either matches). */
interface Rule {
  feature: Feature;
  name?: RegExp;
  text?: RegExp;
}

const RULES: Rule[] = [
  { feature: "relaxed SIMD", name: /relaxed/ },
  { feature: "SIMD (2.0)", name: /^simd_/ },
  {
    feature: "exception handling",
    name: /^(tag|throw|throw_ref|try_table)\.wast$/,
    text: /\((?:try_table|throw_ref|throw|tag)\b/,
  },
  {
    feature: "GC",
    name:
      /^(array|struct|i31|ref_cast|ref_test|ref_eq|br_on_cast|type-|binary-gc)/,
    text:
      /\b(?:struct\.new|array\.new|ref\.i31|ref\.cast|ref\.test|br_on_cast|any\.convert_extern|extern\.convert_any)\b|\((?:struct|array|sub|rec)\b|\b(?:anyref|eqref|structref|arrayref|i31ref)\b/,
  },
  { feature: "tail calls", text: /\breturn_call/ },
  {
    feature: "typed function references",
    text:
      /\b(?:call_ref|ref\.as_non_null|br_on_null|br_on_non_null)\b|\(ref\s+(?:null\s+)?(?:\$|\d|func\)|extern\))/,
  },
  {
    feature: "memory64",
    name: /^(?![if]64\.wast$).*64(?:-imports)?\.wast$/,
    text:
      /\((?:memory|table)(?:\s+\$[^\s()]+)?(?:\s+\(export\s+"[^"]*"\))?\s+i64\b/,
  },
  {
    feature: "multiple memories",
    name: /^memory-multi\.wast$/,
    text:
      /\b(?:i32|i64|f32|f64)\.(?:load|store)\w*\s+(?:\$|\d+\s)|\bmemory\.(?:size|grow|fill|copy)\s+\$|\(memory\s+\$[^\s()]+\s+\d+[^()]*\)\s*\(memory\b/,
  },
  {
    feature: "extended constants",
    text:
      /\((?:global|offset|data|elem)\s[^\n]*\((?:i32|i64)\.(?:add|sub|mul)\b/,
  },
];

/** The feature a script tests, from its file name and text. */
export function classifyFeature(file: string, text: string): Feature {
  for (const rule of RULES) {
    if (rule.name?.test(file) || rule.text?.test(text)) return rule.feature;
  }
  return "2.0 core";
}

/** Counts of one feature's files and assertions. */
export interface FeatureCounts extends Counts {
  /** Script files mapped to it. */
  files: number;
}

/** Sums per-file counts by feature, in {@link FEATURES} order (features without files left out). */
export function countByFeature(
  files: (Counts & { feature?: Feature })[],
): [Feature, FeatureCounts][] {
  const by = new Map<Feature, FeatureCounts>();
  for (const f of files) {
    const key = f.feature ?? "2.0 core";
    const c = by.get(key) ??
      { files: 0, passed: 0, failed: 0, skipped: 0 };
    c.files++;
    c.passed += f.passed;
    c.failed += f.failed;
    c.skipped += f.skipped;
    by.set(key, c);
  }
  return FEATURES.filter((f) => by.has(f)).map((f) => [f, by.get(f)!]);
}

/** The per-feature table of the report. */
export function formatFeatureTable(
  files: (Counts & { feature?: Feature })[],
): string {
  const rows = countByFeature(files);
  const width = Math.max(8, ...rows.map(([f]) => f.length));
  const out = [
    `${"feature".padEnd(width)}  files  passed  failed skipped  passed %`,
  ];
  const total = { files: 0, passed: 0, failed: 0, skipped: 0 };
  const line = (name: string, c: FeatureCounts) => {
    const all = c.passed + c.failed + c.skipped;
    const pct = all ? ((100 * c.passed) / all).toFixed(1) : "-";
    return `${name.padEnd(width)} ${String(c.files).padStart(6)} ${
      String(c.passed).padStart(7)
    } ${String(c.failed).padStart(7)} ${String(c.skipped).padStart(7)} ${
      pct.padStart(9)
    }`;
  };
  for (const [f, c] of rows) {
    out.push(line(f, c));
    total.files += c.files;
    total.passed += c.passed;
    total.failed += c.failed;
    total.skipped += c.skipped;
  }
  out.push(line("total", total));
  return out.join("\n");
}
