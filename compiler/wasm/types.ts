/**
 * The decoded WebAssembly module: what the decoder produces, the validator
 * checks and code generation consumes. Everything after the decoder sees this
 * structure only, never bytes, except for `Instr.offset`, which is the byte
 * offset of an instruction's opcode in the *original* module: a snapshot names
 * a position in a function by that offset, so it must survive untouched.
 *
 * Encodings follow the binary format so that a value read from the module can
 * be stored without translation (`ValType.I32 === 0x7f`, and so on).
 *
 * @module
 */

/** Value types, numbered as in the binary format. */
export const ValType = {
  I32: 0x7f,
  I64: 0x7e,
  F32: 0x7d,
  F64: 0x7c,
  V128: 0x7b,
  FuncRef: 0x70,
  ExternRef: 0x6f,
} as const;
/** A value type (one of {@link ValType}). */
export type ValType = typeof ValType[keyof typeof ValType];

/** Reference types: the subset of {@link ValType} that tables hold. */
export type RefType = typeof ValType.FuncRef | typeof ValType.ExternRef;

/** A function signature. */
export interface FuncType {
  params: ValType[];
  results: ValType[];
}

/** Size limits of a memory (in 64 KiB pages) or a table (in elements). */
export interface Limits {
  min: number;
  /** Absent when the module gives no maximum. */
  max?: number;
}

/** External kinds, numbered as in the binary format. */
export const ExternKind = {
  Func: 0,
  Table: 1,
  Memory: 2,
  Global: 3,
} as const;
/** An external kind (one of {@link ExternKind}). */
export type ExternKind = typeof ExternKind[keyof typeof ExternKind];

/** A table's type. */
export interface TableType {
  elemType: RefType;
  limits: Limits;
}

/** A memory's type. */
export interface MemoryType {
  limits: Limits;
}

/** A global's type. */
export interface GlobalType {
  type: ValType;
  mutable: boolean;
}

/** One import; `desc` depends on `kind`. */
export type Import =
  & { module: string; name: string }
  & (
    | { kind: typeof ExternKind.Func; typeIndex: number }
    | { kind: typeof ExternKind.Table; table: TableType }
    | { kind: typeof ExternKind.Memory; memory: MemoryType }
    | { kind: typeof ExternKind.Global; global: GlobalType }
  );

/** One export. `index` is in the index space of `kind` (imports first). */
export interface Export {
  name: string;
  kind: ExternKind;
  index: number;
}

/**
 * A block type: no value, one result type, or a type index (multi-value).
 * Resolve with `blockSignature()` in `compiler/wasm/module_info.ts`.
 */
export type BlockType =
  | { kind: "empty" }
  | { kind: "value"; type: ValType }
  | { kind: "index"; typeIndex: number };

/**
 * One instruction. `op` is the opcode byte, or for prefixed opcodes
 * `prefix << 8 | subopcode` where the sub-opcode fits in a byte
 * (`0xfc08` is `memory.init`); SIMD (`0xfd`) sub-opcodes are LEB128 u32 and
 * use `0xfd0000 | sub`. Only the immediates the opcode has are present.
 */
export interface Instr {
  op: number;
  /** Byte offset of the instruction's first byte in the original module. */
  offset: number;
  /** block, loop, if. */
  blockType?: BlockType;
  /**
   * The primary index immediate: local, global, function, label depth (br,
   * br_if), type (call_indirect), table (table.*), data or element segment
   * (memory.init, data.drop, table.init, elem.drop), memory index.
   */
  index?: number;
  /**
   * The second index immediate: the table of call_indirect, the table of
   * table.init, the source of table.copy/memory.copy (`index` is the
   * destination), the memory of memory.init.
   */
  index2?: number;
  /** br_table: the label depths, default last. */
  labels?: number[];
  /** Loads and stores: log2 of the alignment hint. */
  align?: number;
  /** Loads and stores: the static offset (u32 for 32-bit memories). */
  memOffset?: number;
  /**
   * Constants: i32.const as a signed number, i64.const as a signed bigint,
   * f32.const as its u32 bit pattern (number), f64.const as its u64 bit
   * pattern (bigint). Bit patterns keep NaN payloads exact.
   */
  value?: number | bigint;
  /** v128.const and i8x16.shuffle: 16 bytes. */
  bytes?: Uint8Array;
  /** SIMD lane index immediates. */
  lane?: number;
  /** select with explicit types (0x1c). */
  valTypes?: ValType[];
  /** ref.null. */
  refType?: RefType;
}

/**
 * A constant expression (global initializers, segment offsets, element
 * expressions). Wasm 2.0 allows exactly one instruction before `end`.
 */
export type ConstExpr =
  | { kind: "i32"; value: number }
  | { kind: "i64"; value: bigint }
  | { kind: "f32"; bits: number }
  | { kind: "f64"; bits: bigint }
  | { kind: "v128"; bytes: Uint8Array }
  | { kind: "global.get"; index: number }
  | { kind: "ref.null"; type: RefType }
  | { kind: "ref.func"; index: number };

/** A global defined by the module. */
export interface Global {
  type: GlobalType;
  init: ConstExpr;
}

/** An element segment. */
export interface ElemSegment {
  mode: "active" | "passive" | "declarative";
  /** Active only. */
  table?: number;
  /** Active only. */
  offset?: ConstExpr;
  elemType: RefType;
  /** One constant expression per element (function indices become ref.func). */
  init: ConstExpr[];
}

/** A data segment. */
export interface DataSegment {
  mode: "active" | "passive";
  /** Active only. */
  memory?: number;
  /** Active only. */
  offset?: ConstExpr;
  bytes: Uint8Array;
}

/** A function defined by the module (not an import). */
export interface FuncBody {
  /** Index into `Module.types`. */
  typeIndex: number;
  /** Declared locals only (parameters excluded), expanded one per local. */
  locals: ValType[];
  /** The instructions in order, the final `end` included. */
  body: Instr[];
  /** Byte offset of the body's size field in the original module. */
  offset: number;
}

/** A custom section, kept as bytes (the `name` section is also parsed). */
export interface CustomSection {
  name: string;
  bytes: Uint8Array;
}

/** A decoded module. Index spaces put imports first, as the spec does. */
export interface Module {
  types: FuncType[];
  imports: Import[];
  /** Type index of every *defined* function (the function section). */
  functions: number[];
  tables: TableType[];
  memories: MemoryType[];
  globals: Global[];
  exports: Export[];
  start?: number;
  elems: ElemSegment[];
  /** The data count section's value, when present. */
  dataCount?: number;
  codes: FuncBody[];
  datas: DataSegment[];
  customs: CustomSection[];
  /** From the `name` section: function index to name (imports included). */
  funcNames: Map<number, string>;
}
