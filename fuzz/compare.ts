/**
 * Compares what Godwit and V8 did with one module. The first difference is
 * the mismatch (later ones are usually its consequences). What may
 * legitimately differ is not compared: NaN sign and payload where the spec
 * leaves them open (see sameValue), trap messages beyond their category,
 * and anything after a call stack exhaustion in either engine (the depth at
 * which the stack runs out is the engine's choice, and state changes made
 * before it differ with it), so such a module's remaining calls are skipped.
 *
 * @module
 */

import type { CallOutcome, ModuleOutcome } from "./outcome.ts";
import { sameValue } from "./outcome.ts";

/** Kinds of mismatch, the grouping of the report. */
export type MismatchKind =
  | "godwit error" // Godwit failed where V8 did not (compile, link, driver)
  | "v8 error"
  | "crash" // the spec driver died
  | "timeout"
  | "instantiation"
  | "trap vs return"
  | "trap kind"
  | "result"
  | "log"
  | "global"
  | "memory"
  | "memory: quiet NaN" // the first difference is a quiet NaN's bits (--nans)
  | "checkpoint/restore";

/** One difference between the engines. */
export interface Mismatch {
  kind: MismatchKind;
  /** The export whose call differed ("" for instantiation). */
  call: string;
  /** What each side did. */
  detail: string;
}

/** The comparison of one module. */
export interface Comparison {
  mismatch?: Mismatch;
  /**
   * Both engines rejected the module or failed to link it (so nothing was
   * compared): why, in both words. Not a mismatch, never a pass.
   */
  rejected?: string;
  /** Calls compared in full. */
  compared: number;
  /** Calls not compared because a call exhausted the stack (or a side stopped). */
  skipped: number;
  /** Migration points checked by checkpoint injection (with --cr). */
  crChecked: number;
  /** Migration points reached by the runs of checked calls (with --cr). */
  crReached: number;
  /** Of those, points that cannot be checkpointed portably (e.g. inside the logger). */
  crNotCheckpointable?: number;
}

function describeEnd(
  o: Pick<CallOutcome, "end" | "trap" | "message" | "values">,
): string {
  switch (o.end) {
    case "ok":
      return `returned ${o.values.join(" ") || "nothing"}`;
    case "trap":
      return `trapped (${o.trap}: ${o.message})`;
    default:
      return `${o.end}${o.message ? ` (${o.message})` : ""}`;
  }
}

/**
 * Whether two traps agree: same category, or V8's one message for both
 * float-to-integer traps ("float unrepresentable in integer range", for a
 * NaN as for an out-of-range value) against either of the spec's two.
 */
export function trapsAgree(
  g: Pick<CallOutcome, "trap" | "message">,
  v: Pick<CallOutcome, "trap" | "message">,
): boolean {
  if (g.trap === v.trap) return true;
  return /float unrepresentable/.test(v.message ?? "") &&
    (g.trap === "integer overflow" ||
      g.trap === "invalid conversion to integer");
}

