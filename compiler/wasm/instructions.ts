/**
 * The instruction table: every instruction the compiler knows, one row each
 * (constant name, text-format name, opcode, immediates, type). The decoder
 * reads immediates by the row's {@link Imm}, the validator types every row
 * with a signature generically (and the rest, `null`, by hand: control,
 * locals, calls, select, references, tables, bulk memory), the translator and
 * the instrumentation switch on {@link Op} constants, and `inspect` prints
 * the text name. No opcode is a bare number anywhere else
 * (`instructions_test.ts` scans the sources).
 *
 * Opcodes are numbers: a one-byte opcode is its byte, a 0xFC-prefixed one is
 * `0xfc00 | sub`, a 0xFD-prefixed (SIMD) one is `0xfd0000 | sub` (see
 * {@link prefixed}). Adding an instruction is one row here plus its lowering.
 *
 * A signature is `"params -> results"` over `i32 i64 f32 f64 v128`. The
 * last, optional column is the natural alignment (log2 bytes) of a memory
 * access (`MemArg`, `MemArgLane`), or the lane count of a `Lane` immediate.
 *
 * @module
 */

import { ValType } from "./types.ts";

/** Immediate layouts, as the decoder reads them (0 means "no such opcode"). */
export const Imm = {
  /** No immediate. */
  None: 1,
  /** A block type (block, loop, if). */
  Block: 2,
  /** One u32 index into `index`. */
  Index: 3,
  /** Two u32 indices into `index`, `index2`. */
  Index2: 4,
  /** br_table: a vector of label depths and the default into `labels`. */
  Labels: 5,
  /** select t: a vector of value types into `valTypes`. */
  ValTypes: 6,
  /** A zero memory-index byte; `index` is 0. */
  Memory: 7,
  /** Two zero memory-index bytes; `index` and `index2` are 0. */
  Memory2: 8,
  /** A data segment index (needs the data count section). */
  Data: 9,
  /** A data segment index then a zero memory byte (memory.init). */
  DataMemory: 10,
  /** A signed LEB128 i32 into `value`. */
  I32: 11,
  /** A signed LEB128 i64 into `value` (bigint). */
  I64: 12,
  /** The u32 bit pattern of an f32 into `value`. */
  F32: 13,
  /** The u64 bit pattern of an f64 into `value` (bigint). */
  F64: 14,
  /** A reference type into `refType`. */
  RefType: 15,
  /** Alignment and offset into `align`, `memOffset`. */
  MemArg: 16,
  /** 16 bytes into `bytes` (v128.const). */
  V128: 17,
  /** 16 lane indices into `bytes` (i8x16.shuffle). */
  Shuffle: 18,
  /** One lane index byte into `lane`. */
  Lane: 19,
  /** A memarg then a lane index byte. */
  MemArgLane: 20,
} as const;
/** An immediate layout (one of {@link Imm}). */
export type Imm = typeof Imm[keyof typeof Imm];

/** Opcode prefixes of multi-byte instructions. */
export const Prefix = { Misc: 0xfc, Simd: 0xfd } as const;

/** The opcode number of a prefixed instruction with sub-opcode `sub`. */
export function prefixed(prefix: number, sub: number): number {
  return prefix === Prefix.Simd ? 0xfd0000 | sub : 0xfc00 | sub;
}

type Row = readonly [
  name: string,
  text: string,
  op: number,
  imm: Imm,
  signature: string | null,
  extra?: number,
];

