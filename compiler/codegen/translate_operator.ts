/**
 * How each Wasm instruction is lowered: one switch with an arm per opcode,
 * so "how is X lowered" has one answer. Operators whose semantics need more
 * than one LLVM instruction call `gwp_*` helpers from the prelude
 * (`prelude.ts`), which are inlined by `opt`.
 *
 * @module
 */
import llvm from "npm:llvm-bindings@0.4.2";
import { type Instr, ValType } from "../wasm/types.ts";
import { isSimd, Op } from "../wasm/instructions.ts";
import {
  GlobalField,
  InstanceField,
  MemoryField,
  TableField,
  TrapKind,
} from "./abi.ts";
import {
  constF32,
  constF64,
  constI32,
  constI64,
  isSignalingNan,
} from "./constants.ts";
import type { FunctionTranslator } from "./translator.ts";
import { translateSimd } from "./translate_simd.ts";

const { I32, I64, F32, F64, FuncRef } = ValType;

/** Emits the code of one reachable instruction (or the else/end of a dead one). */
export function translateOperator(fx: FunctionTranslator, ins: Instr): void {
  const b = fx.b;
  const { i32, i64, f32, f64, ptr } = fx.types;

  /** Binary operator built with the IRBuilder. */
  const bin = (t: ValType, f: (x: llvm.Value, y: llvm.Value) => llvm.Value) => {
    const y = fx.pop(), x = fx.pop();
    fx.push(f(x, y), t);
  };
  /** Unary operator built with the IRBuilder. */
  const un = (t: ValType, f: (x: llvm.Value) => llvm.Value) =>
    fx.push(f(fx.pop()), t);
  /**
   * Float arithmetic. LLVM folds x*1, x/1, x-0, x+-0, x/-1, -0-x to x or -x,
   * which returns a signalling NaN operand unquieted; Wasm requires an
   * arithmetic NaN, so identity constants go through an arithmetic fence.
   */
  const fbin = (
    t: ValType,
    f: (x: llvm.Value, y: llvm.Value) => llvm.Value,
  ) => {
    const [x, y] = fx.stack.splice(fx.stack.length - 2, 2).map((v) =>
      v.floatBits !== undefined && isIdentityConstant(v.floatBits, t)
        ? fx.callFn(`llvm.arithmetic.fence.${t === F32 ? "f32" : "f64"}`, [
          v.value,
        ])
        : v.value
    );
    fx.push(f(x, y), t);
  };
  /** Comparison: i1 widened to i32. */
  const cmp = (f: (x: llvm.Value, y: llvm.Value) => llvm.Value) =>
    bin(I32, (x, y) => b.CreateZExt(f(x, y), i32));
  /** Prelude helper taking the popped operands. */
  const helper = (name: string, t: ValType, arity: number) =>
    fx.push(fx.callFn(name, fx.popN(arity)), t);
  /** Prelude helper that may trap: gets the instance first. */
  const trapping = (name: string, t: ValType, arity: number) =>
    fx.push(fx.callFn(name, [fx.inst, ...fx.popN(arity)]), t);
  const load = (name: string, t: ValType) => {
    const addr = fx.pop();
    fx.push(fx.load(name, t, addr, ins.memOffset ?? 0), t);
  };
  const store = (name: string) => {
    const v = fx.pop(), addr = fx.pop();
    fx.callFn(`gwp_store_${name}`, [
      fx.memoryBase(),
      addr,
      constI64(b, BigInt(ins.memOffset ?? 0)),
      v,
    ]);
    fx.writeFence();
  };
  /** Runtime helper with no result; the immediates first, then the operands. */
  const runtime = (
    name: string,
    imms: number[],
    arity: number,
    result?: ValType,
  ) => {
    const args = fx.popN(arity);
    const r = fx.callFn(name, [
      fx.inst,
      ...imms.map((n) => constI32(b, n)),
      ...args,
    ]);
    if (result !== undefined) fx.push(r, result);
  };
  const table = (index: number) =>
    fx.instanceArrayElem(InstanceField.tables, index);
  const index = ins.index ?? 0;

  switch (ins.op) {
    // ---- control ----
    case Op.Unreachable:
      return fx.trap(TrapKind.Unreachable); // unreachable
    case Op.Nop:
      return; // nop
    case Op.Block:
      return fx.enter("block", ins.blockType);
    case Op.Loop:
      return fx.enter("loop", ins.blockType);
    case Op.If:
      return fx.enter("if", ins.blockType);
    case Op.Else:
      return fx.else_();
    case Op.End:
      return fx.end();
    case Op.Br:
      return fx.br(index);
    case Op.BrIf:
      return fx.brIf(index);
    case Op.BrTable:
      return fx.brTable(ins.labels!);
    case Op.Return:
      return fx.return_();
    case Op.Call: {
      const mc = fx.mc;
      const type = mc.wasm.types[mc.funcTypeIndices[index]];
      return fx.emitCall(
        type,
        index >= mc.numImportedFuncs
          ? {
            kind: "defined",
            fn: mc.definedFuncs[index - mc.numImportedFuncs],
            index,
          }
          : { kind: "import", index },
      );
    }
    case Op.CallIndirect: { // call_indirect type=index table=index2
      const type = fx.mc.wasm.types[index];
      const elem = fx.pop();
      const typeIds = b.CreateBitCast(
        fx.loadPtr(fx.inst, InstanceField.typeIds),
        llvm.PointerType.getUnqual(i64),
      );
      const typeId = b.CreateLoad(
        i64,
        b.CreateGEP(i64, typeIds, b.getInt64(index)),
      );
      const funcref = fx.callFn("gwp_indirect_target", [
        fx.inst,
        table(ins.index2 ?? 0),
        elem,
        typeId,
      ]);
      return fx.emitCall(type, { kind: "indirect", funcref });
    }

    // ---- parametric ----
    case Op.Drop: // drop (a load's value is kept by gwp_load_*: prelude.ts)
      fx.pop();
      return;
    case Op.Select:
    case Op.SelectT: { // select t
      const c = b.CreateICmpNE(fx.pop(), b.getInt32(0));
      const y = fx.stack.pop()!, x = fx.pop();
      return fx.push(b.CreateSelect(c, x, y.value), y.type);
    }

    // ---- variables ----
    case Op.LocalGet: {
      const l = fx.locals[index];
      return fx.push(b.CreateLoad(llvmType(fx, l.type), l.slot), l.type);
    }
    case Op.LocalSet:
      b.CreateStore(fx.pop(), fx.locals[index].slot);
      return; // local.set
    case Op.LocalTee:
      b.CreateStore(fx.peekN(1)[0], fx.locals[index].slot);
      return; // local.tee
    case Op.GlobalGet: {
      const t = fx.mc.globalTypes[index];
      const cell = fx.instanceArrayElem(InstanceField.globals, index);
      return fx.push(fx.loadField(cell, GlobalField.value, llvmType(fx, t)), t);
    }
    case Op.GlobalSet: {
      const t = fx.mc.globalTypes[index];
      const cell = fx.instanceArrayElem(InstanceField.globals, index);
      b.CreateStore(
        fx.pop(),
        fx.fieldPtr(cell, GlobalField.value, llvmType(fx, t)),
      );
      return fx.writeFence();
    }
    case Op.TableGet: {
      const i = fx.pop();
      return fx.push(
        fx.callFn("gwp_table_get", [fx.inst, table(index), i]),
        tableElemType(fx, index),
      );
    }
    case Op.TableSet: {
      const v = fx.pop(), i = fx.pop();
      fx.callFn("gwp_table_set", [fx.inst, table(index), i, v]);
      return fx.writeFence();
    }

    // ---- memory ----
    case Op.I32Load:
      return load("i32", I32);
    case Op.I64Load:
      return load("i64", I64);
    case Op.F32Load:
      return load("f32", F32);
    case Op.F64Load:
      return load("f64", F64);
    case Op.I32Load8S:
      return load("i32_8s", I32);
    case Op.I32Load8U:
      return load("i32_8u", I32);
    case Op.I32Load16S:
      return load("i32_16s", I32);
    case Op.I32Load16U:
      return load("i32_16u", I32);
    case Op.I64Load8S:
      return load("i64_8s", I64);
    case Op.I64Load8U:
      return load("i64_8u", I64);
    case Op.I64Load16S:
      return load("i64_16s", I64);
    case Op.I64Load16U:
      return load("i64_16u", I64);
    case Op.I64Load32S:
      return load("i64_32s", I64);
    case Op.I64Load32U:
      return load("i64_32u", I64);
    case Op.I32Store:
      return store("i32");
    case Op.I64Store:
      return store("i64");
    case Op.F32Store:
      return store("f32");
    case Op.F64Store:
      return store("f64");
    case Op.I32Store8:
      return store("i32_8");
    case Op.I32Store16:
      return store("i32_16");
    case Op.I64Store8:
      return store("i64_8");
    case Op.I64Store16:
      return store("i64_16");
    case Op.I64Store32:
      return store("i64_32");
    case Op.MemorySize: {
      const mem = fx.instanceArrayElem(InstanceField.memories, index);
      return fx.push(
        b.CreateTrunc(fx.loadField(mem, MemoryField.pages, i64), i32),
        I32,
      );
    }
    case Op.MemoryGrow:
      return runtime("gw_memory_grow", [index], 1, I32);

    // ---- constants ----
    // memory.grow
    case Op.I32Const:
      return fx.push(constI32(b, Number(ins.value)), I32);
    case Op.I64Const:
      return fx.push(constI64(b, BigInt(ins.value!)), I64);
    case Op.F32Const:
      return fx.push(
        constF32(b, Number(ins.value)),
        F32,
        BigInt(Number(ins.value) >>> 0),
      );
    case Op.F64Const:
      return fx.push(
        constF64(b, BigInt(ins.value!)),
        F64,
        BigInt.asUintN(64, BigInt(ins.value!)),
      );

    // ---- i32 comparisons ----
    case Op.I32Eqz:
      return un(
        I32,
        (x) => b.CreateZExt(b.CreateICmpEQ(x, b.getInt32(0)), i32),
      ); // i32.eqz
    case Op.I32Eq:
      return cmp((x, y) => b.CreateICmpEQ(x, y));
    case Op.I32Ne:
      return cmp((x, y) => b.CreateICmpNE(x, y));
    case Op.I32LtS:
      return cmp((x, y) => b.CreateICmpSLT(x, y));
    case Op.I32LtU:
      return cmp((x, y) => b.CreateICmpULT(x, y));
    case Op.I32GtS:
      return cmp((x, y) => b.CreateICmpSGT(x, y));
    case Op.I32GtU:
      return cmp((x, y) => b.CreateICmpUGT(x, y));
    case Op.I32LeS:
      return cmp((x, y) => b.CreateICmpSLE(x, y));
    case Op.I32LeU:
      return cmp((x, y) => b.CreateICmpULE(x, y));
    case Op.I32GeS:
      return cmp((x, y) => b.CreateICmpSGE(x, y));
    case Op.I32GeU:
      return cmp((x, y) => b.CreateICmpUGE(x, y));
    // ---- i64 comparisons ----
    case Op.I64Eqz:
      return un(
        I32,
        (x) => b.CreateZExt(b.CreateICmpEQ(x, b.getInt64(0)), i32),
      ); // i64.eqz
    case Op.I64Eq:
      return cmp((x, y) => b.CreateICmpEQ(x, y));
    case Op.I64Ne:
      return cmp((x, y) => b.CreateICmpNE(x, y));
    case Op.I64LtS:
      return cmp((x, y) => b.CreateICmpSLT(x, y));
    case Op.I64LtU:
      return cmp((x, y) => b.CreateICmpULT(x, y));
    case Op.I64GtS:
      return cmp((x, y) => b.CreateICmpSGT(x, y));
    case Op.I64GtU:
      return cmp((x, y) => b.CreateICmpUGT(x, y));
    case Op.I64LeS:
      return cmp((x, y) => b.CreateICmpSLE(x, y));
    case Op.I64LeU:
      return cmp((x, y) => b.CreateICmpULE(x, y));
    case Op.I64GeS:
      return cmp((x, y) => b.CreateICmpSGE(x, y));
    case Op.I64GeU:
      return cmp((x, y) => b.CreateICmpUGE(x, y));
    // ---- f32 / f64 comparisons (ne is unordered: true when either is NaN) ----
    case Op.F32Eq:
    case Op.F64Eq:
      return cmp((x, y) => b.CreateFCmpOEQ(x, y));
    case Op.F32Ne:
    case Op.F64Ne:
      return cmp((x, y) => b.CreateFCmpUNE(x, y));
    case Op.F32Lt:
    case Op.F64Lt:
      return cmp((x, y) => b.CreateFCmpOLT(x, y));
    case Op.F32Gt:
    case Op.F64Gt:
      return cmp((x, y) => b.CreateFCmpOGT(x, y));
    case Op.F32Le:
    case Op.F64Le:
      return cmp((x, y) => b.CreateFCmpOLE(x, y));
    case Op.F32Ge:
    case Op.F64Ge:
      return cmp((x, y) => b.CreateFCmpOGE(x, y));

    // ---- i32 arithmetic ----
    case Op.I32Clz:
      return helper("gwp_i32_clz", I32, 1);
    case Op.I32Ctz:
      return helper("gwp_i32_ctz", I32, 1);
    case Op.I32Popcnt:
      return helper("gwp_i32_popcnt", I32, 1);
    case Op.I32Add:
      return bin(I32, (x, y) => b.CreateAdd(x, y));
    case Op.I32Sub:
      return bin(I32, (x, y) => b.CreateSub(x, y));
    case Op.I32Mul:
      return bin(I32, (x, y) => b.CreateMul(x, y));
    case Op.I32DivS:
      return trapping("gwp_i32_div_s", I32, 2);
    case Op.I32DivU:
      return trapping("gwp_i32_div_u", I32, 2);
    case Op.I32RemS:
      return trapping("gwp_i32_rem_s", I32, 2);
    case Op.I32RemU:
      return trapping("gwp_i32_rem_u", I32, 2);
    case Op.I32And:
      return bin(I32, (x, y) => b.CreateAnd(x, y));
    case Op.I32Or:
      return bin(I32, (x, y) => b.CreateOr(x, y));
    case Op.I32Xor:
      return bin(I32, (x, y) => b.CreateXor(x, y));
    case Op.I32Shl:
      return helper("gwp_i32_shl", I32, 2);
    case Op.I32ShrS:
      return helper("gwp_i32_shr_s", I32, 2);
    case Op.I32ShrU:
      return helper("gwp_i32_shr_u", I32, 2);
    case Op.I32Rotl:
      return helper("gwp_i32_rotl", I32, 2);
    case Op.I32Rotr:
      return helper("gwp_i32_rotr", I32, 2);
    // ---- i64 arithmetic ----
    case Op.I64Clz:
      return helper("gwp_i64_clz", I64, 1);
    case Op.I64Ctz:
      return helper("gwp_i64_ctz", I64, 1);
    case Op.I64Popcnt:
      return helper("gwp_i64_popcnt", I64, 1);
    case Op.I64Add:
      return bin(I64, (x, y) => b.CreateAdd(x, y));
    case Op.I64Sub:
      return bin(I64, (x, y) => b.CreateSub(x, y));
    case Op.I64Mul:
      return bin(I64, (x, y) => b.CreateMul(x, y));
    case Op.I64DivS:
      return trapping("gwp_i64_div_s", I64, 2);
    case Op.I64DivU:
      return trapping("gwp_i64_div_u", I64, 2);
    case Op.I64RemS:
      return trapping("gwp_i64_rem_s", I64, 2);
    case Op.I64RemU:
      return trapping("gwp_i64_rem_u", I64, 2);
    case Op.I64And:
      return bin(I64, (x, y) => b.CreateAnd(x, y));
    case Op.I64Or:
      return bin(I64, (x, y) => b.CreateOr(x, y));
    case Op.I64Xor:
      return bin(I64, (x, y) => b.CreateXor(x, y));
    case Op.I64Shl:
      return helper("gwp_i64_shl", I64, 2);
    case Op.I64ShrS:
      return helper("gwp_i64_shr_s", I64, 2);
    case Op.I64ShrU:
      return helper("gwp_i64_shr_u", I64, 2);
    case Op.I64Rotl:
      return helper("gwp_i64_rotl", I64, 2);
    case Op.I64Rotr:
      return helper("gwp_i64_rotr", I64, 2);
    // ---- f32 arithmetic ----
    case Op.F32Abs:
      return helper("gwp_f32_abs", F32, 1);
    case Op.F32Neg:
      return helper("gwp_f32_neg", F32, 1);
    case Op.F32Ceil:
      return helper("gwp_f32_ceil", F32, 1);
    case Op.F32Floor:
      return helper("gwp_f32_floor", F32, 1);
    case Op.F32Trunc:
      return helper("gwp_f32_trunc", F32, 1);
    case Op.F32Nearest:
      return helper("gwp_f32_nearest", F32, 1);
    case Op.F32Sqrt:
      return helper("gwp_f32_sqrt", F32, 1);
    case Op.F32Add:
      return fbin(F32, (x, y) => b.CreateFAdd(x, y));
    case Op.F32Sub:
      return fbin(F32, (x, y) => b.CreateFSub(x, y));
    case Op.F32Mul:
      return fbin(F32, (x, y) => b.CreateFMul(x, y));
    case Op.F32Div:
      return fbin(F32, (x, y) => b.CreateFDiv(x, y));
    case Op.F32Min:
      return helper("gwp_f32_min", F32, 2);
    case Op.F32Max:
      return helper("gwp_f32_max", F32, 2);
    case Op.F32Copysign:
      return helper("gwp_f32_copysign", F32, 2);
    // ---- f64 arithmetic ----
    case Op.F64Abs:
      return helper("gwp_f64_abs", F64, 1);
    case Op.F64Neg:
      return helper("gwp_f64_neg", F64, 1);
    case Op.F64Ceil:
      return helper("gwp_f64_ceil", F64, 1);
    case Op.F64Floor:
      return helper("gwp_f64_floor", F64, 1);
    case Op.F64Trunc:
      return helper("gwp_f64_trunc", F64, 1);
    case Op.F64Nearest:
      return helper("gwp_f64_nearest", F64, 1);
    case Op.F64Sqrt:
      return helper("gwp_f64_sqrt", F64, 1);
    case Op.F64Add:
      return fbin(F64, (x, y) => b.CreateFAdd(x, y));
    case Op.F64Sub:
      return fbin(F64, (x, y) => b.CreateFSub(x, y));
    case Op.F64Mul:
      return fbin(F64, (x, y) => b.CreateFMul(x, y));
    case Op.F64Div:
      return fbin(F64, (x, y) => b.CreateFDiv(x, y));
    case Op.F64Min:
      return helper("gwp_f64_min", F64, 2);
    case Op.F64Max:
      return helper("gwp_f64_max", F64, 2);
    case Op.F64Copysign:
      return helper("gwp_f64_copysign", F64, 2);

    // ---- conversions ----
    case Op.I32WrapI64:
      return un(I32, (x) => b.CreateTrunc(x, i32)); // i32.wrap_i64
    case Op.I32TruncF32S:
      return trapping("gwp_i32_trunc_f32_s", I32, 1);
    case Op.I32TruncF32U:
      return trapping("gwp_i32_trunc_f32_u", I32, 1);
    case Op.I32TruncF64S:
      return trapping("gwp_i32_trunc_f64_s", I32, 1);
    case Op.I32TruncF64U:
      return trapping("gwp_i32_trunc_f64_u", I32, 1);
    case Op.I64ExtendI32S:
      return un(I64, (x) => b.CreateSExt(x, i64)); // i64.extend_i32_s
    case Op.I64ExtendI32U:
      return un(I64, (x) => b.CreateZExt(x, i64)); // i64.extend_i32_u
    case Op.I64TruncF32S:
      return trapping("gwp_i64_trunc_f32_s", I64, 1);
    case Op.I64TruncF32U:
      return trapping("gwp_i64_trunc_f32_u", I64, 1);
    case Op.I64TruncF64S:
      return trapping("gwp_i64_trunc_f64_s", I64, 1);
    case Op.I64TruncF64U:
      return trapping("gwp_i64_trunc_f64_u", I64, 1);
    case Op.F32ConvertI32S:
      return un(F32, (x) => b.CreateSIToFP(x, f32)); // f32.convert_i32_s
    case Op.F32ConvertI32U:
      return un(F32, (x) => b.CreateUIToFP(x, f32));
    case Op.F32ConvertI64S:
      return un(F32, (x) => b.CreateSIToFP(x, f32));
    case Op.F32ConvertI64U:
      return un(F32, (x) => b.CreateUIToFP(x, f32));
    case Op.F32DemoteF64:
      return un(F32, (x) => b.CreateFPTrunc(x, f32)); // f32.demote_f64
    case Op.F64ConvertI32S:
      return un(F64, (x) => b.CreateSIToFP(x, f64)); // f64.convert_i32_s
    case Op.F64ConvertI32U:
      return un(F64, (x) => b.CreateUIToFP(x, f64));
    case Op.F64ConvertI64S:
      return un(F64, (x) => b.CreateSIToFP(x, f64));
    case Op.F64ConvertI64U:
      return un(F64, (x) => b.CreateUIToFP(x, f64));
    // f64.promote_f32: fenced so that LLVM cannot fold demote(promote(x)) to x (NaN quieting).
    case Op.F64PromoteF32:
      return un(
        F64,
        (x) => fx.callFn("llvm.arithmetic.fence.f64", [b.CreateFPExt(x, f64)]),
      );
    case Op.I32ReinterpretF32:
      return un(I32, (x) => b.CreateBitCast(x, i32)); // i32.reinterpret_f32
    case Op.I64ReinterpretF64:
      return un(I64, (x) => b.CreateBitCast(x, i64));
    case Op.F32ReinterpretI32:
      return un(F32, (x) => b.CreateBitCast(x, f32));
    case Op.F64ReinterpretI64:
      return un(F64, (x) => b.CreateBitCast(x, f64));
    case Op.I32Extend8S:
      return un(I32, (x) => b.CreateSExt(b.CreateTrunc(x, b.getInt8Ty()), i32)); // i32.extend8_s
    case Op.I32Extend16S:
      return un(
        I32,
        (x) => b.CreateSExt(b.CreateTrunc(x, b.getInt16Ty()), i32),
      );
    case Op.I64Extend8S:
      return un(I64, (x) => b.CreateSExt(b.CreateTrunc(x, b.getInt8Ty()), i64)); // i64.extend8_s
    case Op.I64Extend16S:
      return un(
        I64,
        (x) => b.CreateSExt(b.CreateTrunc(x, b.getInt16Ty()), i64),
      );
    case Op.I64Extend32S:
      return un(I64, (x) => b.CreateSExt(b.CreateTrunc(x, i32), i64));

    // ---- references ----
    case Op.RefNull:
      return fx.push(llvm.ConstantPointerNull.get(ptr), ins.refType ?? FuncRef); // ref.null
    case Op.RefIsNull:
      return un(I32, (x) => b.CreateZExt(b.CreateIsNull(x), i32)); // ref.is_null
    case Op.RefFunc:
      return fx.push(fx.instanceArrayElem(InstanceField.funcs, index), FuncRef);

    // ---- saturating truncation ----
    // ref.func
    case Op.I32TruncSatF32S:
      return helper("gwp_i32_trunc_sat_f32_s", I32, 1);
    case Op.I32TruncSatF32U:
      return helper("gwp_i32_trunc_sat_f32_u", I32, 1);
    case Op.I32TruncSatF64S:
      return helper("gwp_i32_trunc_sat_f64_s", I32, 1);
    case Op.I32TruncSatF64U:
      return helper("gwp_i32_trunc_sat_f64_u", I32, 1);
    case Op.I64TruncSatF32S:
      return helper("gwp_i64_trunc_sat_f32_s", I64, 1);
    case Op.I64TruncSatF32U:
      return helper("gwp_i64_trunc_sat_f32_u", I64, 1);
    case Op.I64TruncSatF64S:
      return helper("gwp_i64_trunc_sat_f64_s", I64, 1);
    case Op.I64TruncSatF64U:
      return helper("gwp_i64_trunc_sat_f64_u", I64, 1);
    // ---- bulk memory and tables ----
    case Op.MemoryInit:
      return runtime("gw_memory_init", [ins.index2 ?? 0, index], 3); // memory.init seg=index
    case Op.DataDrop:
      return runtime("gw_data_drop", [index], 0);
    case Op.MemoryCopy:
      return runtime("gw_memory_copy", [index, ins.index2 ?? 0], 3);
    case Op.MemoryFill:
      return runtime("gw_memory_fill", [index], 3);
    case Op.TableInit:
      return runtime("gw_table_init", [ins.index2 ?? 0, index], 3); // table.init seg=index
    case Op.ElemDrop:
      return runtime("gw_elem_drop", [index], 0);
    case Op.TableCopy:
      return runtime("gw_table_copy", [index, ins.index2 ?? 0], 3);
    case Op.TableGrow:
      return runtime("gw_table_grow", [index], 2, I32);
    case Op.TableSize: {
      const size = fx.loadField(table(index), TableField.size, i64);
      return fx.push(b.CreateTrunc(size, i32), I32);
    }
    case Op.TableFill:
      return runtime("gw_table_fill", [index], 3);

    default:
      if (isSimd(ins.op)) return translateSimd(fx, ins);
      throw fx.error(`unknown instruction 0x${ins.op.toString(16)}`);
  }
}

