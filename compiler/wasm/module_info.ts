/**
 * Small lookups over a decoded {@link Module} that every layer needs: the
 * index spaces (imports first), block signatures and opcode mnemonics.
 *
 * @module
 */

import {
  type BlockType,
  ExternKind,
  type FuncType,
  type GlobalType,
  type MemoryType,
  type Module,
  type TableType,
  ValType,
} from "./types.ts";

function countImports(m: Module, kind: ExternKind): number {
  let n = 0;
  for (const imp of m.imports) if (imp.kind === kind) n++;
  return n;
}

/** Number of imported functions (the first indices of the function space). */
export function numImportedFuncs(m: Module): number {
  return countImports(m, ExternKind.Func);
}

/** Number of imported globals. */
export function numImportedGlobals(m: Module): number {
  return countImports(m, ExternKind.Global);
}

/** Number of imported tables. */
export function numImportedTables(m: Module): number {
  return countImports(m, ExternKind.Table);
}

/** Number of imported memories. */
export function numImportedMemories(m: Module): number {
  return countImports(m, ExternKind.Memory);
}

function outOfRange(what: string, index: number): RangeError {
  return new RangeError(`unknown ${what} ${index}`);
}

/** The type index of function `funcIndex` (imports first). */
export function funcTypeIndexOf(m: Module, funcIndex: number): number {
  let seen = 0;
  for (const imp of m.imports) {
    if (imp.kind === ExternKind.Func) {
      if (seen === funcIndex) return imp.typeIndex;
      seen++;
    }
  }
  const t = m.functions[funcIndex - seen];
  if (t === undefined) throw outOfRange("function", funcIndex);
  return t;
}

/** The signature of function `funcIndex` (imports first). */
export function funcTypeOf(m: Module, funcIndex: number): FuncType {
  const typeIndex = funcTypeIndexOf(m, funcIndex);
  const type = m.types[typeIndex];
  if (!type) throw outOfRange("type", typeIndex);
  return type;
}

/** The type of global `idx` (imports first). */
export function globalTypeOf(m: Module, idx: number): GlobalType {
  let seen = 0;
  for (const imp of m.imports) {
    if (imp.kind === ExternKind.Global) {
      if (seen === idx) return imp.global;
      seen++;
    }
  }
  const g = m.globals[idx - seen];
  if (!g) throw outOfRange("global", idx);
  return g.type;
}

/** The type of table `idx` (imports first). */
export function tableTypeOf(m: Module, idx: number): TableType {
  let seen = 0;
  for (const imp of m.imports) {
    if (imp.kind === ExternKind.Table) {
      if (seen === idx) return imp.table;
      seen++;
    }
  }
  const t = m.tables[idx - seen];
  if (!t) throw outOfRange("table", idx);
  return t;
}

/** The type of memory `idx` (imports first). */
export function memoryTypeOf(m: Module, idx: number): MemoryType {
  let seen = 0;
  for (const imp of m.imports) {
    if (imp.kind === ExternKind.Memory) {
      if (seen === idx) return imp.memory;
      seen++;
    }
  }
  const mem = m.memories[idx - seen];
  if (!mem) throw outOfRange("memory", idx);
  return mem;
}

const NO_VALUES: FuncType = Object.freeze({
  params: Object.freeze([]) as unknown as [],
  results: Object.freeze([]) as unknown as [],
});

/** The parameters and results of a block, loop or if. */
export function blockSignature(m: Module, bt: BlockType): FuncType {
  switch (bt.kind) {
    case "empty":
      return NO_VALUES;
    case "value":
      return { params: [], results: [bt.type] };
    case "index": {
      const type = m.types[bt.typeIndex];
      if (!type) throw outOfRange("type", bt.typeIndex);
      return type;
    }
  }
}

const NAMES = new Map<number, string>();

function defineNames(base: number, names: string): void {
  names.trim().split(/\s+/).forEach((name, i) => {
    if (name !== "-") NAMES.set(base + i, name);
  });
}

function defineGroup(base: number, prefix: string, names: string): void {
  names.trim().split(/\s+/).forEach((name, i) => {
    if (name !== "-") NAMES.set(base + i, `${prefix}.${name}`);
  });
}

