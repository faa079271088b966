/**
 * The migration-point table: one entry per place where a frame can be
 * suspended by checkpoint/restore (see `gw_point_desc` in runtime/godwit.h).
 * Code generation appends points in function order, so the points of one
 * function are contiguous and a point's id is its index in the table.
 *
 * @module
 */
import type { ValType } from "../wasm/types.ts";
import { typeLetter } from "../wasm/module_info.ts";

/** `GW_POINT_*` values of runtime/godwit.h. */
export const PointKind = {
  /** A defined function's entry; offset = the body's first instruction. */
  Entry: 0,
  /** A `loop` header; offset = the `loop` instruction. */
  Loop: 1,
  /**
   * A call to a Wasm function (`call` of a defined function, any
   * `call_indirect`); the saved stack excludes the arguments, which the
   * callee's frame holds. For `call_indirect` the callee's funcref is saved
   * after the stack (one extra `r` value) so that restore calls the same
   * function even if the table changed since.
   */
  Call: 2,
  /**
   * A `call` of an imported function: the saved stack includes the
   * arguments, so that an abandoned blocking host call is issued again.
   */
  ImportCall: 3,
} as const;
/** A migration point kind (one of {@link PointKind}). */
export type PointKind = typeof PointKind[keyof typeof PointKind];

/** One `gw_point_desc`. */
export interface PointInfo {
  /** Function index (imports counted). */
  func: number;
  /** Byte offset of the instruction in the original module. */
  offset: number;
  kind: PointKind;
  /** Parameters plus declared locals. */
  numLocals: number;
  /** Operand-stack values saved after the locals. */
  numStack: number;
  /** One letter per saved value (locals, then stack): i I f F v r e. */
  types: string;
}

/** The `type_sigs` letter of a value type. */
export { typeLetter };

/** The locals' letters per locals array (a function passes the same one). */
const localLetters = new WeakMap<readonly ValType[], string>();

/** A point's table entry from its saved locals' and stack values' types. */
export function pointInfo(
  func: number,
  offset: number,
  kind: PointKind,
  locals: readonly ValType[],
  stack: readonly ValType[],
): PointInfo {
  let letters = localLetters.get(locals);
  if (letters === undefined) {
    letters = locals.map(typeLetter).join("");
    localLetters.set(locals, letters);
  }
  return {
    func,
    offset,
    kind,
    numLocals: locals.length,
    numStack: stack.length,
    types: letters + stack.map(typeLetter).join(""),
  };
}

/**
 * C initializers of a `gw_point_desc` array for the module descriptor, one
 * per point: `{func, offset, kind, num_locals, num_stack, "types"}`.
 */
export function pointDescInitializers(points: readonly PointInfo[]): string[] {
  return points.map((p) =>
    `{${p.func}u, ${p.offset}u, ${p.kind}u, ${p.numLocals}u, ${p.numStack}u, "${p.types}"}`
  );
}