/** Every instruction, in opcode order. */
// One row per line, so that adding an instruction is one line.
// deno-fmt-ignore
export const INSTRUCTIONS = [
  ["Unreachable", "unreachable", 0x00, Imm.None, null],
  ["Nop", "nop", 0x01, Imm.None, "->"],
  ["Block", "block", 0x02, Imm.Block, null],
  ["Loop", "loop", 0x03, Imm.Block, null],
  ["If", "if", 0x04, Imm.Block, null],
  ["Else", "else", 0x05, Imm.None, null],
  ["End", "end", 0x0b, Imm.None, null],
  ["Br", "br", 0x0c, Imm.Index, null],
  ["BrIf", "br_if", 0x0d, Imm.Index, null],
  ["BrTable", "br_table", 0x0e, Imm.Labels, null],
  ["Return", "return", 0x0f, Imm.None, null],
  ["Call", "call", 0x10, Imm.Index, null],
  ["CallIndirect", "call_indirect", 0x11, Imm.Index2, null],
  ["Drop", "drop", 0x1a, Imm.None, null],
  ["Select", "select", 0x1b, Imm.None, null],
  ["SelectT", "select", 0x1c, Imm.ValTypes, null],
  ["LocalGet", "local.get", 0x20, Imm.Index, null],
  ["LocalSet", "local.set", 0x21, Imm.Index, null],
  ["LocalTee", "local.tee", 0x22, Imm.Index, null],
  ["GlobalGet", "global.get", 0x23, Imm.Index, null],
  ["GlobalSet", "global.set", 0x24, Imm.Index, null],
  ["TableGet", "table.get", 0x25, Imm.Index, null],
  ["TableSet", "table.set", 0x26, Imm.Index, null],
  ["I32Load", "i32.load", 0x28, Imm.MemArg, "i32 -> i32", 2],
  ["I64Load", "i64.load", 0x29, Imm.MemArg, "i32 -> i64", 3],
  ["F32Load", "f32.load", 0x2a, Imm.MemArg, "i32 -> f32", 2],
  ["F64Load", "f64.load", 0x2b, Imm.MemArg, "i32 -> f64", 3],
  ["I32Load8S", "i32.load8_s", 0x2c, Imm.MemArg, "i32 -> i32", 0],
  ["I32Load8U", "i32.load8_u", 0x2d, Imm.MemArg, "i32 -> i32", 0],
  ["I32Load16S", "i32.load16_s", 0x2e, Imm.MemArg, "i32 -> i32", 1],
  ["I32Load16U", "i32.load16_u", 0x2f, Imm.MemArg, "i32 -> i32", 1],
  ["I64Load8S", "i64.load8_s", 0x30, Imm.MemArg, "i32 -> i64", 0],
  ["I64Load8U", "i64.load8_u", 0x31, Imm.MemArg, "i32 -> i64", 0],
  ["I64Load16S", "i64.load16_s", 0x32, Imm.MemArg, "i32 -> i64", 1],
  ["I64Load16U", "i64.load16_u", 0x33, Imm.MemArg, "i32 -> i64", 1],
  ["I64Load32S", "i64.load32_s", 0x34, Imm.MemArg, "i32 -> i64", 2],
  ["I64Load32U", "i64.load32_u", 0x35, Imm.MemArg, "i32 -> i64", 2],
  ["I32Store", "i32.store", 0x36, Imm.MemArg, "i32 i32 ->", 2],
  ["I64Store", "i64.store", 0x37, Imm.MemArg, "i32 i64 ->", 3],
  ["F32Store", "f32.store", 0x38, Imm.MemArg, "i32 f32 ->", 2],
  ["F64Store", "f64.store", 0x39, Imm.MemArg, "i32 f64 ->", 3],
  ["I32Store8", "i32.store8", 0x3a, Imm.MemArg, "i32 i32 ->", 0],
  ["I32Store16", "i32.store16", 0x3b, Imm.MemArg, "i32 i32 ->", 1],
  ["I64Store8", "i64.store8", 0x3c, Imm.MemArg, "i32 i64 ->", 0],
  ["I64Store16", "i64.store16", 0x3d, Imm.MemArg, "i32 i64 ->", 1],
  ["I64Store32", "i64.store32", 0x3e, Imm.MemArg, "i32 i64 ->", 2],
  ["MemorySize", "memory.size", 0x3f, Imm.Memory, null],
  ["MemoryGrow", "memory.grow", 0x40, Imm.Memory, null],
  ["I32Const", "i32.const", 0x41, Imm.I32, "-> i32"],
  ["I64Const", "i64.const", 0x42, Imm.I64, "-> i64"],
  ["F32Const", "f32.const", 0x43, Imm.F32, "-> f32"],
  ["F64Const", "f64.const", 0x44, Imm.F64, "-> f64"],
  ["I32Eqz", "i32.eqz", 0x45, Imm.None, "i32 -> i32"],
  ["I32Eq", "i32.eq", 0x46, Imm.None, "i32 i32 -> i32"],
  ["I32Ne", "i32.ne", 0x47, Imm.None, "i32 i32 -> i32"],
  ["I32LtS", "i32.lt_s", 0x48, Imm.None, "i32 i32 -> i32"],
  ["I32LtU", "i32.lt_u", 0x49, Imm.None, "i32 i32 -> i32"],
  ["I32GtS", "i32.gt_s", 0x4a, Imm.None, "i32 i32 -> i32"],
  ["I32GtU", "i32.gt_u", 0x4b, Imm.None, "i32 i32 -> i32"],
  ["I32LeS", "i32.le_s", 0x4c, Imm.None, "i32 i32 -> i32"],
  ["I32LeU", "i32.le_u", 0x4d, Imm.None, "i32 i32 -> i32"],
  ["I32GeS", "i32.ge_s", 0x4e, Imm.None, "i32 i32 -> i32"],
  ["I32GeU", "i32.ge_u", 0x4f, Imm.None, "i32 i32 -> i32"],
  ["I64Eqz", "i64.eqz", 0x50, Imm.None, "i64 -> i32"],
  ["I64Eq", "i64.eq", 0x51, Imm.None, "i64 i64 -> i32"],
  ["I64Ne", "i64.ne", 0x52, Imm.None, "i64 i64 -> i32"],
  ["I64LtS", "i64.lt_s", 0x53, Imm.None, "i64 i64 -> i32"],
  ["I64LtU", "i64.lt_u", 0x54, Imm.None, "i64 i64 -> i32"],
  ["I64GtS", "i64.gt_s", 0x55, Imm.None, "i64 i64 -> i32"],
  ["I64GtU", "i64.gt_u", 0x56, Imm.None, "i64 i64 -> i32"],
  ["I64LeS", "i64.le_s", 0x57, Imm.None, "i64 i64 -> i32"],
  ["I64LeU", "i64.le_u", 0x58, Imm.None, "i64 i64 -> i32"],
  ["I64GeS", "i64.ge_s", 0x59, Imm.None, "i64 i64 -> i32"],
  ["I64GeU", "i64.ge_u", 0x5a, Imm.None, "i64 i64 -> i32"],
  ["F32Eq", "f32.eq", 0x5b, Imm.None, "f32 f32 -> i32"],
  ["F32Ne", "f32.ne", 0x5c, Imm.None, "f32 f32 -> i32"],
  ["F32Lt", "f32.lt", 0x5d, Imm.None, "f32 f32 -> i32"],
  ["F32Gt", "f32.gt", 0x5e, Imm.None, "f32 f32 -> i32"],
  ["F32Le", "f32.le", 0x5f, Imm.None, "f32 f32 -> i32"],
  ["F32Ge", "f32.ge", 0x60, Imm.None, "f32 f32 -> i32"],
  ["F64Eq", "f64.eq", 0x61, Imm.None, "f64 f64 -> i32"],
  ["F64Ne", "f64.ne", 0x62, Imm.None, "f64 f64 -> i32"],
  ["F64Lt", "f64.lt", 0x63, Imm.None, "f64 f64 -> i32"],
  ["F64Gt", "f64.gt", 0x64, Imm.None, "f64 f64 -> i32"],
  ["F64Le", "f64.le", 0x65, Imm.None, "f64 f64 -> i32"],
  ["F64Ge", "f64.ge", 0x66, Imm.None, "f64 f64 -> i32"],
  ["I32Clz", "i32.clz", 0x67, Imm.None, "i32 -> i32"],
  ["I32Ctz", "i32.ctz", 0x68, Imm.None, "i32 -> i32"],
  ["I32Popcnt", "i32.popcnt", 0x69, Imm.None, "i32 -> i32"],
  ["I32Add", "i32.add", 0x6a, Imm.None, "i32 i32 -> i32"],
  ["I32Sub", "i32.sub", 0x6b, Imm.None, "i32 i32 -> i32"],
  ["I32Mul", "i32.mul", 0x6c, Imm.None, "i32 i32 -> i32"],
  ["I32DivS", "i32.div_s", 0x6d, Imm.None, "i32 i32 -> i32"],
  ["I32DivU", "i32.div_u", 0x6e, Imm.None, "i32 i32 -> i32"],
  ["I32RemS", "i32.rem_s", 0x6f, Imm.None, "i32 i32 -> i32"],
  ["I32RemU", "i32.rem_u", 0x70, Imm.None, "i32 i32 -> i32"],
  ["I32And", "i32.and", 0x71, Imm.None, "i32 i32 -> i32"],
  ["I32Or", "i32.or", 0x72, Imm.None, "i32 i32 -> i32"],
  ["I32Xor", "i32.xor", 0x73, Imm.None, "i32 i32 -> i32"],
  ["I32Shl", "i32.shl", 0x74, Imm.None, "i32 i32 -> i32"],
  ["I32ShrS", "i32.shr_s", 0x75, Imm.None, "i32 i32 -> i32"],
  ["I32ShrU", "i32.shr_u", 0x76, Imm.None, "i32 i32 -> i32"],
  ["I32Rotl", "i32.rotl", 0x77, Imm.None, "i32 i32 -> i32"],
  ["I32Rotr", "i32.rotr", 0x78, Imm.None, "i32 i32 -> i32"],
  ["I64Clz", "i64.clz", 0x79, Imm.None, "i64 -> i64"],
  ["I64Ctz", "i64.ctz", 0x7a, Imm.None, "i64 -> i64"],
  ["I64Popcnt", "i64.popcnt", 0x7b, Imm.None, "i64 -> i64"],
  ["I64Add", "i64.add", 0x7c, Imm.None, "i64 i64 -> i64"],
  ["I64Sub", "i64.sub", 0x7d, Imm.None, "i64 i64 -> i64"],
  ["I64Mul", "i64.mul", 0x7e, Imm.None, "i64 i64 -> i64"],
  ["I64DivS", "i64.div_s", 0x7f, Imm.None, "i64 i64 -> i64"],
  ["I64DivU", "i64.div_u", 0x80, Imm.None, "i64 i64 -> i64"],
  ["I64RemS", "i64.rem_s", 0x81, Imm.None, "i64 i64 -> i64"],
  ["I64RemU", "i64.rem_u", 0x82, Imm.None, "i64 i64 -> i64"],
  ["I64And", "i64.and", 0x83, Imm.None, "i64 i64 -> i64"],
  ["I64Or", "i64.or", 0x84, Imm.None, "i64 i64 -> i64"],
  ["I64Xor", "i64.xor", 0x85, Imm.None, "i64 i64 -> i64"],
  ["I64Shl", "i64.shl", 0x86, Imm.None, "i64 i64 -> i64"],
  ["I64ShrS", "i64.shr_s", 0x87, Imm.None, "i64 i64 -> i64"],
  ["I64ShrU", "i64.shr_u", 0x88, Imm.None, "i64 i64 -> i64"],
  ["I64Rotl", "i64.rotl", 0x89, Imm.None, "i64 i64 -> i64"],
  ["I64Rotr", "i64.rotr", 0x8a, Imm.None, "i64 i64 -> i64"],
  ["F32Abs", "f32.abs", 0x8b, Imm.None, "f32 -> f32"],
  ["F32Neg", "f32.neg", 0x8c, Imm.None, "f32 -> f32"],
  ["F32Ceil", "f32.ceil", 0x8d, Imm.None, "f32 -> f32"],
  ["F32Floor", "f32.floor", 0x8e, Imm.None, "f32 -> f32"],
  ["F32Trunc", "f32.trunc", 0x8f, Imm.None, "f32 -> f32"],
  ["F32Nearest", "f32.nearest", 0x90, Imm.None, "f32 -> f32"],
  ["F32Sqrt", "f32.sqrt", 0x91, Imm.None, "f32 -> f32"],
  ["F32Add", "f32.add", 0x92, Imm.None, "f32 f32 -> f32"],
  ["F32Sub", "f32.sub", 0x93, Imm.None, "f32 f32 -> f32"],
  ["F32Mul", "f32.mul", 0x94, Imm.None, "f32 f32 -> f32"],
  ["F32Div", "f32.div", 0x95, Imm.None, "f32 f32 -> f32"],
  ["F32Min", "f32.min", 0x96, Imm.None, "f32 f32 -> f32"],
  ["F32Max", "f32.max", 0x97, Imm.None, "f32 f32 -> f32"],
  ["F32Copysign", "f32.copysign", 0x98, Imm.None, "f32 f32 -> f32"],
  ["F64Abs", "f64.abs", 0x99, Imm.None, "f64 -> f64"],
  ["F64Neg", "f64.neg", 0x9a, Imm.None, "f64 -> f64"],
  ["F64Ceil", "f64.ceil", 0x9b, Imm.None, "f64 -> f64"],
  ["F64Floor", "f64.floor", 0x9c, Imm.None, "f64 -> f64"],
  ["F64Trunc", "f64.trunc", 0x9d, Imm.None, "f64 -> f64"],
  ["F64Nearest", "f64.nearest", 0x9e, Imm.None, "f64 -> f64"],
  ["F64Sqrt", "f64.sqrt", 0x9f, Imm.None, "f64 -> f64"],
  ["F64Add", "f64.add", 0xa0, Imm.None, "f64 f64 -> f64"],
  ["F64Sub", "f64.sub", 0xa1, Imm.None, "f64 f64 -> f64"],
  ["F64Mul", "f64.mul", 0xa2, Imm.None, "f64 f64 -> f64"],
  ["F64Div", "f64.div", 0xa3, Imm.None, "f64 f64 -> f64"],
  ["F64Min", "f64.min", 0xa4, Imm.None, "f64 f64 -> f64"],
  ["F64Max", "f64.max", 0xa5, Imm.None, "f64 f64 -> f64"],
  ["F64Copysign", "f64.copysign", 0xa6, Imm.None, "f64 f64 -> f64"],
  ["I32WrapI64", "i32.wrap_i64", 0xa7, Imm.None, "i64 -> i32"],
  ["I32TruncF32S", "i32.trunc_f32_s", 0xa8, Imm.None, "f32 -> i32"],
  ["I32TruncF32U", "i32.trunc_f32_u", 0xa9, Imm.None, "f32 -> i32"],
  ["I32TruncF64S", "i32.trunc_f64_s", 0xaa, Imm.None, "f64 -> i32"],
  ["I32TruncF64U", "i32.trunc_f64_u", 0xab, Imm.None, "f64 -> i32"],
  ["I64ExtendI32S", "i64.extend_i32_s", 0xac, Imm.None, "i32 -> i64"],
  ["I64ExtendI32U", "i64.extend_i32_u", 0xad, Imm.None, "i32 -> i64"],
  ["I64TruncF32S", "i64.trunc_f32_s", 0xae, Imm.None, "f32 -> i64"],
  ["I64TruncF32U", "i64.trunc_f32_u", 0xaf, Imm.None, "f32 -> i64"],
  ["I64TruncF64S", "i64.trunc_f64_s", 0xb0, Imm.None, "f64 -> i64"],
  ["I64TruncF64U", "i64.trunc_f64_u", 0xb1, Imm.None, "f64 -> i64"],
  ["F32ConvertI32S", "f32.convert_i32_s", 0xb2, Imm.None, "i32 -> f32"],
  ["F32ConvertI32U", "f32.convert_i32_u", 0xb3, Imm.None, "i32 -> f32"],
  ["F32ConvertI64S", "f32.convert_i64_s", 0xb4, Imm.None, "i64 -> f32"],
  ["F32ConvertI64U", "f32.convert_i64_u", 0xb5, Imm.None, "i64 -> f32"],
  ["F32DemoteF64", "f32.demote_f64", 0xb6, Imm.None, "f64 -> f32"],
  ["F64ConvertI32S", "f64.convert_i32_s", 0xb7, Imm.None, "i32 -> f64"],
  ["F64ConvertI32U", "f64.convert_i32_u", 0xb8, Imm.None, "i32 -> f64"],
  ["F64ConvertI64S", "f64.convert_i64_s", 0xb9, Imm.None, "i64 -> f64"],
  ["F64ConvertI64U", "f64.convert_i64_u", 0xba, Imm.None, "i64 -> f64"],
  ["F64PromoteF32", "f64.promote_f32", 0xbb, Imm.None, "f32 -> f64"],
  ["I32ReinterpretF32", "i32.reinterpret_f32", 0xbc, Imm.None, "f32 -> i32"],
  ["I64ReinterpretF64", "i64.reinterpret_f64", 0xbd, Imm.None, "f64 -> i64"],
  ["F32ReinterpretI32", "f32.reinterpret_i32", 0xbe, Imm.None, "i32 -> f32"],
  ["F64ReinterpretI64", "f64.reinterpret_i64", 0xbf, Imm.None, "i64 -> f64"],
  ["I32Extend8S", "i32.extend8_s", 0xc0, Imm.None, "i32 -> i32"],
  ["I32Extend16S", "i32.extend16_s", 0xc1, Imm.None, "i32 -> i32"],
  ["I64Extend8S", "i64.extend8_s", 0xc2, Imm.None, "i64 -> i64"],
  ["I64Extend16S", "i64.extend16_s", 0xc3, Imm.None, "i64 -> i64"],
  ["I64Extend32S", "i64.extend32_s", 0xc4, Imm.None, "i64 -> i64"],
  ["RefNull", "ref.null", 0xd0, Imm.RefType, null],
  ["RefIsNull", "ref.is_null", 0xd1, Imm.None, null],
  ["RefFunc", "ref.func", 0xd2, Imm.Index, null],
  ["I32TruncSatF32S", "i32.trunc_sat_f32_s", 0xfc00, Imm.None, "f32 -> i32"],
  ["I32TruncSatF32U", "i32.trunc_sat_f32_u", 0xfc01, Imm.None, "f32 -> i32"],
  ["I32TruncSatF64S", "i32.trunc_sat_f64_s", 0xfc02, Imm.None, "f64 -> i32"],
  ["I32TruncSatF64U", "i32.trunc_sat_f64_u", 0xfc03, Imm.None, "f64 -> i32"],
  ["I64TruncSatF32S", "i64.trunc_sat_f32_s", 0xfc04, Imm.None, "f32 -> i64"],
  ["I64TruncSatF32U", "i64.trunc_sat_f32_u", 0xfc05, Imm.None, "f32 -> i64"],
  ["I64TruncSatF64S", "i64.trunc_sat_f64_s", 0xfc06, Imm.None, "f64 -> i64"],
  ["I64TruncSatF64U", "i64.trunc_sat_f64_u", 0xfc07, Imm.None, "f64 -> i64"],
  ["MemoryInit", "memory.init", 0xfc08, Imm.DataMemory, null],
  ["DataDrop", "data.drop", 0xfc09, Imm.Data, null],
  ["MemoryCopy", "memory.copy", 0xfc0a, Imm.Memory2, null],
  ["MemoryFill", "memory.fill", 0xfc0b, Imm.Memory, null],
  ["TableInit", "table.init", 0xfc0c, Imm.Index2, null],
  ["ElemDrop", "elem.drop", 0xfc0d, Imm.Index, null],
  ["TableCopy", "table.copy", 0xfc0e, Imm.Index2, null],
  ["TableGrow", "table.grow", 0xfc0f, Imm.Index, null],
  ["TableSize", "table.size", 0xfc10, Imm.Index, null],
  ["TableFill", "table.fill", 0xfc11, Imm.Index, null],
  ["V128Load", "v128.load", 0xfd0000, Imm.MemArg, "i32 -> v128", 4],
  ["V128Load8x8S", "v128.load8x8_s", 0xfd0001, Imm.MemArg, "i32 -> v128", 3],
  ["V128Load8x8U", "v128.load8x8_u", 0xfd0002, Imm.MemArg, "i32 -> v128", 3],
  ["V128Load16x4S", "v128.load16x4_s", 0xfd0003, Imm.MemArg, "i32 -> v128", 3],
  ["V128Load16x4U", "v128.load16x4_u", 0xfd0004, Imm.MemArg, "i32 -> v128", 3],
  ["V128Load32x2S", "v128.load32x2_s", 0xfd0005, Imm.MemArg, "i32 -> v128", 3],
  ["V128Load32x2U", "v128.load32x2_u", 0xfd0006, Imm.MemArg, "i32 -> v128", 3],
  ["V128Load8Splat", "v128.load8_splat", 0xfd0007, Imm.MemArg, "i32 -> v128", 0],
  ["V128Load16Splat", "v128.load16_splat", 0xfd0008, Imm.MemArg, "i32 -> v128", 1],
  ["V128Load32Splat", "v128.load32_splat", 0xfd0009, Imm.MemArg, "i32 -> v128", 2],
  ["V128Load64Splat", "v128.load64_splat", 0xfd000a, Imm.MemArg, "i32 -> v128", 3],
  ["V128Store", "v128.store", 0xfd000b, Imm.MemArg, "i32 v128 ->", 4],
  ["V128Const", "v128.const", 0xfd000c, Imm.V128, "-> v128"],
  ["I8x16Shuffle", "i8x16.shuffle", 0xfd000d, Imm.Shuffle, "v128 v128 -> v128"],
  ["I8x16Swizzle", "i8x16.swizzle", 0xfd000e, Imm.None, "v128 v128 -> v128"],
  ["I8x16Splat", "i8x16.splat", 0xfd000f, Imm.None, "i32 -> v128"],
  ["I16x8Splat", "i16x8.splat", 0xfd0010, Imm.None, "i32 -> v128"],
  ["I32x4Splat", "i32x4.splat", 0xfd0011, Imm.None, "i32 -> v128"],
  ["I64x2Splat", "i64x2.splat", 0xfd0012, Imm.None, "i64 -> v128"],
  ["F32x4Splat", "f32x4.splat", 0xfd0013, Imm.None, "f32 -> v128"],
  ["F64x2Splat", "f64x2.splat", 0xfd0014, Imm.None, "f64 -> v128"],
  ["I8x16ExtractLaneS", "i8x16.extract_lane_s", 0xfd0015, Imm.Lane, "v128 -> i32", 16],
  ["I8x16ExtractLaneU", "i8x16.extract_lane_u", 0xfd0016, Imm.Lane, "v128 -> i32", 16],
  ["I8x16ReplaceLane", "i8x16.replace_lane", 0xfd0017, Imm.Lane, "v128 i32 -> v128", 16],
  ["I16x8ExtractLaneS", "i16x8.extract_lane_s", 0xfd0018, Imm.Lane, "v128 -> i32", 8],
  ["I16x8ExtractLaneU", "i16x8.extract_lane_u", 0xfd0019, Imm.Lane, "v128 -> i32", 8],
  ["I16x8ReplaceLane", "i16x8.replace_lane", 0xfd001a, Imm.Lane, "v128 i32 -> v128", 8],
  ["I32x4ExtractLane", "i32x4.extract_lane", 0xfd001b, Imm.Lane, "v128 -> i32", 4],
  ["I32x4ReplaceLane", "i32x4.replace_lane", 0xfd001c, Imm.Lane, "v128 i32 -> v128", 4],
  ["I64x2ExtractLane", "i64x2.extract_lane", 0xfd001d, Imm.Lane, "v128 -> i64", 2],
  ["I64x2ReplaceLane", "i64x2.replace_lane", 0xfd001e, Imm.Lane, "v128 i64 -> v128", 2],
  ["F32x4ExtractLane", "f32x4.extract_lane", 0xfd001f, Imm.Lane, "v128 -> f32", 4],
  ["F32x4ReplaceLane", "f32x4.replace_lane", 0xfd0020, Imm.Lane, "v128 f32 -> v128", 4],
  ["F64x2ExtractLane", "f64x2.extract_lane", 0xfd0021, Imm.Lane, "v128 -> f64", 2],
  ["F64x2ReplaceLane", "f64x2.replace_lane", 0xfd0022, Imm.Lane, "v128 f64 -> v128", 2],
  ["I8x16Eq", "i8x16.eq", 0xfd0023, Imm.None, "v128 v128 -> v128"],
  ["I8x16Ne", "i8x16.ne", 0xfd0024, Imm.None, "v128 v128 -> v128"],
  ["I8x16LtS", "i8x16.lt_s", 0xfd0025, Imm.None, "v128 v128 -> v128"],
  ["I8x16LtU", "i8x16.lt_u", 0xfd0026, Imm.None, "v128 v128 -> v128"],
  ["I8x16GtS", "i8x16.gt_s", 0xfd0027, Imm.None, "v128 v128 -> v128"],
  ["I8x16GtU", "i8x16.gt_u", 0xfd0028, Imm.None, "v128 v128 -> v128"],
  ["I8x16LeS", "i8x16.le_s", 0xfd0029, Imm.None, "v128 v128 -> v128"],
  ["I8x16LeU", "i8x16.le_u", 0xfd002a, Imm.None, "v128 v128 -> v128"],
  ["I8x16GeS", "i8x16.ge_s", 0xfd002b, Imm.None, "v128 v128 -> v128"],
  ["I8x16GeU", "i8x16.ge_u", 0xfd002c, Imm.None, "v128 v128 -> v128"],
  ["I16x8Eq", "i16x8.eq", 0xfd002d, Imm.None, "v128 v128 -> v128"],
  ["I16x8Ne", "i16x8.ne", 0xfd002e, Imm.None, "v128 v128 -> v128"],
  ["I16x8LtS", "i16x8.lt_s", 0xfd002f, Imm.None, "v128 v128 -> v128"],
  ["I16x8LtU", "i16x8.lt_u", 0xfd0030, Imm.None, "v128 v128 -> v128"],
  ["I16x8GtS", "i16x8.gt_s", 0xfd0031, Imm.None, "v128 v128 -> v128"],
  ["I16x8GtU", "i16x8.gt_u", 0xfd0032, Imm.None, "v128 v128 -> v128"],
  ["I16x8LeS", "i16x8.le_s", 0xfd0033, Imm.None, "v128 v128 -> v128"],
  ["I16x8LeU", "i16x8.le_u", 0xfd0034, Imm.None, "v128 v128 -> v128"],
  ["I16x8GeS", "i16x8.ge_s", 0xfd0035, Imm.None, "v128 v128 -> v128"],
  ["I16x8GeU", "i16x8.ge_u", 0xfd0036, Imm.None, "v128 v128 -> v128"],
  ["I32x4Eq", "i32x4.eq", 0xfd0037, Imm.None, "v128 v128 -> v128"],
  ["I32x4Ne", "i32x4.ne", 0xfd0038, Imm.None, "v128 v128 -> v128"],
  ["I32x4LtS", "i32x4.lt_s", 0xfd0039, Imm.None, "v128 v128 -> v128"],
  ["I32x4LtU", "i32x4.lt_u", 0xfd003a, Imm.None, "v128 v128 -> v128"],
  ["I32x4GtS", "i32x4.gt_s", 0xfd003b, Imm.None, "v128 v128 -> v128"],
  ["I32x4GtU", "i32x4.gt_u", 0xfd003c, Imm.None, "v128 v128 -> v128"],
  ["I32x4LeS", "i32x4.le_s", 0xfd003d, Imm.None, "v128 v128 -> v128"],
  ["I32x4LeU", "i32x4.le_u", 0xfd003e, Imm.None, "v128 v128 -> v128"],
  ["I32x4GeS", "i32x4.ge_s", 0xfd003f, Imm.None, "v128 v128 -> v128"],
  ["I32x4GeU", "i32x4.ge_u", 0xfd0040, Imm.None, "v128 v128 -> v128"],
  ["F32x4Eq", "f32x4.eq", 0xfd0041, Imm.None, "v128 v128 -> v128"],
  ["F32x4Ne", "f32x4.ne", 0xfd0042, Imm.None, "v128 v128 -> v128"],
  ["F32x4Lt", "f32x4.lt", 0xfd0043, Imm.None, "v128 v128 -> v128"],
  ["F32x4Gt", "f32x4.gt", 0xfd0044, Imm.None, "v128 v128 -> v128"],
  ["F32x4Le", "f32x4.le", 0xfd0045, Imm.None, "v128 v128 -> v128"],
  ["F32x4Ge", "f32x4.ge", 0xfd0046, Imm.None, "v128 v128 -> v128"],
  ["F64x2Eq", "f64x2.eq", 0xfd0047, Imm.None, "v128 v128 -> v128"],
  ["F64x2Ne", "f64x2.ne", 0xfd0048, Imm.None, "v128 v128 -> v128"],
  ["F64x2Lt", "f64x2.lt", 0xfd0049, Imm.None, "v128 v128 -> v128"],
  ["F64x2Gt", "f64x2.gt", 0xfd004a, Imm.None, "v128 v128 -> v128"],
  ["F64x2Le", "f64x2.le", 0xfd004b, Imm.None, "v128 v128 -> v128"],
  ["F64x2Ge", "f64x2.ge", 0xfd004c, Imm.None, "v128 v128 -> v128"],
  ["V128Not", "v128.not", 0xfd004d, Imm.None, "v128 -> v128"],
  ["V128And", "v128.and", 0xfd004e, Imm.None, "v128 v128 -> v128"],
  ["V128Andnot", "v128.andnot", 0xfd004f, Imm.None, "v128 v128 -> v128"],
  ["V128Or", "v128.or", 0xfd0050, Imm.None, "v128 v128 -> v128"],
  ["V128Xor", "v128.xor", 0xfd0051, Imm.None, "v128 v128 -> v128"],
  ["V128Bitselect", "v128.bitselect", 0xfd0052, Imm.None, "v128 v128 v128 -> v128"],
  ["V128AnyTrue", "v128.any_true", 0xfd0053, Imm.None, "v128 -> i32"],
  ["V128Load8Lane", "v128.load8_lane", 0xfd0054, Imm.MemArgLane, "i32 v128 -> v128", 0],
  ["V128Load16Lane", "v128.load16_lane", 0xfd0055, Imm.MemArgLane, "i32 v128 -> v128", 1],
  ["V128Load32Lane", "v128.load32_lane", 0xfd0056, Imm.MemArgLane, "i32 v128 -> v128", 2],
  ["V128Load64Lane", "v128.load64_lane", 0xfd0057, Imm.MemArgLane, "i32 v128 -> v128", 3],
  ["V128Store8Lane", "v128.store8_lane", 0xfd0058, Imm.MemArgLane, "i32 v128 ->", 0],
  ["V128Store16Lane", "v128.store16_lane", 0xfd0059, Imm.MemArgLane, "i32 v128 ->", 1],
  ["V128Store32Lane", "v128.store32_lane", 0xfd005a, Imm.MemArgLane, "i32 v128 ->", 2],
  ["V128Store64Lane", "v128.store64_lane", 0xfd005b, Imm.MemArgLane, "i32 v128 ->", 3],
  ["V128Load32Zero", "v128.load32_zero", 0xfd005c, Imm.MemArg, "i32 -> v128", 2],
  ["V128Load64Zero", "v128.load64_zero", 0xfd005d, Imm.MemArg, "i32 -> v128", 3],
  ["F32x4DemoteF64x2Zero", "f32x4.demote_f64x2_zero", 0xfd005e, Imm.None, "v128 -> v128"],
  ["F64x2PromoteLowF32x4", "f64x2.promote_low_f32x4", 0xfd005f, Imm.None, "v128 -> v128"],
  ["I8x16Abs", "i8x16.abs", 0xfd0060, Imm.None, "v128 -> v128"],
  ["I8x16Neg", "i8x16.neg", 0xfd0061, Imm.None, "v128 -> v128"],
  ["I8x16Popcnt", "i8x16.popcnt", 0xfd0062, Imm.None, "v128 -> v128"],
  ["I8x16AllTrue", "i8x16.all_true", 0xfd0063, Imm.None, "v128 -> i32"],
  ["I8x16Bitmask", "i8x16.bitmask", 0xfd0064, Imm.None, "v128 -> i32"],
  ["I8x16NarrowI16x8S", "i8x16.narrow_i16x8_s", 0xfd0065, Imm.None, "v128 v128 -> v128"],
  ["I8x16NarrowI16x8U", "i8x16.narrow_i16x8_u", 0xfd0066, Imm.None, "v128 v128 -> v128"],
  ["F32x4Ceil", "f32x4.ceil", 0xfd0067, Imm.None, "v128 -> v128"],
  ["F32x4Floor", "f32x4.floor", 0xfd0068, Imm.None, "v128 -> v128"],
  ["F32x4Trunc", "f32x4.trunc", 0xfd0069, Imm.None, "v128 -> v128"],
  ["F32x4Nearest", "f32x4.nearest", 0xfd006a, Imm.None, "v128 -> v128"],
  ["I8x16Shl", "i8x16.shl", 0xfd006b, Imm.None, "v128 i32 -> v128"],
  ["I8x16ShrS", "i8x16.shr_s", 0xfd006c, Imm.None, "v128 i32 -> v128"],
  ["I8x16ShrU", "i8x16.shr_u", 0xfd006d, Imm.None, "v128 i32 -> v128"],
  ["I8x16Add", "i8x16.add", 0xfd006e, Imm.None, "v128 v128 -> v128"],
  ["I8x16AddSatS", "i8x16.add_sat_s", 0xfd006f, Imm.None, "v128 v128 -> v128"],
  ["I8x16AddSatU", "i8x16.add_sat_u", 0xfd0070, Imm.None, "v128 v128 -> v128"],
  ["I8x16Sub", "i8x16.sub", 0xfd0071, Imm.None, "v128 v128 -> v128"],
  ["I8x16SubSatS", "i8x16.sub_sat_s", 0xfd0072, Imm.None, "v128 v128 -> v128"],
  ["I8x16SubSatU", "i8x16.sub_sat_u", 0xfd0073, Imm.None, "v128 v128 -> v128"],
  ["F64x2Ceil", "f64x2.ceil", 0xfd0074, Imm.None, "v128 -> v128"],
  ["F64x2Floor", "f64x2.floor", 0xfd0075, Imm.None, "v128 -> v128"],
  ["I8x16MinS", "i8x16.min_s", 0xfd0076, Imm.None, "v128 v128 -> v128"],
  ["I8x16MinU", "i8x16.min_u", 0xfd0077, Imm.None, "v128 v128 -> v128"],
  ["I8x16MaxS", "i8x16.max_s", 0xfd0078, Imm.None, "v128 v128 -> v128"],
  ["I8x16MaxU", "i8x16.max_u", 0xfd0079, Imm.None, "v128 v128 -> v128"],
  ["F64x2Trunc", "f64x2.trunc", 0xfd007a, Imm.None, "v128 -> v128"],
  ["I8x16AvgrU", "i8x16.avgr_u", 0xfd007b, Imm.None, "v128 v128 -> v128"],
  ["I16x8ExtaddPairwiseI8x16S", "i16x8.extadd_pairwise_i8x16_s", 0xfd007c, Imm.None, "v128 -> v128"],
  ["I16x8ExtaddPairwiseI8x16U", "i16x8.extadd_pairwise_i8x16_u", 0xfd007d, Imm.None, "v128 -> v128"],
  ["I32x4ExtaddPairwiseI16x8S", "i32x4.extadd_pairwise_i16x8_s", 0xfd007e, Imm.None, "v128 -> v128"],
  ["I32x4ExtaddPairwiseI16x8U", "i32x4.extadd_pairwise_i16x8_u", 0xfd007f, Imm.None, "v128 -> v128"],
  ["I16x8Abs", "i16x8.abs", 0xfd0080, Imm.None, "v128 -> v128"],
  ["I16x8Neg", "i16x8.neg", 0xfd0081, Imm.None, "v128 -> v128"],
  ["I16x8Q15mulrSatS", "i16x8.q15mulr_sat_s", 0xfd0082, Imm.None, "v128 v128 -> v128"],
  ["I16x8AllTrue", "i16x8.all_true", 0xfd0083, Imm.None, "v128 -> i32"],
  ["I16x8Bitmask", "i16x8.bitmask", 0xfd0084, Imm.None, "v128 -> i32"],
  ["I16x8NarrowI32x4S", "i16x8.narrow_i32x4_s", 0xfd0085, Imm.None, "v128 v128 -> v128"],
  ["I16x8NarrowI32x4U", "i16x8.narrow_i32x4_u", 0xfd0086, Imm.None, "v128 v128 -> v128"],
  ["I16x8ExtendLowI8x16S", "i16x8.extend_low_i8x16_s", 0xfd0087, Imm.None, "v128 -> v128"],
  ["I16x8ExtendHighI8x16S", "i16x8.extend_high_i8x16_s", 0xfd0088, Imm.None, "v128 -> v128"],
  ["I16x8ExtendLowI8x16U", "i16x8.extend_low_i8x16_u", 0xfd0089, Imm.None, "v128 -> v128"],
  ["I16x8ExtendHighI8x16U", "i16x8.extend_high_i8x16_u", 0xfd008a, Imm.None, "v128 -> v128"],
  ["I16x8Shl", "i16x8.shl", 0xfd008b, Imm.None, "v128 i32 -> v128"],
  ["I16x8ShrS", "i16x8.shr_s", 0xfd008c, Imm.None, "v128 i32 -> v128"],
  ["I16x8ShrU", "i16x8.shr_u", 0xfd008d, Imm.None, "v128 i32 -> v128"],
  ["I16x8Add", "i16x8.add", 0xfd008e, Imm.None, "v128 v128 -> v128"],
  ["I16x8AddSatS", "i16x8.add_sat_s", 0xfd008f, Imm.None, "v128 v128 -> v128"],
  ["I16x8AddSatU", "i16x8.add_sat_u", 0xfd0090, Imm.None, "v128 v128 -> v128"],
  ["I16x8Sub", "i16x8.sub", 0xfd0091, Imm.None, "v128 v128 -> v128"],
  ["I16x8SubSatS", "i16x8.sub_sat_s", 0xfd0092, Imm.None, "v128 v128 -> v128"],
  ["I16x8SubSatU", "i16x8.sub_sat_u", 0xfd0093, Imm.None, "v128 v128 -> v128"],
  ["F64x2Nearest", "f64x2.nearest", 0xfd0094, Imm.None, "v128 -> v128"],
  ["I16x8Mul", "i16x8.mul", 0xfd0095, Imm.None, "v128 v128 -> v128"],
  ["I16x8MinS", "i16x8.min_s", 0xfd0096, Imm.None, "v128 v128 -> v128"],
  ["I16x8MinU", "i16x8.min_u", 0xfd0097, Imm.None, "v128 v128 -> v128"],
  ["I16x8MaxS", "i16x8.max_s", 0xfd0098, Imm.None, "v128 v128 -> v128"],
  ["I16x8MaxU", "i16x8.max_u", 0xfd0099, Imm.None, "v128 v128 -> v128"],
  ["I16x8AvgrU", "i16x8.avgr_u", 0xfd009b, Imm.None, "v128 v128 -> v128"],
  ["I16x8ExtmulLowI8x16S", "i16x8.extmul_low_i8x16_s", 0xfd009c, Imm.None, "v128 v128 -> v128"],
  ["I16x8ExtmulHighI8x16S", "i16x8.extmul_high_i8x16_s", 0xfd009d, Imm.None, "v128 v128 -> v128"],
  ["I16x8ExtmulLowI8x16U", "i16x8.extmul_low_i8x16_u", 0xfd009e, Imm.None, "v128 v128 -> v128"],
  ["I16x8ExtmulHighI8x16U", "i16x8.extmul_high_i8x16_u", 0xfd009f, Imm.None, "v128 v128 -> v128"],
  ["I32x4Abs", "i32x4.abs", 0xfd00a0, Imm.None, "v128 -> v128"],
  ["I32x4Neg", "i32x4.neg", 0xfd00a1, Imm.None, "v128 -> v128"],
  ["I32x4AllTrue", "i32x4.all_true", 0xfd00a3, Imm.None, "v128 -> i32"],
  ["I32x4Bitmask", "i32x4.bitmask", 0xfd00a4, Imm.None, "v128 -> i32"],
  ["I32x4ExtendLowI16x8S", "i32x4.extend_low_i16x8_s", 0xfd00a7, Imm.None, "v128 -> v128"],
  ["I32x4ExtendHighI16x8S", "i32x4.extend_high_i16x8_s", 0xfd00a8, Imm.None, "v128 -> v128"],
  ["I32x4ExtendLowI16x8U", "i32x4.extend_low_i16x8_u", 0xfd00a9, Imm.None, "v128 -> v128"],
  ["I32x4ExtendHighI16x8U", "i32x4.extend_high_i16x8_u", 0xfd00aa, Imm.None, "v128 -> v128"],
  ["I32x4Shl", "i32x4.shl", 0xfd00ab, Imm.None, "v128 i32 -> v128"],
  ["I32x4ShrS", "i32x4.shr_s", 0xfd00ac, Imm.None, "v128 i32 -> v128"],
  ["I32x4ShrU", "i32x4.shr_u", 0xfd00ad, Imm.None, "v128 i32 -> v128"],
  ["I32x4Add", "i32x4.add", 0xfd00ae, Imm.None, "v128 v128 -> v128"],
  ["I32x4Sub", "i32x4.sub", 0xfd00b1, Imm.None, "v128 v128 -> v128"],
  ["I32x4Mul", "i32x4.mul", 0xfd00b5, Imm.None, "v128 v128 -> v128"],
  ["I32x4MinS", "i32x4.min_s", 0xfd00b6, Imm.None, "v128 v128 -> v128"],
  ["I32x4MinU", "i32x4.min_u", 0xfd00b7, Imm.None, "v128 v128 -> v128"],
  ["I32x4MaxS", "i32x4.max_s", 0xfd00b8, Imm.None, "v128 v128 -> v128"],
  ["I32x4MaxU", "i32x4.max_u", 0xfd00b9, Imm.None, "v128 v128 -> v128"],
  ["I32x4DotI16x8S", "i32x4.dot_i16x8_s", 0xfd00ba, Imm.None, "v128 v128 -> v128"],
  ["I32x4ExtmulLowI16x8S", "i32x4.extmul_low_i16x8_s", 0xfd00bc, Imm.None, "v128 v128 -> v128"],
  ["I32x4ExtmulHighI16x8S", "i32x4.extmul_high_i16x8_s", 0xfd00bd, Imm.None, "v128 v128 -> v128"],
  ["I32x4ExtmulLowI16x8U", "i32x4.extmul_low_i16x8_u", 0xfd00be, Imm.None, "v128 v128 -> v128"],
  ["I32x4ExtmulHighI16x8U", "i32x4.extmul_high_i16x8_u", 0xfd00bf, Imm.None, "v128 v128 -> v128"],
  ["I64x2Abs", "i64x2.abs", 0xfd00c0, Imm.None, "v128 -> v128"],
  ["I64x2Neg", "i64x2.neg", 0xfd00c1, Imm.None, "v128 -> v128"],
  ["I64x2AllTrue", "i64x2.all_true", 0xfd00c3, Imm.None, "v128 -> i32"],
  ["I64x2Bitmask", "i64x2.bitmask", 0xfd00c4, Imm.None, "v128 -> i32"],
  ["I64x2ExtendLowI32x4S", "i64x2.extend_low_i32x4_s", 0xfd00c7, Imm.None, "v128 -> v128"],
  ["I64x2ExtendHighI32x4S", "i64x2.extend_high_i32x4_s", 0xfd00c8, Imm.None, "v128 -> v128"],
  ["I64x2ExtendLowI32x4U", "i64x2.extend_low_i32x4_u", 0xfd00c9, Imm.None, "v128 -> v128"],
  ["I64x2ExtendHighI32x4U", "i64x2.extend_high_i32x4_u", 0xfd00ca, Imm.None, "v128 -> v128"],
  ["I64x2Shl", "i64x2.shl", 0xfd00cb, Imm.None, "v128 i32 -> v128"],
  ["I64x2ShrS", "i64x2.shr_s", 0xfd00cc, Imm.None, "v128 i32 -> v128"],
  ["I64x2ShrU", "i64x2.shr_u", 0xfd00cd, Imm.None, "v128 i32 -> v128"],
  ["I64x2Add", "i64x2.add", 0xfd00ce, Imm.None, "v128 v128 -> v128"],
  ["I64x2Sub", "i64x2.sub", 0xfd00d1, Imm.None, "v128 v128 -> v128"],
  ["I64x2Mul", "i64x2.mul", 0xfd00d5, Imm.None, "v128 v128 -> v128"],
  ["I64x2Eq", "i64x2.eq", 0xfd00d6, Imm.None, "v128 v128 -> v128"],
  ["I64x2Ne", "i64x2.ne", 0xfd00d7, Imm.None, "v128 v128 -> v128"],
  ["I64x2LtS", "i64x2.lt_s", 0xfd00d8, Imm.None, "v128 v128 -> v128"],
  ["I64x2GtS", "i64x2.gt_s", 0xfd00d9, Imm.None, "v128 v128 -> v128"],
  ["I64x2LeS", "i64x2.le_s", 0xfd00da, Imm.None, "v128 v128 -> v128"],
  ["I64x2GeS", "i64x2.ge_s", 0xfd00db, Imm.None, "v128 v128 -> v128"],
  ["I64x2ExtmulLowI32x4S", "i64x2.extmul_low_i32x4_s", 0xfd00dc, Imm.None, "v128 v128 -> v128"],
  ["I64x2ExtmulHighI32x4S", "i64x2.extmul_high_i32x4_s", 0xfd00dd, Imm.None, "v128 v128 -> v128"],
  ["I64x2ExtmulLowI32x4U", "i64x2.extmul_low_i32x4_u", 0xfd00de, Imm.None, "v128 v128 -> v128"],
  ["I64x2ExtmulHighI32x4U", "i64x2.extmul_high_i32x4_u", 0xfd00df, Imm.None, "v128 v128 -> v128"],
  ["F32x4Abs", "f32x4.abs", 0xfd00e0, Imm.None, "v128 -> v128"],
  ["F32x4Neg", "f32x4.neg", 0xfd00e1, Imm.None, "v128 -> v128"],
  ["F32x4Sqrt", "f32x4.sqrt", 0xfd00e3, Imm.None, "v128 -> v128"],
  ["F32x4Add", "f32x4.add", 0xfd00e4, Imm.None, "v128 v128 -> v128"],
  ["F32x4Sub", "f32x4.sub", 0xfd00e5, Imm.None, "v128 v128 -> v128"],
  ["F32x4Mul", "f32x4.mul", 0xfd00e6, Imm.None, "v128 v128 -> v128"],
  ["F32x4Div", "f32x4.div", 0xfd00e7, Imm.None, "v128 v128 -> v128"],
  ["F32x4Min", "f32x4.min", 0xfd00e8, Imm.None, "v128 v128 -> v128"],
  ["F32x4Max", "f32x4.max", 0xfd00e9, Imm.None, "v128 v128 -> v128"],
  ["F32x4Pmin", "f32x4.pmin", 0xfd00ea, Imm.None, "v128 v128 -> v128"],
  ["F32x4Pmax", "f32x4.pmax", 0xfd00eb, Imm.None, "v128 v128 -> v128"],
  ["F64x2Abs", "f64x2.abs", 0xfd00ec, Imm.None, "v128 -> v128"],
  ["F64x2Neg", "f64x2.neg", 0xfd00ed, Imm.None, "v128 -> v128"],
  ["F64x2Sqrt", "f64x2.sqrt", 0xfd00ef, Imm.None, "v128 -> v128"],
  ["F64x2Add", "f64x2.add", 0xfd00f0, Imm.None, "v128 v128 -> v128"],
  ["F64x2Sub", "f64x2.sub", 0xfd00f1, Imm.None, "v128 v128 -> v128"],
  ["F64x2Mul", "f64x2.mul", 0xfd00f2, Imm.None, "v128 v128 -> v128"],
  ["F64x2Div", "f64x2.div", 0xfd00f3, Imm.None, "v128 v128 -> v128"],
  ["F64x2Min", "f64x2.min", 0xfd00f4, Imm.None, "v128 v128 -> v128"],
  ["F64x2Max", "f64x2.max", 0xfd00f5, Imm.None, "v128 v128 -> v128"],
  ["F64x2Pmin", "f64x2.pmin", 0xfd00f6, Imm.None, "v128 v128 -> v128"],
  ["F64x2Pmax", "f64x2.pmax", 0xfd00f7, Imm.None, "v128 v128 -> v128"],
  ["I32x4TruncSatF32x4S", "i32x4.trunc_sat_f32x4_s", 0xfd00f8, Imm.None, "v128 -> v128"],
  ["I32x4TruncSatF32x4U", "i32x4.trunc_sat_f32x4_u", 0xfd00f9, Imm.None, "v128 -> v128"],
  ["F32x4ConvertI32x4S", "f32x4.convert_i32x4_s", 0xfd00fa, Imm.None, "v128 -> v128"],
  ["F32x4ConvertI32x4U", "f32x4.convert_i32x4_u", 0xfd00fb, Imm.None, "v128 -> v128"],
  ["I32x4TruncSatF64x2SZero", "i32x4.trunc_sat_f64x2_s_zero", 0xfd00fc, Imm.None, "v128 -> v128"],
  ["I32x4TruncSatF64x2UZero", "i32x4.trunc_sat_f64x2_u_zero", 0xfd00fd, Imm.None, "v128 -> v128"],
  ["F64x2ConvertLowI32x4S", "f64x2.convert_low_i32x4_s", 0xfd00fe, Imm.None, "v128 -> v128"],
  ["F64x2ConvertLowI32x4U", "f64x2.convert_low_i32x4_u", 0xfd00ff, Imm.None, "v128 -> v128"],
] as const satisfies readonly Row[];