defineNames(
  0x00,
  `unreachable nop block loop if else - - - - - end br br_if br_table return
   call call_indirect - - - - - - - - drop select select - - -
   local.get local.set local.tee global.get global.set table.get table.set -
   i32.load i64.load f32.load f64.load i32.load8_s i32.load8_u i32.load16_s
   i32.load16_u i64.load8_s i64.load8_u i64.load16_s i64.load16_u i64.load32_s
   i64.load32_u i32.store i64.store f32.store f64.store i32.store8 i32.store16
   i64.store8 i64.store16 i64.store32 memory.size memory.grow
   i32.const i64.const f32.const f64.const`,
);
const ICMP = "eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u";
const FCMP = "eq ne lt gt le ge";
const IBIN = "add sub mul div_s div_u rem_s rem_u and or xor shl shr_s shr_u " +
  "rotl rotr";
const FOPS = "abs neg ceil floor trunc nearest sqrt add sub mul div min max " +
  "copysign";
defineGroup(0x45, "i32", `eqz ${ICMP}`);
defineGroup(0x50, "i64", `eqz ${ICMP}`);
defineGroup(0x5b, "f32", FCMP);
defineGroup(0x61, "f64", FCMP);
defineGroup(0x67, "i32", `clz ctz popcnt ${IBIN}`);
defineGroup(0x79, "i64", `clz ctz popcnt ${IBIN}`);
defineGroup(0x8b, "f32", FOPS);
defineGroup(0x99, "f64", FOPS);
defineNames(
  0xa7,
  `i32.wrap_i64 i32.trunc_f32_s i32.trunc_f32_u i32.trunc_f64_s i32.trunc_f64_u
   i64.extend_i32_s i64.extend_i32_u i64.trunc_f32_s i64.trunc_f32_u
   i64.trunc_f64_s i64.trunc_f64_u f32.convert_i32_s f32.convert_i32_u
   f32.convert_i64_s f32.convert_i64_u f32.demote_f64 f64.convert_i32_s
   f64.convert_i32_u f64.convert_i64_s f64.convert_i64_u f64.promote_f32
   i32.reinterpret_f32 i64.reinterpret_f64 f32.reinterpret_i32
   f64.reinterpret_i64 i32.extend8_s i32.extend16_s i64.extend8_s
   i64.extend16_s i64.extend32_s`,
);
defineNames(0xd0, "ref.null ref.is_null ref.func");
defineNames(
  0xfc00,
  `i32.trunc_sat_f32_s i32.trunc_sat_f32_u i32.trunc_sat_f64_s
   i32.trunc_sat_f64_u i64.trunc_sat_f32_s i64.trunc_sat_f32_u
   i64.trunc_sat_f64_s i64.trunc_sat_f64_u memory.init data.drop memory.copy
   memory.fill table.init elem.drop table.copy table.grow table.size
   table.fill`,
);
defineNames(
  0xfd0000,
  `v128.load v128.load8x8_s v128.load8x8_u v128.load16x4_s v128.load16x4_u
   v128.load32x2_s v128.load32x2_u v128.load8_splat v128.load16_splat
   v128.load32_splat v128.load64_splat v128.store v128.const i8x16.shuffle
   i8x16.swizzle i8x16.splat i16x8.splat i32x4.splat i64x2.splat f32x4.splat
   f64x2.splat i8x16.extract_lane_s i8x16.extract_lane_u i8x16.replace_lane
   i16x8.extract_lane_s i16x8.extract_lane_u i16x8.replace_lane
   i32x4.extract_lane i32x4.replace_lane i64x2.extract_lane i64x2.replace_lane
   f32x4.extract_lane f32x4.replace_lane f64x2.extract_lane f64x2.replace_lane`,
);
defineGroup(0xfd0023, "i8x16", ICMP);
defineGroup(0xfd002d, "i16x8", ICMP);
defineGroup(0xfd0037, "i32x4", ICMP);
defineGroup(0xfd0041, "f32x4", FCMP);
defineGroup(0xfd0047, "f64x2", FCMP);
defineNames(
  0xfd004d,
  `v128.not v128.and v128.andnot v128.or v128.xor v128.bitselect v128.any_true
   v128.load8_lane v128.load16_lane v128.load32_lane v128.load64_lane
   v128.store8_lane v128.store16_lane v128.store32_lane v128.store64_lane
   v128.load32_zero v128.load64_zero f32x4.demote_f64x2_zero
   f64x2.promote_low_f32x4
   i8x16.abs i8x16.neg i8x16.popcnt i8x16.all_true i8x16.bitmask
   i8x16.narrow_i16x8_s i8x16.narrow_i16x8_u f32x4.ceil f32x4.floor
   f32x4.trunc f32x4.nearest i8x16.shl i8x16.shr_s i8x16.shr_u i8x16.add
   i8x16.add_sat_s i8x16.add_sat_u i8x16.sub i8x16.sub_sat_s i8x16.sub_sat_u
   f64x2.ceil f64x2.floor i8x16.min_s i8x16.min_u i8x16.max_s i8x16.max_u
   f64x2.trunc i8x16.avgr_u i16x8.extadd_pairwise_i8x16_s
   i16x8.extadd_pairwise_i8x16_u i32x4.extadd_pairwise_i16x8_s
   i32x4.extadd_pairwise_i16x8_u
   i16x8.abs i16x8.neg i16x8.q15mulr_sat_s i16x8.all_true i16x8.bitmask
   i16x8.narrow_i32x4_s i16x8.narrow_i32x4_u i16x8.extend_low_i8x16_s
   i16x8.extend_high_i8x16_s i16x8.extend_low_i8x16_u
   i16x8.extend_high_i8x16_u i16x8.shl i16x8.shr_s i16x8.shr_u i16x8.add
   i16x8.add_sat_s i16x8.add_sat_u i16x8.sub i16x8.sub_sat_s i16x8.sub_sat_u
   f64x2.nearest i16x8.mul i16x8.min_s i16x8.min_u i16x8.max_s i16x8.max_u -
   i16x8.avgr_u i16x8.extmul_low_i8x16_s i16x8.extmul_high_i8x16_s
   i16x8.extmul_low_i8x16_u i16x8.extmul_high_i8x16_u
   i32x4.abs i32x4.neg - i32x4.all_true i32x4.bitmask - -
   i32x4.extend_low_i16x8_s i32x4.extend_high_i16x8_s
   i32x4.extend_low_i16x8_u i32x4.extend_high_i16x8_u i32x4.shl i32x4.shr_s
   i32x4.shr_u i32x4.add - - i32x4.sub - - - i32x4.mul i32x4.min_s
   i32x4.min_u i32x4.max_s i32x4.max_u i32x4.dot_i16x8_s -
   i32x4.extmul_low_i16x8_s i32x4.extmul_high_i16x8_s
   i32x4.extmul_low_i16x8_u i32x4.extmul_high_i16x8_u
   i64x2.abs i64x2.neg - i64x2.all_true i64x2.bitmask - -
   i64x2.extend_low_i32x4_s i64x2.extend_high_i32x4_s
   i64x2.extend_low_i32x4_u i64x2.extend_high_i32x4_u i64x2.shl i64x2.shr_s
   i64x2.shr_u i64x2.add - - i64x2.sub - - - i64x2.mul i64x2.eq i64x2.ne
   i64x2.lt_s i64x2.gt_s i64x2.le_s i64x2.ge_s i64x2.extmul_low_i32x4_s
   i64x2.extmul_high_i32x4_s i64x2.extmul_low_i32x4_u
   i64x2.extmul_high_i32x4_u
   f32x4.abs f32x4.neg - f32x4.sqrt f32x4.add f32x4.sub f32x4.mul f32x4.div
   f32x4.min f32x4.max f32x4.pmin f32x4.pmax
   f64x2.abs f64x2.neg - f64x2.sqrt f64x2.add f64x2.sub f64x2.mul f64x2.div
   f64x2.min f64x2.max f64x2.pmin f64x2.pmax
   i32x4.trunc_sat_f32x4_s i32x4.trunc_sat_f32x4_u f32x4.convert_i32x4_s
   f32x4.convert_i32x4_u i32x4.trunc_sat_f64x2_s_zero
   i32x4.trunc_sat_f64x2_u_zero f64x2.convert_low_i32x4_s
   f64x2.convert_low_i32x4_u`,
);

/**
 * The text-format mnemonic of an opcode as {@link Instr.op} encodes it
 * (`0x6a` is "i32.add", `0xfc08` "memory.init", `0xfd000c` "v128.const"),
 * or a hex placeholder for an unknown opcode.
 */
export function opcodeName(op: number): string {
  return NAMES.get(op) ?? `<unknown opcode 0x${op.toString(16)}>`;
}

/** The letter of each value type in godwit.h's signature strings. */
export const TYPE_LETTERS: Readonly<Record<ValType, string>> = {
  [ValType.I32]: "i",
  [ValType.I64]: "I",
  [ValType.F32]: "f",
  [ValType.F64]: "F",
  [ValType.V128]: "v",
  [ValType.FuncRef]: "r",
  [ValType.ExternRef]: "e",
};

/**
 * The letter of a value type in godwit.h's signature strings (`type_sigs`,
 * `gw_point_desc.types`): i I f F v r e.
 */
export function typeLetter(t: ValType): string {
  const letter = TYPE_LETTERS[t];
  if (letter === undefined) {
    throw new Error(`unknown value type 0x${(t as number).toString(16)}`);
  }
  return letter;
}
