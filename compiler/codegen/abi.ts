/**
 * The generated-code side of `runtime/godwit.h`: field offsets of the runtime
 * structures, trap kinds and C/R modes, and the LLVM types of Wasm values and
 * native signatures. abi_test.ts compiles a check of every value here
 * against godwit.h (`offsetof`, enum values) for each target.
 *
 * @module
 */
import llvm from "npm:llvm-bindings@0.4.2";
import { type FuncType, ValType } from "../wasm/types.ts";

/** Byte offsets of `gw_instance` fields read by generated code. */
export const InstanceField = {
  mem0Base: 0,
  exec: 8,
  memories: 16,
  tables: 24,
  globals: 32,
  funcs: 40,
  typeIds: 48,
} as const;

/** Byte offsets of `gw_exec` fields. */
export const ExecField = {
  depthLeft: 0,
  crRequest: 8,
  crMode: 16,
  crDispatch: 36,
} as const;
/** `exec->cr_mode` values (`GW_CR_*`). */
export const CrMode = { Normal: 0, Unwinding: 1, Rewinding: 2 } as const;
/** Byte offsets of `gw_memory` fields. */
export const MemoryField = { base: 0, pages: 8 } as const;
/** Byte offsets of `gw_table` fields. */
export const TableField = { elems: 0, size: 8 } as const;
/** Byte offsets of `gw_global` fields. */
export const GlobalField = { value: 0 } as const;
/** Byte offsets of `gw_funcref` fields. */
export const FuncRefField = { code: 0, instance: 8, typeId: 16 } as const;
/** Size of one `gw_value` slot in trampoline argument/result arrays. */
export const GW_VALUE_SIZE = 16;

/** `enum gw_trap_kind` values. */
export const TrapKind = {
  Unreachable: 1,
  IntDivZero: 2,
  IntOverflow: 3,
  InvalidConversion: 4,
  MemoryOob: 5,
  TableOob: 6,
  UndefinedElement: 7,
  UninitializedElement: 8,
  IndirectTypeMismatch: 9,
  CallStackExhausted: 10,
} as const;

/**
 * The LLVM type of v128 (`<2 x i64>`) in each context that has the SIMD
 * prelude: llvm-bindings cannot make vector types, so the type is taken from
 * a prelude function's return type (see compiler/codegen/simd/).
 */
const v128Types = new WeakMap<llvm.LLVMContext, llvm.Type>();

/** Records the v128 LLVM type of `ctx` (read off the parsed SIMD prelude). */
export function registerV128Type(ctx: llvm.LLVMContext, t: llvm.Type): void {
  v128Types.set(ctx, t);
}

/** The LLVM type of a Wasm value (references are `i8*`, v128 `<2 x i64>`). */
export function llvmValueType(ctx: llvm.LLVMContext, t: ValType): llvm.Type {
  switch (t) {
    case ValType.I32:
      return llvm.Type.getInt32Ty(ctx);
    case ValType.I64:
      return llvm.Type.getInt64Ty(ctx);
    case ValType.F32:
      return llvm.Type.getFloatTy(ctx);
    case ValType.F64:
      return llvm.Type.getDoubleTy(ctx);
    case ValType.FuncRef:
    case ValType.ExternRef:
      return llvm.Type.getInt8PtrTy(ctx);
    case ValType.V128: {
      const t = v128Types.get(ctx);
      if (!t) {
        throw new Error("internal error: v128 used without the SIMD prelude");
      }
      return t;
    }
    default:
      throw new Error(`unknown value type 0x${(t as number).toString(16)}`);
  }
}

/**
 * The native return type: void, the single result, or a literal struct.
 * In a struct, f32 and f64 results travel as their i32/i64 bit patterns:
 * x86-64 returns only two floating-point values in XMM registers and a
 * third on the x87 stack, whose load quiets a signalling NaN (and LLVM
 * returns a struct too large for the registers through memory, bits intact).
 */
export function llvmResultType(
  ctx: llvm.LLVMContext,
  results: readonly ValType[],
): llvm.Type {
  if (results.length === 0) return llvm.Type.getVoidTy(ctx);
  if (results.length === 1) return llvmValueType(ctx, results[0]);
  return llvm.StructType.get(ctx, results.map((t) => multiResultType(ctx, t)));
}

/** The type of a result of type `t` in a multi-value return struct. */
function multiResultType(ctx: llvm.LLVMContext, t: ValType): llvm.Type {
  if (t === ValType.F32) return llvm.Type.getInt32Ty(ctx);
  if (t === ValType.F64) return llvm.Type.getInt64Ty(ctx);
  return llvmValueType(ctx, t);
}

/** The native return value of a function of type `results` (not void). */
export function packResults(
  b: llvm.IRBuilder,
  retType: llvm.Type,
  results: readonly ValType[],
  values: readonly llvm.Value[],
): llvm.Value {
  if (results.length === 1) return values[0];
  let agg: llvm.Value = llvm.UndefValue.get(retType);
  values.forEach((v, i) => {
    const t = results[i];
    const bits = t === ValType.F32 || t === ValType.F64
      ? b.CreateBitCast(v, t === ValType.F32 ? b.getInt32Ty() : b.getInt64Ty())
      : v;
    agg = b.CreateInsertValue(agg, bits, [i]);
  });
  return agg;
}

/** The Wasm results of a call that returned `ret` (see {@link packResults}). */
export function unpackResults(
  b: llvm.IRBuilder,
  ret: llvm.Value,
  results: readonly ValType[],
): llvm.Value[] {
  if (results.length === 0) return [];
  if (results.length === 1) return [ret];
  return results.map((t, i) => {
    const v = b.CreateExtractValue(ret, [i]);
    return t === ValType.F32
      ? b.CreateBitCast(v, b.getFloatTy())
      : t === ValType.F64
      ? b.CreateBitCast(v, b.getDoubleTy())
      : v;
  });
}

/** `RESULT f(i8* inst, PARAMS...)`: the native signature of a Wasm type. */
export function nativeFunctionType(
  ctx: llvm.LLVMContext,
  type: FuncType,
): llvm.FunctionType {
  const params = [
    llvm.Type.getInt8PtrTy(ctx),
    ...type.params.map((t) => llvmValueType(ctx, t)),
  ];
  return llvm.FunctionType.get(
    llvmResultType(ctx, type.results),
    params,
    false,
  );
}
