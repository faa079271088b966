/**
 * The WebAssembly 2.0 binary decoder: bytes to the {@link Module} AST, with
 * every malformedness rule of the binary format. Each instruction keeps the
 * byte offset of its first byte in the original module.
 *
 * @module
 */

import type {
  BlockType,
  ConstExpr,
  CustomSection,
  DataSegment,
  ElemSegment,
  Export,
  ExternKind,
  FuncBody,
  FuncType,
  Global,
  GlobalType,
  Import,
  Instr,
  Limits,
  Module,
  RefType,
  TableType,
  ValType,
} from "../wasm/types.ts";
import { ByteReader } from "./reader.ts";
import { WasmError } from "./errors.ts";
import { parseNameSection } from "./names.ts";
import {
  Imm,
  IMM_MISC,
  IMM_ONE_BYTE,
  IMM_SIMD,
  Op,
  Prefix,
  prefixed,
} from "../wasm/instructions.ts";

/** Section ids in their required order, data count (12) before code (10). */
const SECTION_RANK: Record<number, number> = {
  1: 1,
  2: 2,
  3: 3,
  4: 4,
  5: 5,
  6: 6,
  7: 7,
  8: 8,
  9: 9,
  12: 10,
  10: 11,
  11: 12,
};

const SECTION_NAME: Record<number, string> = {
  0: "custom",
  1: "type",
  2: "import",
  3: "function",
  4: "table",
  5: "memory",
  6: "global",
  7: "export",
  8: "start",
  9: "element",
  10: "code",
  11: "data",
  12: "datacount",
};

/**
 * Implementation limit on the declared locals of one function: far above
 * what compilers emit, far below what would exhaust memory when expanded.
 */
const MAX_FUNCTION_LOCALS = 50000;

/**
 * Decodes a binary module. Throws a {@link WasmError} of kind "malformed"
 * when the bytes break the binary format; a constant expression that is not
 * a single constant instruction (which the AST cannot express) is reported,
 * after all malformedness checks, as kind "invalid" with the spec's reason.
 */
export function decodeModule(bytes: Uint8Array): Module {
  return new Decoder(bytes).module();
}

class Decoder {
  private readonly r: ByteReader;
  private readonly m: Module;
  private importedFuncs = 0;
  /** First validation error met while decoding, thrown after decoding. */
  private deferred: WasmError | undefined;
  /** Whether a code body used memory.init or data.drop. */
  private usesDataIndex = false;
  private functionCount = -1;

  constructor(bytes: Uint8Array) {
    this.r = new ByteReader(bytes);
    this.m = {
      types: [],
      imports: [],
      functions: [],
      tables: [],
      memories: [],
      globals: [],
      exports: [],
      elems: [],
      codes: [],
      datas: [],
      customs: [],
      funcNames: new Map(),
    };
  }