function compareCall(g: CallOutcome, v: CallOutcome): Mismatch | undefined {
  // When both trapped, a state difference says they trapped at different points.
  const bothTrapped = g.end === "trap" && v.end === "trap"
    ? ` (both trapped, ${g.trap}: so not at the same point)`
    : "";
  const at = (kind: Mismatch["kind"], detail: string): Mismatch => ({
    kind,
    call: g.name,
    detail: kind === "log" || kind === "global" || kind === "memory"
      ? detail + bothTrapped
      : detail,
  });
  const both = `godwit ${describeEnd(g)}, v8 ${describeEnd(v)}`;
  if (g.end === "timeout" || v.end === "timeout") return at("timeout", both);
  if (g.end === "crash") return at("crash", both);
  if (g.end === "error") return at("godwit error", both);
  if (v.end === "error" || v.end === "crash") return at("v8 error", both);
  if (g.end !== v.end) return at("trap vs return", both);
  if (g.end === "trap" && !trapsAgree(g, v)) return at("trap kind", both);
  if (
    g.values.length !== v.values.length ||
    g.values.some((x, i) => !sameValue(x, v.values[i]))
  ) {
    return at("result", both);
  }
  if (g.logCount !== v.logCount || g.logHash !== v.logHash) {
    return at(
      "log",
      `godwit logged ${g.logCount} values (hash ${g.logHash}), v8 ${v.logCount} (hash ${v.logHash})`,
    );
  }
  const gi = g.globals.findIndex((x, i) => !sameValue(x, v.globals[i]));
  if (gi >= 0 || g.globals.length !== v.globals.length) {
    return at(
      "global",
      `global ${gi}: godwit ${g.globals[gi]}, v8 ${v.globals[gi]}`,
    );
  }
  if (
    g.memory?.pages !== v.memory?.pages || g.memory?.hash !== v.memory?.hash
  ) {
    return at(
      "memory",
      `godwit ${g.memory?.pages} pages (hash ${g.memory?.hash}), v8 ${v.memory?.pages} pages (hash ${v.memory?.hash})`,
    );
  }
  if (g.cr && g.cr.mismatched > 0) {
    return at(
      "checkpoint/restore",
      `${g.cr.mismatched} of ${g.cr.checked} checkpoints did not reproduce the uninterrupted run: ${g.cr.detail}`,
    );
  }
  return undefined;
}

/**
 * Compares the two engines' runs of one module that has `totalCalls`
 * exports to call (for the count of skipped calls; default: those made).
 */
export function compareRuns(
  g: ModuleOutcome,
  v: ModuleOutcome,
  totalCalls?: number,
): Comparison {
  const result: Comparison = {
    compared: 0,
    skipped: 0,
    crChecked: 0,
    crReached: 0,
  };
  const gi = g.instantiate, vi = v.instantiate;
  const both = `godwit ${describeEnd({ ...gi, values: [] })}, v8 ${
    describeEnd({ ...vi, values: [] })
  }`;
  const mismatch = (kind: Mismatch["kind"]) => {
    result.mismatch = { kind, call: "", detail: both };
    return result;
  };
  if (gi.end === "timeout" || vi.end === "timeout") return mismatch("timeout");
  if (gi.end === "crash") return mismatch("crash");
  if (gi.end === "error" && vi.end === "error") {
    result.rejected = both;
    return result;
  }
  if (gi.end === "error" && vi.end !== "error") return mismatch("godwit error");
  if (vi.end === "error" && gi.end !== "error") return mismatch("v8 error");
  if (gi.end !== vi.end || (gi.end === "trap" && !trapsAgree(gi, vi))) {
    return mismatch("instantiation");
  }
  if (gi.end !== "ok") return result;
  const n = Math.max(g.calls.length, v.calls.length);
  for (let i = 0; i < n; i++) {
    const gc = g.calls[i], vc = v.calls[i];
    if (!gc || !vc) {
      // One side stopped early without saying why in a call: a harness problem.
      result.mismatch = {
        kind: gc ? "v8 error" : "godwit error",
        call: (gc ?? vc).name,
        detail: `${gc ? "v8" : "godwit"} made no call ${i}`,
      };
      return result;
    }
    if (gc.end === "exhausted" || vc.end === "exhausted") {
      result.skipped = Math.max(totalCalls ?? n, n) - i;
      return result;
    }
    const m = compareCall(gc, vc);
    if (m) {
      result.mismatch = m;
      return result;
    }
    result.compared++;
    result.crChecked += gc.cr?.checked ?? 0;
    result.crReached += gc.cr?.reached ?? 0;
    if (gc.cr) {
      result.crNotCheckpointable = (result.crNotCheckpointable ?? 0) +
        gc.cr.notCheckpointable;
    }
  }
  return result;
}
