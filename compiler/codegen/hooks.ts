/**
 * Hook points for checkpoint/restore instrumentation: code generation calls
 * these at every migration point with the builder positioned where the
 * instrumentation belongs. The default does nothing.
 *
 * @module
 */
import type llvm from "npm:llvm-bindings@0.4.2";
import type { Instr, ValType } from "../wasm/types.ts";

/** Where a migration point is. */
export type MigrationPointKind = "entry" | "loop" | "after_call";

/** What instrumentation sees at a migration point. */
export interface MigrationPoint {
  kind: MigrationPointKind;
  /** Function index (imports counted). */
  funcIndex: number;
  /**
   * The instruction: `loop` or the call; for "entry", the first instruction
   * of the body (its offset names the point together with `funcIndex`).
   */
  instr: Instr;
  /** The builder, positioned at the point (insert code here). */
  builder: llvm.IRBuilder;
  /** The instance pointer argument. */
  instance: llvm.Value;
  /**
   * The operand stack at the point, bottom first: for "loop", including the
   * loop's parameters; for "after_call", below the call's arguments with the
   * results pushed.
   */
  stack: readonly { value: llvm.Value; type: ValType }[];
  /** Local variables (parameters first) as allocas, with their types. */
  locals: readonly { slot: llvm.Value; type: ValType }[];
}

/** Instrumentation called at migration points. */
export interface MigrationHooks {
  /** Called once per point; may emit code at `point.builder`. */
  atMigrationPoint(point: MigrationPoint): void;
}

/** Hooks that emit nothing. */
export const NO_HOOKS: MigrationHooks = { atMigrationPoint() {} };