type Rows = typeof INSTRUCTIONS[number];

/** Opcode constants by name: `Op.I32Add === 0x6a`. */
export const Op = Object.fromEntries(
  INSTRUCTIONS.map((row) => [row[0], row[2]]),
) as { readonly [R in Rows as R[0]]: R[2] };

/** What the table says about one instruction. */
export interface InstrInfo {
  /** The constant name (`I32Add`). */
  readonly name: string;
  /** The text-format name (`i32.add`). */
  readonly text: string;
  readonly op: number;
  readonly imm: Imm;
  /** Operand types, or `null` when the validator types it by hand. */
  readonly params: readonly ValType[] | null;
  /** Result types, or `null` with `params`. */
  readonly results: readonly ValType[] | null;
  /** Memory accesses: natural alignment, log2 bytes. */
  readonly natural?: number;
  /** Lane immediates: the number of lanes. */
  readonly lanes?: number;
}

const TYPE_NAMES: Record<string, ValType> = {
  i32: ValType.I32,
  i64: ValType.I64,
  f32: ValType.F32,
  f64: ValType.F64,
  v128: ValType.V128,
};

function parseTypes(list: string): ValType[] {
  return list.split(" ").filter((t) => t !== "").map((t) => {
    const type = TYPE_NAMES[t];
    if (type === undefined) throw new Error(`bad type ${t} in signature`);
    return type;
  });
}