  module(): Module {
    const r = this.r;
    const bytes = r.bytes;
    if (
      bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0x61 ||
      bytes[2] !== 0x73 || bytes[3] !== 0x6d
    ) {
      throw r.error(
        bytes.length < 4 ? "unexpected end" : "magic header not detected",
        0,
      );
    }
    r.pos = 4;
    if (bytes.length < 8) throw r.error("unexpected end", 4);
    if (
      bytes[4] !== 1 || bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0
    ) {
      throw r.error("unknown binary version", 4);
    }
    r.pos = 8;
    let lastRank = 0;
    let nameSection: Uint8Array | undefined;
    while (r.pos < bytes.length) {
      const idOffset = r.pos;
      const id = r.u8();
      const rank = SECTION_RANK[id];
      if (id !== 0 && rank === undefined) {
        throw r.error("malformed section id", idOffset);
      }
      if (id !== 0) {
        if (rank <= lastRank) {
          throw r.error("unexpected content after last section", idOffset);
        }
        lastRank = rank;
      }
      const size = r.len32();
      const start = r.pos;
      const end = start + size;
      // Like the spec interpreter, reads may run past the section's end;
      // the size check afterwards reports that as a size mismatch.
      r.section = SECTION_NAME[id];
      switch (id) {
        case 0: {
          r.end = end;
          const name = r.name();
          r.end = bytes.length;
          const custom: CustomSection = {
            name,
            bytes: bytes.slice(r.pos, end),
          };
          this.m.customs.push(custom);
          if (name === "name") nameSection = custom.bytes;
          r.pos = end;
          break;
        }
        case 1:
          this.typeSection();
          break;
        case 2:
          this.importSection();
          break;
        case 3:
          this.functionSection();
          break;
        case 4:
          this.vec(() => this.m.tables.push(this.tableType()));
          break;
        case 5:
          this.vec(() => this.m.memories.push({ limits: this.limits() }));
          break;
        case 6:
          this.vec(() => this.m.globals.push(this.global()));
          break;
        case 7:
          this.exportSection();
          break;
        case 8:
          this.m.start = r.u32();
          break;
        case 9:
          this.vec(() => this.m.elems.push(this.elemSegment()));
          break;
        case 12:
          this.m.dataCount = r.u32();
          break;
        case 10:
          this.codeSection();
          break;
        case 11:
          this.dataSection();
          break;
      }
      if (r.pos !== end) throw r.error("section size mismatch", r.pos);
      r.section = undefined;
    }
    const m = this.m;
    const functionCount = this.functionCount < 0 ? 0 : this.functionCount;
    if (functionCount !== m.codes.length) {
      throw new WasmError(
        "malformed",
        "function and code section have inconsistent lengths",
      );
    }
    if (m.dataCount !== undefined && m.dataCount !== m.datas.length) {
      throw new WasmError(
        "malformed",
        "data count and data section have inconsistent lengths",
      );
    }
    // Without a data section, a data index is simply unknown: validation
    // reports it (wabt omits the data count section in that case).
    if (
      m.dataCount === undefined && this.usesDataIndex && m.datas.length > 0
    ) {
      throw new WasmError("malformed", "data count section required", {
        section: "code",
      });
    }
    if (nameSection) {
      m.funcNames = parseNameSection(nameSection);
    }
    if (this.deferred) throw this.deferred;
    return m;
  }

  /**
   * A vector: a count, then `each` that many times. The count is not
   * checked against the bytes left (each element reads at least one byte,
   * so a bogus count ends in "unexpected end", as in the spec interpreter).
   */
  private vec(each: (i: number) => void): number {
    const n = this.r.u32();
    for (let i = 0; i < n; i++) each(i);
    return n;
  }

  private valType(): ValType {
    const r = this.r;
    const b = r.u8();
    if ((b >= 0x7b && b <= 0x7f) || b === 0x70 || b === 0x6f) {
      return b as ValType;
    }
    throw r.error(leb7Reason(b, "malformed value type"), r.pos - 1);
  }

  private refType(): RefType {
    const r = this.r;
    const b = r.u8();
    if (b === 0x70 || b === 0x6f) return b;
    throw r.error(leb7Reason(b, "malformed reference type"), r.pos - 1);
  }

  private typeSection(): void {
    const r = this.r;
    this.vec(() => {
      const form = r.u8();
      if (form !== 0x60) {
        throw r.error(leb7Reason(form, "malformed function type"), r.pos - 1);
      }
      const params: ValType[] = [];
      this.vec(() => params.push(this.valType()));
      const results: ValType[] = [];
      this.vec(() => results.push(this.valType()));
      const type: FuncType = { params, results };
      this.m.types.push(type);
    });
  }

  private limits(): Limits {
    const r = this.r;
    const flags = r.u8();
    if (flags > 1) {
      throw r.error(leb7Reason(flags, "integer too large"), r.pos - 1);
    }
    const min = r.u32();
    if (flags === 1) return { min, max: r.u32() };
    return { min };
  }

  private tableType(): TableType {
    const elemType = this.refType();
    return { elemType, limits: this.limits() };
  }

  private globalType(): GlobalType {
    const type = this.valType();
    const r = this.r;
    const mut = r.u8();
    if (mut > 1) throw r.error("malformed mutability", r.pos - 1);
    return { type, mutable: mut === 1 };
  }

