/**
 * The function translator as the lowering of one instruction sees it
 * (`translate_operator.ts`, `translate_simd.ts`), and the types it shares
 * with the migration hooks (`hooks.ts`). `function.ts` implements it; this
 * file exists so that the lowering and the hooks depend on an interface,
 * not on the translator's module (no import cycle).
 *
 * @module
 */
import type llvm from "npm:llvm-bindings@0.4.2";
import type {
  BlockType,
  FuncType,
  Instr,
  Module,
  ValType,
} from "../wasm/types.ts";

/** Module-wide state shared by every function translation. */
export interface ModuleContext {
  ctx: llvm.LLVMContext;
  llvmModule: llvm.Module;
  wasm: Module;
  /** LLVM function of each defined function (index without imports). */
  definedFuncs: llvm.Function[];
  /**
   * The second LLVM function of each defined function the migration hooks
   * asked for (`MigrationHooks.needsResumeClone`; index without imports):
   * the same body translated again with `resume` set.
   */
  resumeFuncs: (llvm.Function | undefined)[];
  numImportedFuncs: number;
  /** Type index of every function (imports first). */
  funcTypeIndices: number[];
  /** Value type of every global (imports first). */
  globalTypes: ValType[];
}

/** A value on the compile-time operand stack. */
export interface StackValue {
  value: llvm.Value;
  type: ValType;
  /** Bit pattern when the value is an f32/f64 or v128 constant (lane 0 lowest). */
  floatBits?: bigint;
}

/** One entry of the control stack. */
export interface ControlFrame {
  kind: "function" | "block" | "loop" | "if";
  params: ValType[];
  results: ValType[];
  /** Operand stack height below the frame's parameters. */
  height: number;
  /** Where control continues after `end`. */
  endBlock: llvm.BasicBlock;
  /** Whether any edge leads to `endBlock`. */
  endReachable: boolean;
  /** One alloca per result, written before each branch to `endBlock`. */
  resultSlots: llvm.Value[];
  /** loop: the header (branch target) and one alloca per parameter. */
  header?: llvm.BasicBlock;
  paramSlots?: llvm.Value[];
  /** if: the else block, the parameter values, whether `else` was seen. */
  elseBlock?: llvm.BasicBlock;
  paramValues?: llvm.Value[];
  sawElse?: boolean;
  /** The operand stack below the frame at its entry. */
  entryStack?: StackValue[];
}

/** How a call finds its callee. */
export type CallTarget =
  | { kind: "defined"; fn: llvm.Function; index: number }
  /** A native entry and its instance (found at run time). */
  | { kind: "code"; code: llvm.Value; instance: llvm.Value }
  | { kind: "import"; index: number }
  | { kind: "indirect"; funcref: llvm.Value };

/**
 * The LLVM types of the scalar value types, made once per function: each
 * llvm-bindings call wraps a new JS object, which is costly per instruction.
 */
export interface ScalarTypes {
  i32: llvm.IntegerType;
  i64: llvm.IntegerType;
  f32: llvm.Type;
  f64: llvm.Type;
  ptr: llvm.PointerType;
}

/** The translation state of one function, as instruction lowering uses it. */
export interface FunctionTranslator {
  readonly b: llvm.IRBuilder;
  /** The LLVM types of the value types, made once per function. */
  readonly types: ScalarTypes;
  readonly ctx: llvm.LLVMContext;
  readonly mc: ModuleContext;
  /** Function index (imports counted). */
  readonly funcIndex: number;
  readonly fn: llvm.Function;
  /** The instance pointer argument. */
  readonly inst: llvm.Value;
  /** Local variables (parameters first) as allocas, with their types. */
  readonly locals: { slot: llvm.Value; type: ValType }[];
  /** The compile-time operand stack, bottom first. */
  readonly stack: StackValue[];
  /** The control stack, outermost first. */
  readonly control: ControlFrame[];
  /** Pushes a value. */
  push(value: llvm.Value, type: ValType, floatBits?: bigint): void;
  /** Pops a value. */
  pop(): llvm.Value;
  /** Pops n values, returned bottom first. */
  popN(n: number): llvm.Value[];
  /** The top n values, bottom first, left on the stack. */
  peekN(n: number): llvm.Value[];
  /** The zero (or null) value of a type. */
  zero(t: ValType): llvm.Value;
  /** The LLVM type of a Wasm value type. */
  llvmType(t: ValType): llvm.Type;
  /** Calls a prelude helper or runtime function by name. */
  callFn(name: string, args: llvm.Value[]): llvm.Value;
  /** Loads the pointer-sized field at `offset` bytes from `base`. */
  loadPtr(base: llvm.Value, offset: number): llvm.Value;
  /** Loads a field of type `ty` at `offset` bytes from `base` (an i8*). */
  loadField(base: llvm.Value, offset: number, ty: llvm.Type): llvm.Value;
  /** `(ty*)(base + offset)`. */
  fieldPtr(base: llvm.Value, offset: number, ty: llvm.Type): llvm.Value;
  /** Element `index` of the pointer array at instance field `field`. */
  instanceArrayElem(field: number, index: number | llvm.Value): llvm.Value;
  /** `inst->mem0_base`, loaded once in the entry block. */
  memoryBase(): llvm.Value;
  /** A load `gwp_load_<name>` of Wasm type `t` whose value stays alive. */
  load(name: string, t: ValType, addr: llvm.Value, offset: number): llvm.Value;
  /**
   * After a write that a later trap must leave visible (a store, global.set,
   * table.set): `gwp_write_fence` (prelude.ts), except in an accumulating
   * loop, which gets one where it is left (load_keeping.ts).
   */
  writeFence(): void;
  /** Emits a call to `gw_trap(inst, kind)` and ends the block. */
  trap(kind: number): void;
  /** Resolves a block type to its signature. */
  blockSignature(bt: BlockType | undefined): FuncType;
  /** An error naming the function and the current instruction's offset. */
  error(message: string): Error;
  /** block / loop / if. */
  enter(kind: "block" | "loop" | "if", bt: BlockType | undefined): void;
  /** else. */
  else_(): void;
  /** end. */
  end(): void;
  /** br depth. */
  br(depth: number): void;
  /** br_if depth. */
  brIf(depth: number): void;
  /** br_table labels (default last). */
  brTable(labels: number[]): void;
  /** return. */
  return_(): void;
  /** A call of type `type` with the arguments from the stack; pushes the results. */
  emitCall(type: FuncType, target: CallTarget): void;
  /** Current instruction (for error messages). */
  readonly current: Instr | undefined;
}
