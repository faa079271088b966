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
import { instrInfo } from "./instructions.ts";

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

/**
 * The text-format mnemonic of an opcode as {@link Instr.op} encodes it
 * (`0x6a` is "i32.add", `0xfc08` "memory.init", `0xfd000c` "v128.const"),
 * or a hex placeholder for an unknown opcode.
 */
export function opcodeName(op: number): string {
  return instrInfo(op)?.text ?? `<unknown opcode 0x${op.toString(16)}>`;
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