  private importSection(): void {
    const r = this.r;
    this.vec(() => {
      const module = r.name();
      const name = r.name();
      const kind = r.u8();
      let imp: Import;
      switch (kind) {
        case 0:
          imp = { module, name, kind, typeIndex: r.u32() };
          this.importedFuncs++;
          break;
        case 1:
          imp = { module, name, kind, table: this.tableType() };
          break;
        case 2:
          imp = { module, name, kind, memory: { limits: this.limits() } };
          break;
        case 3:
          imp = { module, name, kind, global: this.globalType() };
          break;
        default:
          throw r.error("malformed import kind", r.pos - 1);
      }
      this.m.imports.push(imp);
    });
  }

  private functionSection(): void {
    this.functionCount = this.vec(() => this.m.functions.push(this.r.u32()));
  }

  private global(): Global {
    const type = this.globalType();
    return { type, init: this.constExpr() };
  }

  private exportSection(): void {
    const r = this.r;
    this.vec(() => {
      const name = r.name();
      const kind = r.u8();
      if (kind > 3) throw r.error("malformed export kind", r.pos - 1);
      const exp: Export = { name, kind: kind as ExternKind, index: r.u32() };
      this.m.exports.push(exp);
    });
  }

  /**
   * A constant expression. Any instruction sequence decodes; one that is
   * not a single constant instruction becomes a deferred validation error.
   */
  private constExpr(): ConstExpr {
    const r = this.r;
    const start = r.pos;
    const instrs: Instr[] = [];
    for (;;) {
      const instr = this.instr();
      if (instr.op === Op.End) break;
      instrs.push(instr);
    }
    const first = instrs[0];
    if (instrs.length === 1) {
      switch (first.op) {
        case Op.I32Const:
          return { kind: "i32", value: first.value as number };
        case Op.I64Const:
          return { kind: "i64", value: first.value as bigint };
        case Op.F32Const:
          return { kind: "f32", bits: first.value as number };
        case Op.F64Const:
          return { kind: "f64", bits: first.value as bigint };
        case Op.V128Const:
          return { kind: "v128", bytes: first.bytes! };
        case Op.GlobalGet:
          return { kind: "global.get", index: first.index! };
        case Op.RefNull:
          return { kind: "ref.null", type: first.refType! };
        case Op.RefFunc:
          return { kind: "ref.func", index: first.index! };
      }
    }
    const nonConst = instrs.find((i) => !CONST_OPS.has(i.op));
    this.deferred ??= new WasmError(
      "invalid",
      nonConst ? "constant expression required" : "type mismatch",
      { section: r.section, offset: nonConst ? nonConst.offset : start },
    );
    return { kind: "i32", value: 0 };
  }

  private elemSegment(): ElemSegment {
    const r = this.r;
    const flagsOffset = r.pos;
    const flags = r.u32();
    if (flags > 7) {
      throw r.error("malformed elements segment kind", flagsOffset);
    }
    const passiveOrDeclarative = (flags & 1) !== 0;
    const explicitTable = (flags & 2) !== 0;
    const usesExprs = (flags & 4) !== 0;
    let mode: ElemSegment["mode"] = "active";
    let table: number | undefined;
    let offset: ConstExpr | undefined;
    if (passiveOrDeclarative) {
      mode = explicitTable ? "declarative" : "passive";
    } else {
      table = explicitTable ? r.u32() : 0;
      offset = this.constExpr();
    }
    let elemType: RefType = 0x70;
    if (passiveOrDeclarative || explicitTable) {
      if (usesExprs) {
        elemType = this.refType();
      } else {
        const kind = r.u8();
        if (kind !== 0) throw r.error("malformed element kind", r.pos - 1);
      }
    }
    const init: ConstExpr[] = [];
    if (usesExprs) {
      this.vec(() => init.push(this.constExpr()));
    } else {
      this.vec(() => init.push({ kind: "ref.func", index: r.u32() }));
    }
    const seg: ElemSegment = { mode, elemType, init };
    if (mode === "active") {
      seg.table = table;
      seg.offset = offset;
    }
    return seg;
  }