function llvmType(fx: FunctionTranslator, t: ValType): llvm.Type {
  return t === I32
    ? fx.b.getInt32Ty()
    : t === I64
    ? fx.b.getInt64Ty()
    : t === F32
    ? fx.b.getFloatTy()
    : t === F64
    ? fx.b.getDoubleTy()
    : t === ValType.V128
    ? fx.llvmType(t)
    : fx.b.getInt8PtrTy();
}

/**
 * Constants LLVM folds float arithmetic on into a wrong result for a
 * signaling NaN: ±0 and ±1, identities (x*1 becomes x, returning a signaling
 * NaN x unquieted), and a signaling NaN itself (LLVM 14 folds x*sNaN to that
 * sNaN, unquieted). Wasm requires an arithmetic (quiet) NaN in both cases.
 */
function isIdentityConstant(bits: bigint, t: ValType): boolean {
  const identities = t === F32 ? [0n, 0x80000000n, 0x3f800000n, 0xbf800000n] : [
    0n,
    0x8000000000000000n,
    0x3ff0000000000000n,
    0xbff0000000000000n,
  ];
  return identities.includes(bits) || isSignalingNan(bits, t === F32 ? 32 : 64);
}

function tableElemType(fx: FunctionTranslator, index: number): ValType {
  const imported = fx.mc.wasm.imports.flatMap((i) =>
    i.kind === 1 ? [i.table] : []
  );
  const t = [...imported, ...fx.mc.wasm.tables][index];
  return t ? t.elemType : FuncRef;
}
