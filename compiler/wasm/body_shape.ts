/**
 * Shapes of a function body that code generation and checkpoint/restore
 * both decide on: whether it makes calls, and its short counted loops.
 *
 * A _short counted loop_ is an innermost loop that calls nothing (no calls,
 * no nested loops, no memory.grow or bulk memory/table operation) and is
 * _obviously counted_: it steps a local by a loop-invariant amount (a
 * constant or a local the loop does not write) on every iteration, and
 * leaves (or continues) on a test of that local against such an invariant.
 * A loop without a back edge (a `loop` used as a block) counts too. Every
 * run of one is short, so its header needs no checkpoint poll
 * (compiler/instrument/poll_policy.ts; the "Cost" section of
 * docs/snapshot.md); it is also the shape LLVM vectorizes
 * (compiler/codegen/load_keeping.ts).
 *
 * @module
 */
import type { Instr } from "./types.ts";
import { Op } from "./instructions.ts";

/** Calls and memory.grow: anything that can take unbounded time. */
const CALL_LIKE = new Set<number>([Op.Call, Op.CallIndirect, Op.MemoryGrow]);

const isConst = (i: Instr | undefined) =>
  i?.op === Op.I32Const || i?.op === Op.I64Const;
const isAddSub = (op: number | undefined) =>
  op === Op.I32Add || op === Op.I32Sub || op === Op.I64Add || op === Op.I64Sub;
/** i32/i64 comparisons with two operands (eq ... ge_u). */
const isCompare = (op: number | undefined) =>
  op !== undefined && COMPARES.has(op);
const COMPARES = new Set<number>([
  Op.I32Eq,
  Op.I32Ne,
  Op.I32LtS,
  Op.I32LtU,
  Op.I32GtS,
  Op.I32GtU,
  Op.I32LeS,
  Op.I32LeU,
  Op.I32GeS,
  Op.I32GeU,
  Op.I64Eq,
  Op.I64Ne,
  Op.I64LtS,
  Op.I64LtU,
  Op.I64GtS,
  Op.I64GtU,
  Op.I64LeS,
  Op.I64LeU,
  Op.I64GeS,
  Op.I64GeU,
]);

/** memory.init ... table.fill: bulk, possibly long. */
const BULK = new Set<number>([
  Op.MemoryInit,
  Op.DataDrop,
  Op.MemoryCopy,
  Op.MemoryFill,
  Op.TableInit,
  Op.ElemDrop,
  Op.TableCopy,
  Op.TableGrow,
  Op.TableSize,
  Op.TableFill,
]);
const isBulk = (op: number) => BULK.has(op);

/** Whether a body calls anything (then it counts call depth). */
export function makesCalls(body: readonly Instr[]): boolean {
  return body.some((ins) => ins.op === Op.Call || ins.op === Op.CallIndirect);
}

/**
 * The indices in `body` (a function body, ending with its `end`) of its
 * short counted `loop` instructions (see the module comment).
 */
export function shortCountedLoops(body: readonly Instr[]): Set<number> {
  const out = new Set<number>();
  const open: number[] = [];
  for (let k = 0; k < body.length; k++) {
    const op = body[k].op;
    if (op === Op.Block || op === Op.Loop || op === Op.If) open.push(k);
    else if (op === Op.End) {
      const start = open.pop();
      if (start !== undefined && body[start].op === Op.Loop) {
        if (isShortCounted(body, start, k)) out.add(start);
      }
    }
  }
  return out;
}

/** Whether the loop at `start` (its `end` at `end`) is short and counted. */
function isShortCounted(
  body: readonly Instr[],
  start: number,
  end: number,
): boolean {
  // Leaf check, and where the back edges are (relative depth 0 = the loop).
  let depth = 0;
  let firstBackEdge = -1;
  const written = new Set<number>();
  for (let k = start + 1; k < end; k++) {
    const ins = body[k];
    const op = ins.op;
    if (op === Op.Loop || CALL_LIKE.has(op) || isBulk(op)) return false;
    if (op === Op.Block || op === Op.If) depth++;
    else if (op === Op.End) depth--;
    else if (op === Op.LocalSet || op === Op.LocalTee) written.add(ins.index!);
    const targets = op === Op.Br || op === Op.BrIf
      ? [ins.index!]
      : op === Op.BrTable
      ? ins.labels!
      : [];
    if (targets.includes(depth) && firstBackEdge < 0) firstBackEdge = k;
  }
  if (firstBackEdge < 0) return true;

  // Induction locals: written only by `x = x +/- step` at the body's top
  // level, stepped before any back edge (so every iteration steps them),
  // with the direction when the steps are constants (+1 up, -1 down, else 0).
  const induction = new Map<number, number>();
  const other = new Set<number>();
  depth = 0;
  for (let k = start + 1; k < end; k++) {
    const ins = body[k];
    if (ins.op === Op.Block || ins.op === Op.If) depth++;
    else if (ins.op === Op.End) depth--;
    else if (ins.op === Op.LocalSet || ins.op === Op.LocalTee) {
      const x = ins.index!;
      const dir = depth === 0
        ? stepDirection(body, start, k, x, written)
        : undefined;
      if (dir === undefined || (k > firstBackEdge && !induction.has(x))) {
        other.add(x);
      } else {
        const was = induction.get(x);
        induction.set(x, was === undefined || was === dir ? dir : 0);
      }
    }
  }
  for (const x of other) induction.delete(x);
  if (induction.size === 0) return false;

  // A conditional branch on an induction local against an invariant.
  for (let k = start + 1; k < end; k++) {
    if (body[k].op !== Op.BrIf) continue;
    if (testsInduction(body, start, k, induction, written)) return true;
    // `br_if` on a local set from such a test earlier at the top level.
    const c = body[k - 1];
    if (c.op !== Op.LocalGet || induction.has(c.index!)) continue;
    const set = lastWrite(body, start, k - 1, c.index!);
    if (
      set !== undefined && body[set].op === Op.LocalSet &&
      testsInduction(body, start, set, induction, written)
    ) return true;
  }
  return false;
}