  /** Segment contents: running out of bytes is an unexpected end. */
  private dataBytes(): Uint8Array {
    return this.r.take(this.r.u32()).slice();
  }

  private dataSection(): void {
    const r = this.r;
    this.vec(() => {
      const flagsOffset = r.pos;
      const flags = r.u32();
      let seg: DataSegment;
      if (flags === 0) {
        const offset = this.constExpr();
        seg = { mode: "active", memory: 0, offset, bytes: this.dataBytes() };
      } else if (flags === 1) {
        seg = { mode: "passive", bytes: this.dataBytes() };
      } else if (flags === 2) {
        const memory = r.u32();
        const offset = this.constExpr();
        seg = { mode: "active", memory, offset, bytes: this.dataBytes() };
      } else {
        throw r.error("malformed data segment kind", flagsOffset);
      }
      this.m.datas.push(seg);
    });
  }

  private codeSection(): void {
    const r = this.r;
    const count = r.u32();
    for (let i = 0; i < count; i++) {
      r.func = this.importedFuncs + i;
      const offset = r.pos;
      const size = r.len32();
      const bodyEnd = r.pos + size;
      const locals = this.locals();
      const body = this.body();
      if (r.pos !== bodyEnd) throw r.error("section size mismatch", r.pos);
      const func: FuncBody = {
        typeIndex: this.m.functions[i],
        locals,
        body,
        offset,
      };
      this.m.codes.push(func);
    }
    r.func = undefined;
  }

  private locals(): ValType[] {
    const r = this.r;
    const start = r.pos;
    const groups = r.u32();
    const counts: number[] = [];
    const types: ValType[] = [];
    let total = 0;
    for (let i = 0; i < groups; i++) {
      const n = r.u32();
      counts.push(n);
      types.push(this.valType());
      total += n;
    }
    if (total > 0xffffffff) throw r.error("too many locals", start);
    if (total > MAX_FUNCTION_LOCALS) {
      throw r.error("too many locals", start, `(over ${MAX_FUNCTION_LOCALS})`);
    }
    const locals: ValType[] = [];
    for (let i = 0; i < groups; i++) {
      for (let j = 0; j < counts[i]; j++) locals.push(types[i]);
    }
    return locals;
  }

  /** A function body: instructions up to and including the final `end`. */
  private body(): Instr[] {
    const r = this.r;
    const body: Instr[] = [];
    // Open constructs: 1 for `if` before its `else`, 0 otherwise.
    const open: number[] = [0];
    for (;;) {
      const instr = this.instr();
      body.push(instr);
      const op = instr.op;
      if (op === Op.Block || op === Op.Loop) {
        open.push(0);
      } else if (op === Op.If) {
        open.push(1);
      } else if (op === Op.Else) {
        if (open[open.length - 1] !== 1) {
          throw r.error("END opcode expected", instr.offset);
        }
        open[open.length - 1] = 0;
      } else if (op === Op.End) {
        open.pop();
        if (open.length === 0) return body;
      }
    }
  }

  private blockType(): BlockType {
    const r = this.r;
    const b = r.peek();
    if (b === 0x40) {
      r.pos++;
      return EMPTY_BLOCK;
    }
    if ((b >= 0x7b && b <= 0x7f) || b === 0x70 || b === 0x6f) {
      r.pos++;
      return VALUE_BLOCK[b];
    }
    const start = r.pos;
    const x = r.s33();
    if (x < 0) throw r.error("malformed block type", start);
    return { kind: "index", typeIndex: x };
  }

  private zeroByte(): void {
    const r = this.r;
    if (r.u8() !== 0) throw r.error("zero byte expected", r.pos - 1);
  }

  private memarg(instr: Instr): void {
    const r = this.r;
    const start = r.pos;
    const align = r.u32();
    if (align >= 32) throw r.error("malformed memop flags", start);
    instr.align = align;
    instr.memOffset = r.u32();
  }