function info(row: Row): InstrInfo {
  const [name, text, op, imm, signature, extra] = row;
  let params: ValType[] | null = null;
  let results: ValType[] | null = null;
  if (signature !== null) {
    const [p, r] = signature.split("->");
    params = parseTypes(p);
    results = parseTypes(r);
  }
  const natural = imm === Imm.MemArg || imm === Imm.MemArgLane
    ? extra
    : undefined;
  const lanes = imm === Imm.Lane
    ? extra
    : imm === Imm.MemArgLane
    ? 16 >> extra!
    : undefined;
  return { name, text, op, imm, params, results, natural, lanes };
}

const BY_OP = new Map<number, InstrInfo>();
for (const row of INSTRUCTIONS as readonly Row[]) {
  if (BY_OP.has(row[2])) throw new Error(`opcode ${row[2]} twice in table`);
  BY_OP.set(row[2], info(row));
}

/** Whether an opcode is 0xFD-prefixed (SIMD). */
export function isSimd(op: number): boolean {
  return op >= 0xfd0000;
}

/** The table's entry for an opcode, or undefined for an unknown one. */
export function instrInfo(op: number): InstrInfo | undefined {
  return BY_OP.get(op);
}

/** Every entry of the table, in opcode order. */
export function allInstructions(): Iterable<InstrInfo> {
  return BY_OP.values();
}

/**
 * Immediate layouts by opcode byte, by 0xFC sub-opcode and by 0xFD
 * sub-opcode (0: no such instruction): the decoder's per-instruction lookup.
 */
export const IMM_ONE_BYTE: Uint8Array = new Uint8Array(256);
/** See {@link IMM_ONE_BYTE}. */
export const IMM_MISC: Uint8Array = new Uint8Array(256);
/** See {@link IMM_ONE_BYTE}. */
export const IMM_SIMD: Uint8Array = new Uint8Array(256);
for (const i of BY_OP.values()) {
  if (i.op < 0x100) IMM_ONE_BYTE[i.op] = i.imm;
  else if (i.op < 0x10000) IMM_MISC[i.op & 0xff] = i.imm;
  else IMM_SIMD[i.op & 0xffff] = i.imm;
}