/**
 * Whether `x = x + s` or `x = x - s` ends at `k` (the `local.set|tee x`),
 * where the step `s` is a constant or a local the loop does not write: then
 * the direction (+1 or -1 for a nonzero constant step, else 0), otherwise
 * undefined.
 */
function stepDirection(
  body: readonly Instr[],
  start: number,
  k: number,
  x: number,
  written: ReadonlySet<number>,
): number | undefined {
  const op = body[k - 1]?.op;
  if (k - 3 <= start || !isAddSub(op)) return undefined;
  const a = body[k - 3], b = body[k - 2];
  const getX = (i: Instr) => i.op === Op.LocalGet && i.index === x;
  const step = (i: Instr) =>
    isConst(i) || (i.op === Op.LocalGet && !written.has(i.index!));
  const add = op === Op.I32Add || op === Op.I64Add;
  const s = getX(a) && step(b) ? b : add && step(a) && getX(b) ? a : undefined;
  if (!s) return undefined;
  if (!isConst(s)) return 0;
  const v = BigInt(s.value!);
  return v === 0n ? 0 : (v > 0n) === add ? 1 : -1;
}

/**
 * The index of the last write to local `x` before `k` in the same
 * straight-line stretch (no block boundary between), if any.
 */
function lastWrite(
  body: readonly Instr[],
  start: number,
  k: number,
  x: number,
): number | undefined {
  for (let m = k - 1; m > start; m--) {
    const op = body[m].op;
    if ((op === Op.LocalSet || op === Op.LocalTee) && body[m].index === x) {
      return m;
    }
    if (op === Op.Block || op === Op.If || op === Op.End || op === Op.Else) {
      return;
    }
  }
  return undefined;
}

/** A simple operand ending at `k`: what it is and where it starts. */
interface Operand {
  start: number;
  /** The induction local it reads, if any. */
  induction?: number;
  /** Whether it is loop-invariant (a constant or an unwritten local). */
  invariant: boolean;
}

function operandEndingAt(
  body: readonly Instr[],
  start: number,
  k: number,
  induction: ReadonlyMap<number, number>,
  written: ReadonlySet<number>,
): Operand | undefined {
  if (k <= start) return undefined;
  const ins = body[k];
  if (isConst(ins)) return { start: k, invariant: true };
  if (ins.op === Op.LocalGet) {
    const x = ins.index!;
    return induction.has(x)
      ? { start: k, induction: x, invariant: false }
      : { start: k, invariant: !written.has(x) };
  }
  if (
    ins.op === Op.LocalTee && induction.has(ins.index!) &&
    stepDirection(body, start, k, ins.index!, written) !== undefined
  ) {
    return { start: k - 3, induction: ins.index!, invariant: false };
  }
  return undefined;
}

/**
 * Whether the value consumed at `k` (a `br_if`, or the `local.set` of a
 * condition) tests an induction local: against an invariant, or against
 * another induction local moving the other way (`i < j` with `i++, j--`).
 */
function testsInduction(
  body: readonly Instr[],
  start: number,
  k: number,
  induction: ReadonlyMap<number, number>,
  written: ReadonlySet<number>,
): boolean {
  const cond = body[k - 1];
  const single = (end: number) =>
    operandEndingAt(body, start, end, induction, written)?.induction !==
      undefined;
  if (single(k - 1)) return true; // `br_if` on the counter itself
  if (cond.op === Op.I32Eqz || cond.op === Op.I64Eqz) return single(k - 2);
  if (!isCompare(cond.op)) return false;
  const right = operandEndingAt(body, start, k - 2, induction, written);
  if (!right) return false;
  const left = operandEndingAt(
    body,
    start,
    right.start - 1,
    induction,
    written,
  );
  if (!left) return false;
  if (left.induction !== undefined && right.induction !== undefined) {
    const l = induction.get(left.induction)!;
    const r = induction.get(right.induction)!;
    return l !== 0 && l === -r;
  }
  return (left.induction !== undefined && right.invariant) ||
    (right.induction !== undefined && left.invariant);
}