  /** One instruction: its immediates are read by the table's layout. */
  private instr(): Instr {
    const r = this.r;
    const offset = r.pos;
    const byte = r.u8();
    if (byte === Prefix.Misc || byte === Prefix.Simd) {
      const sub = r.u32();
      const table = byte === Prefix.Misc ? IMM_MISC : IMM_SIMD;
      const imm = sub < table.length ? table[sub] : 0;
      if (imm === 0) {
        throw r.error(
          "illegal opcode",
          offset,
          `0x${byte.toString(16)} ${sub}`,
        );
      }
      return this.immediates(prefixed(byte, sub), offset, imm);
    }
    const imm = IMM_ONE_BYTE[byte];
    if (imm === 0) {
      throw r.error("illegal opcode", offset, `0x${byte.toString(16)}`);
    }
    return this.immediates(byte, offset, imm);
  }

  private immediates(op: number, offset: number, imm: number): Instr {
    const r = this.r;
    switch (imm) {
      case Imm.None:
        return { op, offset };
      case Imm.Block:
        return { op, offset, blockType: this.blockType() };
      case Imm.Index:
        return { op, offset, index: r.u32() };
      case Imm.Index2: {
        const index = r.u32();
        return { op, offset, index, index2: r.u32() };
      }
      case Imm.Labels: {
        const labels: number[] = [];
        const n = r.u32();
        for (let i = 0; i <= n; i++) labels.push(r.u32());
        return { op, offset, labels };
      }
      case Imm.ValTypes: {
        const valTypes: ValType[] = [];
        this.vec(() => valTypes.push(this.valType()));
        return { op, offset, valTypes };
      }
      case Imm.Memory:
        this.zeroByte();
        return { op, offset, index: 0 };
      case Imm.Memory2:
        this.zeroByte();
        this.zeroByte();
        return { op, offset, index: 0, index2: 0 };
      case Imm.Data:
        this.usesDataIndex = true;
        return { op, offset, index: r.u32() };
      case Imm.DataMemory: {
        this.usesDataIndex = true;
        const index = r.u32();
        this.zeroByte();
        return { op, offset, index, index2: 0 };
      }
      case Imm.I32:
        return { op, offset, value: r.s32() };
      case Imm.I64:
        return { op, offset, value: r.s64() };
      case Imm.F32:
        return { op, offset, value: r.fixed32() };
      case Imm.F64:
        return { op, offset, value: r.fixed64() };
      case Imm.RefType:
        return { op, offset, refType: this.refType() };
      case Imm.MemArg: {
        const instr: Instr = { op, offset };
        this.memarg(instr);
        return instr;
      }
      case Imm.V128:
      case Imm.Shuffle:
        return { op, offset, bytes: r.take(16).slice() };
      case Imm.Lane:
        return { op, offset, lane: r.u8() };
      case Imm.MemArgLane: {
        const instr: Instr = { op, offset };
        this.memarg(instr);
        instr.lane = r.u8();
        return instr;
      }
    }
    throw new Error(`instruction table: unknown immediate layout ${imm}`);
  }
}

/** Opcodes allowed in Wasm 2.0 constant expressions. */
const CONST_OPS = new Set<number>([
  Op.I32Const,
  Op.I64Const,
  Op.F32Const,
  Op.F64Const,
  Op.V128Const,
  Op.GlobalGet,
  Op.RefNull,
  Op.RefFunc,
]);

/** Shared, frozen block types: most blocks need no object of their own. */
const EMPTY_BLOCK: BlockType = Object.freeze({ kind: "empty" });
const VALUE_BLOCK: Record<number, BlockType> = {};
for (const t of [0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f] as ValType[]) {
  VALUE_BLOCK[t] = Object.freeze({ kind: "value", type: t });
}

/**
 * The spec interpreter reads one-byte codes as LEB128: a set top bit means
 * an over-long encoding rather than an unknown code.
 */
function leb7Reason(b: number, otherwise: string): string {
  return b & 0x80 ? "integer representation too long" : otherwise;
}
