/**
 * The migration hooks: the one interface through which the function
 * translator (`function.ts`) lets checkpoint/restore instrument a function,
 * in the way Cranelift's `FuncEnvironment` lets an embedder instrument
 * function entries, loop headers and calls (`translate_loop_header`,
 * `translate_call`, ...). The translator calls the hooks at fixed events,
 * with the builder where the event is; it does not know what they emit.
 * The hooks emit code through `TranslatorAccess` and answer with values;
 * they never edit the translator's operand or control stack (when they
 * return values, the translator puts them on its stack).
 *
 * Events of one function, in translation order:
 *
 * - `entry`: after the parameters and locals are initialized;
 * - `beforeLoop` / `atLoopHeader`: the edge into a loop header, which
 *   carries the values below the loop's parameters;
 * - `blockEntered`: a block, loop or if is on the control stack;
 * - `loopHeader`: at the header of that loop;
 * - `beforeBlockExit` / `atBlockEnd`: every edge to a block's end, which
 *   carries the values below the block;
 * - `beforeCall` / `afterCall`: around each call instruction;
 * - `finish`: after the body.
 *
 * The implementations: `NO_MIGRATION` (the `--no-cr` build: emits nothing)
 * and `compiler/instrument/checkpoint.ts` (polls, frame saves, resume
 * dispatch; docs/snapshot.md).
 *
 * @module
 */
import type llvm from "npm:llvm-bindings@0.4.2";
import type { FuncType, Instr, ValType } from "../wasm/types.ts";
import type { PointInfo } from "../instrument/points.ts";
import type {
  CallTarget,
  ControlFrame,
  ModuleContext,
  StackValue,
} from "./translator.ts";

/**
 * What the hooks may use of the translator: its builder and read-only
 * state, and helpers that emit code. No operand stack: the events pass the
 * values they concern.
 */
export interface TranslatorAccess {
  readonly b: llvm.IRBuilder;
  readonly ctx: llvm.LLVMContext;
  readonly mc: Readonly<ModuleContext>;
  /** Function index (imports counted). */
  readonly funcIndex: number;
  /** The LLVM function being translated. */
  readonly fn: llvm.Function;
  /** The instance pointer argument. */
  readonly inst: llvm.Value;
  /** Local variables (parameters first) as allocas, with their types. */
  readonly locals: readonly { slot: llvm.Value; type: ValType }[];
  /** The control stack, outermost first. */
  readonly control: readonly ControlFrame[];
  /** The builder that appends to the entry block (allocas, invariants). */
  entryBuilder(): llvm.IRBuilder;
  /** A new alloca in the entry block. */
  alloca(t: ValType): llvm.Value;
  /** The LLVM type of a Wasm value type. */
  llvmType(t: ValType): llvm.Type;
  /** The zero (or null) value of a type. */
  zero(t: ValType): llvm.Value;
  /** Calls a prelude helper or runtime function by name. */
  callFn(name: string, args: llvm.Value[]): llvm.Value;
  /** Loads the pointer-sized field at `offset` bytes from `base`. */
  loadPtr(base: llvm.Value, offset: number): llvm.Value;
  /** Emits a call instruction (instance first, then `args`). */
  callTarget(
    fnType: llvm.FunctionType,
    target: CallTarget,
    args: llvm.Value[],
  ): llvm.Value;
}

/** A call instruction, as `beforeCall` and `afterCall` see it. */
export interface CallSite {
  ins: Instr;
  type: FuncType;
  fnType: llvm.FunctionType;
  target: CallTarget;
  /** The arguments, popped from the operand stack. */
  args: readonly llvm.Value[];
  /** The operand stack below the arguments, bottom first. */
  below: readonly StackValue[];
}

/** The values `afterCall` hands back to the translator's operand stack. */
export interface AfterCall {
  /** Replaces the operand stack below the call's arguments. */
  below: StackValue[];
  /** The call's results, pushed on top. */
  results: StackValue[];
}

/** The events of one function's translation (see the module comment). */
export interface FunctionHooks {
  /**
   * Whether the hooks keep `inst->exec` (as loaded at entry) live across
   * calls; then return paths reuse it instead of reloading it.
   */
  readonly keepsExec: boolean;
  /**
   * Function entry; `exec` (`inst->exec`) is given in a function that makes
   * calls. Returns the call-depth counter found at entry if the hooks
   * counted the frame themselves; undefined lets the translator count it
   * (`gwp_enter`).
   */
  entry(first: Instr, exec: llvm.Value | undefined): llvm.Value | undefined;
  /** Before the branch into a new loop's header: the values below its parameters. */
  beforeLoop(below: readonly StackValue[]): void;
  /** In the new loop's header: those values as the header has them. */
  atLoopHeader(below: readonly StackValue[]): StackValue[];
  /** A block, loop or if frame has been pushed on the control stack. */
  blockEntered(frame: ControlFrame): void;
  /**
   * At the header of loop `frame` (on the control stack, before its body),
   * with the header's operand stack (parameters included).
   */
  loopHeader(
    frame: ControlFrame,
    ins: Instr,
    stack: readonly StackValue[],
  ): void;
  /** Before a branch to a block's end: the values below the block. */
  beforeBlockExit(below: readonly StackValue[]): void;
  /** At the end of `frame`: the values below it as they arrive there. */
  atBlockEnd(frame: ControlFrame, below: readonly StackValue[]): StackValue[];
  /** Before the call instruction is emitted. */
  beforeCall(call: CallSite): void;
  /**
   * After the call instruction (with its `results`); undefined leaves the
   * operand stack to the translator (below as it was, the results on top).
   */
  afterCall(call: CallSite, results: StackValue[]): AfterCall | undefined;
  /** After the body. */
  finish(): void;
}

/** The migration hooks of a module. */
export interface MigrationHooks {
  /**
   * Whether defined function `funcIndex` (imports counted) is translated a
   * second time, into `ModuleContext.resumeFuncs`, with `resume` set.
   */
  needsResumeClone(funcIndex: number): boolean;
  /** The hooks of one translation of `fx`'s function. */
  forFunction(fx: TranslatorAccess, resume: boolean): FunctionHooks;
  /** The migration points emitted (`gw_module_desc.points`). */
  readonly points: PointInfo[];
}

/** Function hooks that emit nothing. */
export const NO_FUNCTION_HOOKS: FunctionHooks = {
  keepsExec: false,
  entry: () => undefined,
  beforeLoop() {},
  atLoopHeader: (below) => [...below],
  blockEntered() {},
  loopHeader() {},
  beforeBlockExit() {},
  atBlockEnd: (_, below) => [...below],
  beforeCall() {},
  afterCall: () => undefined,
  finish() {},
};

/** No checkpoint/restore (the `--no-cr` build): no hooks emit anything. */
export const NO_MIGRATION: MigrationHooks = {
  needsResumeClone: () => false,
  forFunction: () => NO_FUNCTION_HOOKS,
  get points() {
    return [];
  },
};
