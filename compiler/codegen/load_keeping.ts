/**
 * How a load's value is kept alive so that an out-of-bounds load traps even
 * when its value ends up unused (Godwit relies on guard pages, and LLVM
 * deletes a load whose value is dead or folded away, or moves it into the
 * one branch that uses it).
 *
 * Everywhere but in the loops below, `gwp_load_*` reads the value with an
 * empty inline asm right after the load (prelude.ts). An asm is a call to
 * LLVM's loop vectorizer, which then gives up, so in a loop that LLVM may
 * vectorize each integer load's value is instead OR-ed into an accumulator
 * (an i32 and an i64 per function, zero at entry), and the accumulators are
 * read by the asm where the loop is left: a reduction the vectorizer
 * handles, one OR per load (per vector of loads once vectorized). Float
 * loads keep their asm: their ORs cost more than they save (matmul's
 * kernel, which LLVM does not vectorize anyway, ran 1.25-1.45x slower with
 * them), and without fast-math LLVM vectorizes no float reduction.
 *
 * The accumulators' read must be on every way out of the loop, or LLVM may
 * move a load whose value is dead on a path off that path: the loop must be left only by falling through
 * its `end` and hold no instruction that traps other than memory accesses
 * (a division by zero after an out-of-bounds load must report the load).
 * Such loops are the short counted loops of compiler/wasm/body_shape.ts
 * (the shape LLVM vectorizes) without branches out of the loop or
 * trapping arithmetic, whose last instruction can fall through.
 *
 * For the same reason their writes are not each followed by the write
 * fence (`gwp_write_fence`, prelude.ts), only the loop's exit is: a trap
 * inside such a loop may leave some of its earlier writes unseen, as a
 * vectorized loop faults on a whole vector before its earlier elements'
 * stores (docs/architecture.md).
 *
 * @module
 */
import type { Instr } from "../wasm/types.ts";
import { shortCountedLoops } from "../wasm/body_shape.ts";
import { Op } from "../wasm/instructions.ts";

/**
 * Instructions that trap other than by a memory access: unreachable,
 * table.get/set, integer division and remainder, float-to-int truncation.
 */
function traps(op: number): boolean {
  return TRAPPING.has(op);
}
const TRAPPING = new Set<number>([
  Op.Unreachable,
  Op.TableGet,
  Op.TableSet,
  Op.I32DivS,
  Op.I32DivU,
  Op.I32RemS,
  Op.I32RemU,
  Op.I64DivS,
  Op.I64DivU,
  Op.I64RemS,
  Op.I64RemU,
  Op.I32TruncF32S,
  Op.I32TruncF32U,
  Op.I32TruncF64S,
  Op.I32TruncF64U,
  Op.I64TruncF32S,
  Op.I64TruncF32U,
  Op.I64TruncF64S,
  Op.I64TruncF64U,
]);

/** The `loop` instructions of `body` whose loads use the accumulators. */
export function accumulatingLoops(body: readonly Instr[]): Set<Instr> {
  const out = new Set<Instr>();
  for (const start of shortCountedLoops(body)) {
    if (leavesOnlyAtEnd(body, start)) out.add(body[start]);
  }
  return out;
}

/**
 * Whether the loop at `start` is left only by falling through its `end`
 * and has no trapping arithmetic.
 */
function leavesOnlyAtEnd(body: readonly Instr[], start: number): boolean {
  let depth = 0;
  for (let k = start + 1; k < body.length; k++) {
    const ins = body[k];
    if (ins.op === Op.Block || ins.op === Op.Loop || ins.op === Op.If) depth++;
    else if (ins.op === Op.End) {
      if (depth === 0) {
        const last = body[k - 1].op;
        return last !== Op.Br && last !== Op.BrTable && last !== Op.Return &&
          last !== Op.Unreachable;
      }
      depth--;
    } else if (ins.op === Op.Return || traps(ins.op)) return false;
    else {
      const targets = ins.op === Op.Br || ins.op === Op.BrIf
        ? [ins.index!]
        : ins.op === Op.BrTable
        ? ins.labels!
        : [];
      // Label `depth` is the loop itself; anything above it leaves.
      if (targets.some((t) => t > depth)) return false;
    }
  }
  return false;
}
