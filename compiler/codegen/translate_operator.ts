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
import {
  GlobalField,
  InstanceField,
  MemoryField,
  TableField,
  TrapKind,
} from "./abi.ts";
import { constF32, constF64, constI32, constI64 } from "./constants.ts";
import type { FunctionTranslator } from "./function.ts";

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
    case 0x00:
      return fx.trap(TrapKind.Unreachable); // unreachable
    case 0x01:
      return; // nop
    case 0x02:
      return fx.enter("block", ins.blockType);
    case 0x03:
      return fx.enter("loop", ins.blockType);
    case 0x04:
      return fx.enter("if", ins.blockType);
    case 0x05:
      return fx.else_();
    case 0x0b:
      return fx.end();
    case 0x0c:
      return fx.br(index);
    case 0x0d:
      return fx.brIf(index);
    case 0x0e:
      return fx.brTable(ins.labels!);
    case 0x0f:
      return fx.return_();
    case 0x10: { // call
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
    case 0x11: { // call_indirect type=index table=index2
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
    case 0x1a: // drop (a load's value is kept by gwp_load_*: prelude.ts)
      fx.pop();
      return;
    case 0x1b: // select
    case 0x1c: { // select t
      const c = b.CreateICmpNE(fx.pop(), b.getInt32(0));
      const y = fx.stack.pop()!, x = fx.pop();
      return fx.push(b.CreateSelect(c, x, y.value), y.type);
    }

    // ---- variables ----
    case 0x20: { // local.get
      const l = fx.locals[index];
      return fx.push(b.CreateLoad(llvmType(fx, l.type), l.slot), l.type);
    }
    case 0x21:
      b.CreateStore(fx.pop(), fx.locals[index].slot);
      return; // local.set
    case 0x22:
      b.CreateStore(fx.peekN(1)[0], fx.locals[index].slot);
      return; // local.tee
    case 0x23: { // global.get
      const t = fx.mc.globalTypes[index];
      const cell = fx.instanceArrayElem(InstanceField.globals, index);
      return fx.push(fx.loadField(cell, GlobalField.value, llvmType(fx, t)), t);
    }
    case 0x24: { // global.set
      const t = fx.mc.globalTypes[index];
      const cell = fx.instanceArrayElem(InstanceField.globals, index);
      b.CreateStore(
        fx.pop(),
        fx.fieldPtr(cell, GlobalField.value, llvmType(fx, t)),
      );
      return;
    }
    case 0x25: { // table.get
      const i = fx.pop();
      return fx.push(
        fx.callFn("gwp_table_get", [fx.inst, table(index), i]),
        tableElemType(fx, index),
      );
    }
    case 0x26: { // table.set
      const v = fx.pop(), i = fx.pop();
      fx.callFn("gwp_table_set", [fx.inst, table(index), i, v]);
      return;
    }

    // ---- memory ----
    case 0x28:
      return load("i32", I32);
    case 0x29:
      return load("i64", I64);
    case 0x2a:
      return load("f32", F32);
    case 0x2b:
      return load("f64", F64);
    case 0x2c:
      return load("i32_8s", I32);
    case 0x2d:
      return load("i32_8u", I32);
    case 0x2e:
      return load("i32_16s", I32);
    case 0x2f:
      return load("i32_16u", I32);
    case 0x30:
      return load("i64_8s", I64);
    case 0x31:
      return load("i64_8u", I64);
    case 0x32:
      return load("i64_16s", I64);
    case 0x33:
      return load("i64_16u", I64);
    case 0x34:
      return load("i64_32s", I64);
    case 0x35:
      return load("i64_32u", I64);
    case 0x36:
      return store("i32");
    case 0x37:
      return store("i64");
    case 0x38:
      return store("f32");
    case 0x39:
      return store("f64");
    case 0x3a:
      return store("i32_8");
    case 0x3b:
      return store("i32_16");
    case 0x3c:
      return store("i64_8");
    case 0x3d:
      return store("i64_16");
    case 0x3e:
      return store("i64_32");
    case 0x3f: { // memory.size
      const mem = fx.instanceArrayElem(InstanceField.memories, index);
      return fx.push(
        b.CreateTrunc(fx.loadField(mem, MemoryField.pages, i64), i32),
        I32,
      );
    }
    case 0x40:
      return runtime("gw_memory_grow", [index], 1, I32);

    // ---- constants ----
    // memory.grow
    case 0x41:
      return fx.push(constI32(b, Number(ins.value)), I32);
    case 0x42:
      return fx.push(constI64(b, BigInt(ins.value!)), I64);
    case 0x43:
      return fx.push(
        constF32(b, Number(ins.value)),
        F32,
        BigInt(Number(ins.value) >>> 0),
      );
    case 0x44:
      return fx.push(
        constF64(b, BigInt(ins.value!)),
        F64,
        BigInt.asUintN(64, BigInt(ins.value!)),
      );

    // ---- i32 comparisons ----
    case 0x45:
      return un(
        I32,
        (x) => b.CreateZExt(b.CreateICmpEQ(x, b.getInt32(0)), i32),
      ); // i32.eqz
    case 0x46:
      return cmp((x, y) => b.CreateICmpEQ(x, y));
    case 0x47:
      return cmp((x, y) => b.CreateICmpNE(x, y));
    case 0x48:
      return cmp((x, y) => b.CreateICmpSLT(x, y));
    case 0x49:
      return cmp((x, y) => b.CreateICmpULT(x, y));
    case 0x4a:
      return cmp((x, y) => b.CreateICmpSGT(x, y));
    case 0x4b:
      return cmp((x, y) => b.CreateICmpUGT(x, y));
    case 0x4c:
      return cmp((x, y) => b.CreateICmpSLE(x, y));
    case 0x4d:
      return cmp((x, y) => b.CreateICmpULE(x, y));
    case 0x4e:
      return cmp((x, y) => b.CreateICmpSGE(x, y));
    case 0x4f:
      return cmp((x, y) => b.CreateICmpUGE(x, y));
    // ---- i64 comparisons ----
    case 0x50:
      return un(
        I32,
        (x) => b.CreateZExt(b.CreateICmpEQ(x, b.getInt64(0)), i32),
      ); // i64.eqz
    case 0x51:
      return cmp((x, y) => b.CreateICmpEQ(x, y));
    case 0x52:
      return cmp((x, y) => b.CreateICmpNE(x, y));
    case 0x53:
      return cmp((x, y) => b.CreateICmpSLT(x, y));
    case 0x54:
      return cmp((x, y) => b.CreateICmpULT(x, y));
    case 0x55:
      return cmp((x, y) => b.CreateICmpSGT(x, y));
    case 0x56:
      return cmp((x, y) => b.CreateICmpUGT(x, y));
    case 0x57:
      return cmp((x, y) => b.CreateICmpSLE(x, y));
    case 0x58:
      return cmp((x, y) => b.CreateICmpULE(x, y));
    case 0x59:
      return cmp((x, y) => b.CreateICmpSGE(x, y));
    case 0x5a:
      return cmp((x, y) => b.CreateICmpUGE(x, y));
    // ---- f32 / f64 comparisons (ne is unordered: true when either is NaN) ----
    case 0x5b:
    case 0x61:
      return cmp((x, y) => b.CreateFCmpOEQ(x, y));
    case 0x5c:
    case 0x62:
      return cmp((x, y) => b.CreateFCmpUNE(x, y));
    case 0x5d:
    case 0x63:
      return cmp((x, y) => b.CreateFCmpOLT(x, y));
    case 0x5e:
    case 0x64:
      return cmp((x, y) => b.CreateFCmpOGT(x, y));
    case 0x5f:
    case 0x65:
      return cmp((x, y) => b.CreateFCmpOLE(x, y));
    case 0x60:
    case 0x66:
      return cmp((x, y) => b.CreateFCmpOGE(x, y));

    // ---- i32 arithmetic ----
    case 0x67:
      return helper("gwp_i32_clz", I32, 1);
    case 0x68:
      return helper("gwp_i32_ctz", I32, 1);
    case 0x69:
      return helper("gwp_i32_popcnt", I32, 1);
    case 0x6a:
      return bin(I32, (x, y) => b.CreateAdd(x, y));
    case 0x6b:
      return bin(I32, (x, y) => b.CreateSub(x, y));
    case 0x6c:
      return bin(I32, (x, y) => b.CreateMul(x, y));
    case 0x6d:
      return trapping("gwp_i32_div_s", I32, 2);
    case 0x6e:
      return trapping("gwp_i32_div_u", I32, 2);
    case 0x6f:
      return trapping("gwp_i32_rem_s", I32, 2);
    case 0x70:
      return trapping("gwp_i32_rem_u", I32, 2);
    case 0x71:
      return bin(I32, (x, y) => b.CreateAnd(x, y));
    case 0x72:
      return bin(I32, (x, y) => b.CreateOr(x, y));
    case 0x73:
      return bin(I32, (x, y) => b.CreateXor(x, y));
    case 0x74:
      return helper("gwp_i32_shl", I32, 2);
    case 0x75:
      return helper("gwp_i32_shr_s", I32, 2);
    case 0x76:
      return helper("gwp_i32_shr_u", I32, 2);
    case 0x77:
      return helper("gwp_i32_rotl", I32, 2);
    case 0x78:
      return helper("gwp_i32_rotr", I32, 2);
    // ---- i64 arithmetic ----
    case 0x79:
      return helper("gwp_i64_clz", I64, 1);
    case 0x7a:
      return helper("gwp_i64_ctz", I64, 1);
    case 0x7b:
      return helper("gwp_i64_popcnt", I64, 1);
    case 0x7c:
      return bin(I64, (x, y) => b.CreateAdd(x, y));
    case 0x7d:
      return bin(I64, (x, y) => b.CreateSub(x, y));
    case 0x7e:
      return bin(I64, (x, y) => b.CreateMul(x, y));
    case 0x7f:
      return trapping("gwp_i64_div_s", I64, 2);
    case 0x80:
      return trapping("gwp_i64_div_u", I64, 2);
    case 0x81:
      return trapping("gwp_i64_rem_s", I64, 2);
    case 0x82:
      return trapping("gwp_i64_rem_u", I64, 2);
    case 0x83:
      return bin(I64, (x, y) => b.CreateAnd(x, y));
    case 0x84:
      return bin(I64, (x, y) => b.CreateOr(x, y));
    case 0x85:
      return bin(I64, (x, y) => b.CreateXor(x, y));
    case 0x86:
      return helper("gwp_i64_shl", I64, 2);
    case 0x87:
      return helper("gwp_i64_shr_s", I64, 2);
    case 0x88:
      return helper("gwp_i64_shr_u", I64, 2);
    case 0x89:
      return helper("gwp_i64_rotl", I64, 2);
    case 0x8a:
      return helper("gwp_i64_rotr", I64, 2);
    // ---- f32 arithmetic ----
    case 0x8b:
      return helper("gwp_f32_abs", F32, 1);
    case 0x8c:
      return helper("gwp_f32_neg", F32, 1);
    case 0x8d:
      return helper("gwp_f32_ceil", F32, 1);
    case 0x8e:
      return helper("gwp_f32_floor", F32, 1);
    case 0x8f:
      return helper("gwp_f32_trunc", F32, 1);
    case 0x90:
      return helper("gwp_f32_nearest", F32, 1);
    case 0x91:
      return helper("gwp_f32_sqrt", F32, 1);
    case 0x92:
      return fbin(F32, (x, y) => b.CreateFAdd(x, y));
    case 0x93:
      return fbin(F32, (x, y) => b.CreateFSub(x, y));
    case 0x94:
      return fbin(F32, (x, y) => b.CreateFMul(x, y));
    case 0x95:
      return fbin(F32, (x, y) => b.CreateFDiv(x, y));
    case 0x96:
      return helper("gwp_f32_min", F32, 2);
    case 0x97:
      return helper("gwp_f32_max", F32, 2);
    case 0x98:
      return helper("gwp_f32_copysign", F32, 2);
    // ---- f64 arithmetic ----
    case 0x99:
      return helper("gwp_f64_abs", F64, 1);
    case 0x9a:
      return helper("gwp_f64_neg", F64, 1);
    case 0x9b:
      return helper("gwp_f64_ceil", F64, 1);
    case 0x9c:
      return helper("gwp_f64_floor", F64, 1);
    case 0x9d:
      return helper("gwp_f64_trunc", F64, 1);
    case 0x9e:
      return helper("gwp_f64_nearest", F64, 1);
    case 0x9f:
      return helper("gwp_f64_sqrt", F64, 1);
    case 0xa0:
      return fbin(F64, (x, y) => b.CreateFAdd(x, y));
    case 0xa1:
      return fbin(F64, (x, y) => b.CreateFSub(x, y));
    case 0xa2:
      return fbin(F64, (x, y) => b.CreateFMul(x, y));
    case 0xa3:
      return fbin(F64, (x, y) => b.CreateFDiv(x, y));
    case 0xa4:
      return helper("gwp_f64_min", F64, 2);
    case 0xa5:
      return helper("gwp_f64_max", F64, 2);
    case 0xa6:
      return helper("gwp_f64_copysign", F64, 2);

    // ---- conversions ----
    case 0xa7:
      return un(I32, (x) => b.CreateTrunc(x, i32)); // i32.wrap_i64
    case 0xa8:
      return trapping("gwp_i32_trunc_f32_s", I32, 1);
    case 0xa9:
      return trapping("gwp_i32_trunc_f32_u", I32, 1);
    case 0xaa:
      return trapping("gwp_i32_trunc_f64_s", I32, 1);
    case 0xab:
      return trapping("gwp_i32_trunc_f64_u", I32, 1);
    case 0xac:
      return un(I64, (x) => b.CreateSExt(x, i64)); // i64.extend_i32_s
    case 0xad:
      return un(I64, (x) => b.CreateZExt(x, i64)); // i64.extend_i32_u
    case 0xae:
      return trapping("gwp_i64_trunc_f32_s", I64, 1);
    case 0xaf:
      return trapping("gwp_i64_trunc_f32_u", I64, 1);
    case 0xb0:
      return trapping("gwp_i64_trunc_f64_s", I64, 1);
    case 0xb1:
      return trapping("gwp_i64_trunc_f64_u", I64, 1);
    case 0xb2:
      return un(F32, (x) => b.CreateSIToFP(x, f32)); // f32.convert_i32_s
    case 0xb3:
      return un(F32, (x) => b.CreateUIToFP(x, f32));
    case 0xb4:
      return un(F32, (x) => b.CreateSIToFP(x, f32));
    case 0xb5:
      return un(F32, (x) => b.CreateUIToFP(x, f32));
    case 0xb6:
      return un(F32, (x) => b.CreateFPTrunc(x, f32)); // f32.demote_f64
    case 0xb7:
      return un(F64, (x) => b.CreateSIToFP(x, f64)); // f64.convert_i32_s
    case 0xb8:
      return un(F64, (x) => b.CreateUIToFP(x, f64));
    case 0xb9:
      return un(F64, (x) => b.CreateSIToFP(x, f64));
    case 0xba:
      return un(F64, (x) => b.CreateUIToFP(x, f64));
    // f64.promote_f32: fenced so that LLVM cannot fold demote(promote(x)) to x (NaN quieting).
    case 0xbb:
      return un(
        F64,
        (x) => fx.callFn("llvm.arithmetic.fence.f64", [b.CreateFPExt(x, f64)]),
      );
    case 0xbc:
      return un(I32, (x) => b.CreateBitCast(x, i32)); // i32.reinterpret_f32
    case 0xbd:
      return un(I64, (x) => b.CreateBitCast(x, i64));
    case 0xbe:
      return un(F32, (x) => b.CreateBitCast(x, f32));
    case 0xbf:
      return un(F64, (x) => b.CreateBitCast(x, f64));
    case 0xc0:
      return un(I32, (x) => b.CreateSExt(b.CreateTrunc(x, b.getInt8Ty()), i32)); // i32.extend8_s
    case 0xc1:
      return un(
        I32,
        (x) => b.CreateSExt(b.CreateTrunc(x, b.getInt16Ty()), i32),
      );
    case 0xc2:
      return un(I64, (x) => b.CreateSExt(b.CreateTrunc(x, b.getInt8Ty()), i64)); // i64.extend8_s
    case 0xc3:
      return un(
        I64,
        (x) => b.CreateSExt(b.CreateTrunc(x, b.getInt16Ty()), i64),
      );
    case 0xc4:
      return un(I64, (x) => b.CreateSExt(b.CreateTrunc(x, i32), i64));

    // ---- references ----
    case 0xd0:
      return fx.push(llvm.ConstantPointerNull.get(ptr), ins.refType ?? FuncRef); // ref.null
    case 0xd1:
      return un(I32, (x) => b.CreateZExt(b.CreateIsNull(x), i32)); // ref.is_null
    case 0xd2:
      return fx.push(fx.instanceArrayElem(InstanceField.funcs, index), FuncRef);

    // ---- saturating truncation ----
    // ref.func
    case 0xfc00:
      return helper("gwp_i32_trunc_sat_f32_s", I32, 1);
    case 0xfc01:
      return helper("gwp_i32_trunc_sat_f32_u", I32, 1);
    case 0xfc02:
      return helper("gwp_i32_trunc_sat_f64_s", I32, 1);
    case 0xfc03:
      return helper("gwp_i32_trunc_sat_f64_u", I32, 1);
    case 0xfc04:
      return helper("gwp_i64_trunc_sat_f32_s", I64, 1);
    case 0xfc05:
      return helper("gwp_i64_trunc_sat_f32_u", I64, 1);
    case 0xfc06:
      return helper("gwp_i64_trunc_sat_f64_s", I64, 1);
    case 0xfc07:
      return helper("gwp_i64_trunc_sat_f64_u", I64, 1);
    // ---- bulk memory and tables ----
    case 0xfc08:
      return runtime("gw_memory_init", [ins.index2 ?? 0, index], 3); // memory.init seg=index
    case 0xfc09:
      return runtime("gw_data_drop", [index], 0);
    case 0xfc0a:
      return runtime("gw_memory_copy", [index, ins.index2 ?? 0], 3);
    case 0xfc0b:
      return runtime("gw_memory_fill", [index], 3);
    case 0xfc0c:
      return runtime("gw_table_init", [ins.index2 ?? 0, index], 3); // table.init seg=index
    case 0xfc0d:
      return runtime("gw_elem_drop", [index], 0);
    case 0xfc0e:
      return runtime("gw_table_copy", [index, ins.index2 ?? 0], 3);
    case 0xfc0f:
      return runtime("gw_table_grow", [index], 2, I32);
    case 0xfc10: { // table.size
      const size = fx.loadField(table(index), TableField.size, i64);
      return fx.push(b.CreateTrunc(size, i32), I32);
    }
    case 0xfc11:
      return runtime("gw_table_fill", [index], 3);

    default:
      if (ins.op >= 0xfd0000) {
        throw fx.error(
          `SIMD instruction ${simdName(ins.op & 0xffff)} is not supported yet`,
        );
      }
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
    ? (() => {
      throw fx.error("SIMD type v128 is not supported yet");
    })()
    : fx.b.getInt8PtrTy();
}

/** ±0 and ±1: the constants LLVM treats as identities of float arithmetic. */
function isIdentityConstant(bits: bigint, t: ValType): boolean {
  const identities = t === F32 ? [0n, 0x80000000n, 0x3f800000n, 0xbf800000n] : [
    0n,
    0x8000000000000000n,
    0x3ff0000000000000n,
    0xbff0000000000000n,
  ];
  return identities.includes(bits);
}

function tableElemType(fx: FunctionTranslator, index: number): ValType {
  const imported = fx.mc.wasm.imports.flatMap((i) =>
    i.kind === 1 ? [i.table] : []
  );
  const t = [...imported, ...fx.mc.wasm.tables][index];
  return t ? t.elemType : FuncRef;
}

const SIMD_NAMES: Record<number, string> = {
  0: "v128.load",
  11: "v128.store",
  12: "v128.const",
  13: "i8x16.shuffle",
  14: "i8x16.swizzle",
  15: "i8x16.splat",
  17: "i32x4.splat",
  77: "v128.not",
  78: "v128.and",
  81: "v128.xor",
  83: "v128.any_true",
  174: "i32x4.add",
};

function simdName(sub: number): string {
  return SIMD_NAMES[sub] ?? `v128.op_0x${sub.toString(16)}`;
}
