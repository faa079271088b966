/**
 * WebAssembly 2.0 validation: the module-level rules and the spec
 * appendix's algorithm for function bodies (an operand stack of value types
 * with Unknown for the polymorphic stack, and a stack of control frames).
 * Every failure is a {@link WasmError} of kind "invalid" whose `reason` uses
 * the spec interpreter's wording.
 *
 * @module
 */

import {
  type ConstExpr,
  ExternKind,
  type FuncType,
  type GlobalType,
  type Instr,
  type Limits,
  type Module,
  type RefType,
  type TableType,
  ValType,
} from "../wasm/types.ts";
import { opcodeName } from "../wasm/module_info.ts";
import { WasmError } from "./errors.ts";

/** The type of an operand whose type the polymorphic stack leaves open. */
const UNKNOWN = 0;
type StackType = number;

const I32 = ValType.I32;
const I64 = ValType.I64;
const F32 = ValType.F32;
const F64 = ValType.F64;
const V128 = ValType.V128;
const FUNCREF = ValType.FuncRef;

const MAX_PAGES = 65536;

/** Everything a function body may refer to (the spec's context C). */
interface Context {
  types: FuncType[];
  /** Type index of every function, imports first. */
  funcs: number[];
  tables: TableType[];
  memories: number;
  globals: GlobalType[];
  /** Element type of every element segment. */
  elems: RefType[];
  dataCount: number | undefined;
  /** Functions that may be named by ref.func in a body (C.refs). */
  refs: Set<number>;
}

/**
 * Validates a decoded module; throws a {@link WasmError} of kind "invalid"
 * at the first rule it breaks.
 */
export function validateModule(module: Module): void {
  const c = moduleContext(module);
  const importedGlobals = c.globals.length - module.globals.length;

  for (const imp of module.imports) {
    const where = { section: "import" };
    if (imp.kind === ExternKind.Func) {
      if (imp.typeIndex >= c.types.length) {
        throw invalid(`unknown type ${imp.typeIndex}`, where);
      }
    } else if (imp.kind === ExternKind.Table) {
      checkLimits(imp.table.limits, 0xffffffff, "table", where);
    } else if (imp.kind === ExternKind.Memory) {
      checkLimits(imp.memory.limits, MAX_PAGES, "memory", where);
    }
  }
  for (const typeIndex of module.functions) {
    if (typeIndex >= c.types.length) {
      throw invalid(`unknown type ${typeIndex}`, { section: "function" });
    }
  }
  for (const table of module.tables) {
    checkLimits(table.limits, 0xffffffff, "table", { section: "table" });
  }
  for (const mem of module.memories) {
    checkLimits(mem.limits, MAX_PAGES, "memory", { section: "memory" });
  }
  if (c.memories > 1) throw invalid("multiple memories", { section: "memory" });

  module.globals.forEach((g) => {
    checkConst(c, g.init, g.type.type, importedGlobals, "global");
  });
  for (const seg of module.elems) {
    const where = { section: "element" };
    for (const e of seg.init) {
      checkConst(c, e, seg.elemType, importedGlobals, "element");
    }
    if (seg.mode === "active") {
      const table = c.tables[seg.table!];
      if (!table) throw invalid(`unknown table ${seg.table}`, where);
      if (table.elemType !== seg.elemType) {
        throw invalid("type mismatch", where);
      }
      checkConst(c, seg.offset!, I32, importedGlobals, "element");
    }
  }
  for (const seg of module.datas) {
    if (seg.mode === "active") {
      if (seg.memory! >= c.memories) {
        throw invalid(`unknown memory ${seg.memory}`, { section: "data" });
      }
      checkConst(c, seg.offset!, I32, importedGlobals, "data");
    }
  }
  if (module.start !== undefined) {
    const where = { section: "start" };
    const typeIndex = c.funcs[module.start];
    if (typeIndex === undefined) {
      throw invalid(`unknown function ${module.start}`, where);
    }
    const t = c.types[typeIndex];
    if (t.params.length !== 0 || t.results.length !== 0) {
      throw invalid("start function", where);
    }
  }
  const exportNames = new Set<string>();
  for (const exp of module.exports) {
    const where = { section: "export" };
    if (exportNames.has(exp.name)) {
      throw invalid("duplicate export name", where);
    }
    exportNames.add(exp.name);
    const [space, count] = exp.kind === ExternKind.Func
      ? ["function", c.funcs.length]
      : exp.kind === ExternKind.Table
      ? ["table", c.tables.length]
      : exp.kind === ExternKind.Memory
      ? ["memory", c.memories]
      : ["global", c.globals.length];
    if (exp.index >= count) {
      throw invalid(`unknown ${space} ${exp.index}`, where);
    }
  }

  const importedFuncs = c.funcs.length - module.functions.length;
  const validator = new FunctionValidator(c);
  module.codes.forEach((code, i) => {
    validator.validate(
      importedFuncs + i,
      code.typeIndex,
      code.locals,
      code.body,
    );
  });
}

function invalid(
  reason: string,
  where: { section?: string; func?: number; offset?: number; detail?: string },
): WasmError {
  return new WasmError("invalid", reason, where);
}

function checkLimits(
  limits: Limits,
  bound: number,
  what: "memory" | "table",
  where: { section: string },
): void {
  const tooBig = what === "memory"
    ? "memory size must be at most 65536 pages (4GiB)"
    : "table size must be at most 2^32-1";
  if (limits.min > bound) throw invalid(tooBig, where);
  if (limits.max !== undefined) {
    if (limits.max > bound) throw invalid(tooBig, where);
    if (limits.min > limits.max) {
      throw invalid("size minimum must not be greater than maximum", where);
    }
  }
}

function moduleContext(m: Module): Context {
  const funcs: number[] = [];
  const tables: TableType[] = [];
  const globals: GlobalType[] = [];
  let memories = 0;
  for (const imp of m.imports) {
    if (imp.kind === ExternKind.Func) funcs.push(imp.typeIndex);
    else if (imp.kind === ExternKind.Table) tables.push(imp.table);
    else if (imp.kind === ExternKind.Memory) memories++;
    else globals.push(imp.global);
  }
  funcs.push(...m.functions);
  tables.push(...m.tables);
  memories += m.memories.length;
  for (const g of m.globals) globals.push(g.type);
  const refs = new Set<number>();
  const noteRef = (e: ConstExpr | undefined) => {
    if (e?.kind === "ref.func") refs.add(e.index);
  };
  for (const g of m.globals) noteRef(g.init);
  for (const seg of m.elems) seg.init.forEach(noteRef);
  for (const exp of m.exports) {
    if (exp.kind === ExternKind.Func) refs.add(exp.index);
  }
  return {
    types: m.types,
    funcs,
    tables,
    memories,
    globals,
    elems: m.elems.map((s) => s.elemType),
    dataCount: m.dataCount,
    refs,
  };
}

/**
 * A constant expression of type `expected`; `visibleGlobals` is how many
 * globals it may read (only the imported ones in global initializers).
 */
function checkConst(
  c: Context,
  e: ConstExpr,
  expected: ValType,
  visibleGlobals: number,
  section: string,
): void {
  let actual: ValType;
  switch (e.kind) {
    case "i32":
      actual = I32;
      break;
    case "i64":
      actual = I64;
      break;
    case "f32":
      actual = F32;
      break;
    case "f64":
      actual = F64;
      break;
    case "v128":
      actual = V128;
      break;
    case "ref.null":
      actual = e.type;
      break;
    case "ref.func":
      if (e.index >= c.funcs.length) {
        throw invalid(`unknown function ${e.index}`, { section });
      }
      actual = FUNCREF;
      break;
    case "global.get": {
      if (e.index >= visibleGlobals) {
        throw invalid(`unknown global ${e.index}`, { section });
      }
      const g = c.globals[e.index];
      if (g.mutable) throw invalid("constant expression required", { section });
      actual = g.type;
      break;
    }
  }
  if (actual !== expected) throw invalid("type mismatch", { section });
}

/** One open block, loop, if or the function body (the spec's ctrl_frame). */
interface Frame {
  op: number;
  start: readonly ValType[];
  end: readonly ValType[];
  height: number;
  unreachable: boolean;
}

/** [params, results] of the instructions that only pop and push values. */
const SIGNATURES = new Map<number, [StackType[], StackType[]]>();
{
  const code: Record<string, ValType> = {
    i: I32,
    I: I64,
    f: F32,
    F: F64,
    v: V128,
  };
  const parse = (s: string) => [...s].map((ch) => code[ch]);
  const define = (from: number, to: number, sig: string) => {
    const [params, results] = sig.split(":");
    for (let op = from; op <= to; op++) {
      SIGNATURES.set(op, [parse(params), parse(results)]);
    }
  };
  define(0x45, 0x45, "i:i");
  define(0x46, 0x4f, "ii:i");
  define(0x50, 0x50, "I:i");
  define(0x51, 0x5a, "II:i");
  define(0x5b, 0x60, "ff:i");
  define(0x61, 0x66, "FF:i");
  define(0x67, 0x69, "i:i");
  define(0x6a, 0x78, "ii:i");
  define(0x79, 0x7b, "I:I");
  define(0x7c, 0x8a, "II:I");
  define(0x8b, 0x91, "f:f");
  define(0x92, 0x98, "ff:f");
  define(0x99, 0x9f, "F:F");
  define(0xa0, 0xa6, "FF:F");
  const conversions = [
    "I:i",
    "f:i",
    "f:i",
    "F:i",
    "F:i",
    "i:I",
    "i:I",
    "f:I",
    "f:I",
    "F:I",
    "F:I",
    "i:f",
    "i:f",
    "I:f",
    "I:f",
    "F:f",
    "i:F",
    "i:F",
    "I:F",
    "I:F",
    "f:F",
    "f:i",
    "F:I",
    "i:f",
    "I:F",
    "i:i",
    "i:i",
    "I:I",
    "I:I",
    "I:I",
  ];
  conversions.forEach((sig, i) => define(0xa7 + i, 0xa7 + i, sig));
  ["f:i", "f:i", "F:i", "F:i", "f:I", "f:I", "F:I", "F:I"].forEach((sig, i) =>
    define(0xfc00 + i, 0xfc00 + i, sig)
  );
  // SIMD instructions without immediates, by sub-opcode range.
  const simd = (from: number, to: number, sig: string) =>
    define(0xfd0000 + from, 0xfd0000 + to, sig);
  simd(14, 14, "vv:v");
  simd(15, 17, "i:v");
  simd(18, 18, "I:v");
  simd(19, 19, "f:v");
  simd(20, 20, "F:v");
  simd(35, 76, "vv:v");
  simd(77, 77, "v:v");
  simd(78, 81, "vv:v");
  simd(82, 82, "vvv:v");
  simd(83, 83, "v:i");
  simd(94, 98, "v:v");
  simd(99, 100, "v:i");
  simd(101, 102, "vv:v");
  simd(103, 106, "v:v");
  simd(107, 109, "vi:v");
  simd(110, 115, "vv:v");
  simd(116, 117, "v:v");
  simd(118, 121, "vv:v");
  simd(122, 122, "v:v");
  simd(123, 123, "vv:v");
  simd(124, 129, "v:v");
  simd(130, 130, "vv:v");
  simd(131, 132, "v:i");
  simd(133, 134, "vv:v");
  simd(135, 138, "v:v");
  simd(139, 141, "vi:v");
  simd(142, 147, "vv:v");
  simd(148, 148, "v:v");
  simd(149, 153, "vv:v");
  simd(155, 159, "vv:v");
  simd(160, 161, "v:v");
  simd(163, 164, "v:i");
  simd(167, 170, "v:v");
  simd(171, 173, "vi:v");
  simd(174, 174, "vv:v");
  simd(177, 177, "vv:v");
  simd(181, 186, "vv:v");
  simd(188, 191, "vv:v");
  simd(192, 193, "v:v");
  simd(195, 196, "v:i");
  simd(199, 202, "v:v");
  simd(203, 205, "vi:v");
  simd(206, 206, "vv:v");
  simd(209, 209, "vv:v");
  simd(213, 223, "vv:v");
  simd(224, 225, "v:v");
  simd(227, 227, "v:v");
  simd(228, 235, "vv:v");
  simd(236, 237, "v:v");
  simd(239, 239, "v:v");
  simd(240, 247, "vv:v");
  simd(248, 255, "v:v");
}

/** Loads: [natural alignment (log2), result type]. */
const LOADS: Record<number, [number, ValType]> = {
  0x28: [2, I32],
  0x29: [3, I64],
  0x2a: [2, F32],
  0x2b: [3, F64],
  0x2c: [0, I32],
  0x2d: [0, I32],
  0x2e: [1, I32],
  0x2f: [1, I32],
  0x30: [0, I64],
  0x31: [0, I64],
  0x32: [1, I64],
  0x33: [1, I64],
  0x34: [2, I64],
  0x35: [2, I64],
};
/** Stores: [natural alignment (log2), stored type]. */
const STORES: Record<number, [number, ValType]> = {
  0x36: [2, I32],
  0x37: [3, I64],
  0x38: [2, F32],
  0x39: [3, F64],
  0x3a: [0, I32],
  0x3b: [1, I32],
  0x3c: [0, I64],
  0x3d: [1, I64],
  0x3e: [2, I64],
};
/** SIMD loads (sub-opcode to natural alignment); all are [i32] -> [v128]. */
const SIMD_LOADS: Record<number, number> = {
  0: 4,
  1: 3,
  2: 3,
  3: 3,
  4: 3,
  5: 3,
  6: 3,
  7: 0,
  8: 1,
  9: 2,
  10: 3,
  92: 2,
  93: 3,
};
/** Lane instructions: [lane count, scalar type] for sub-opcodes 21..34. */
const LANE_OPS: Record<number, [number, ValType]> = {
  21: [16, I32],
  22: [16, I32],
  23: [16, I32],
  24: [8, I32],
  25: [8, I32],
  26: [8, I32],
  27: [4, I32],
  28: [4, I32],
  29: [2, I64],
  30: [2, I64],
  31: [4, F32],
  32: [4, F32],
  33: [2, F64],
  34: [2, F64],
};

function isNum(t: StackType): boolean {
  return t === I32 || t === I64 || t === F32 || t === F64 || t === UNKNOWN;
}
function isVec(t: StackType): boolean {
  return t === V128 || t === UNKNOWN;
}
function isRef(t: StackType): boolean {
  return t === FUNCREF || t === ValType.ExternRef || t === UNKNOWN;
}

/** Validates function bodies; reused across the functions of a module. */
class FunctionValidator {
  private readonly c: Context;
  private vals: StackType[] = [];
  private ctrls: Frame[] = [];
  private locals: ValType[] = [];
  private func = 0;
  private instr!: Instr;

  constructor(c: Context) {
    this.c = c;
  }

  private fail(reason: string, detail = true): WasmError {
    return invalid(reason, {
      section: "code",
      func: this.func,
      offset: this.instr?.offset,
      detail: detail && this.instr
        ? `in ${opcodeName(this.instr.op)}`
        : undefined,
    });
  }

  private push(t: StackType): void {
    this.vals.push(t);
  }

  private pop(): StackType {
    const frame = this.ctrls[this.ctrls.length - 1];
    if (this.vals.length === frame.height) {
      if (frame.unreachable) return UNKNOWN;
      throw this.fail("type mismatch");
    }
    return this.vals.pop()!;
  }

  /** Pops one operand of type `expect`; returns the type actually popped. */
  private popExpect(expect: StackType): StackType {
    const actual = this.pop();
    if (actual !== expect && actual !== UNKNOWN && expect !== UNKNOWN) {
      throw this.fail("type mismatch");
    }
    return actual;
  }

  private pushAll(types: readonly StackType[]): void {
    for (const t of types) this.vals.push(t);
  }

  private popAll(types: readonly StackType[]): void {
    for (let i = types.length - 1; i >= 0; i--) this.popExpect(types[i]);
  }

  /** Like popAll, returning the popped types (Unknown kept, for br_table). */
  private popAllTypes(types: readonly StackType[]): StackType[] {
    const popped: StackType[] = new Array(types.length);
    for (let i = types.length - 1; i >= 0; i--) {
      popped[i] = this.popExpect(types[i]);
    }
    return popped;
  }

  private pushCtrl(
    op: number,
    start: readonly ValType[],
    end: readonly ValType[],
  ) {
    this.ctrls.push({
      op,
      start,
      end,
      height: this.vals.length,
      unreachable: false,
    });
    this.pushAll(start);
  }

  private popCtrl(): Frame {
    const frame = this.ctrls[this.ctrls.length - 1];
    this.popAll(frame.end);
    if (this.vals.length !== frame.height) throw this.fail("type mismatch");
    this.ctrls.pop();
    return frame;
  }

  private labelTypes(frame: Frame): readonly ValType[] {
    return frame.op === 0x03 ? frame.start : frame.end;
  }

  private label(depth: number): Frame {
    if (depth >= this.ctrls.length) throw this.fail(`unknown label ${depth}`);
    return this.ctrls[this.ctrls.length - 1 - depth];
  }

  private setUnreachable(): void {
    const frame = this.ctrls[this.ctrls.length - 1];
    this.vals.length = frame.height;
    frame.unreachable = true;
  }

  private blockSig(instr: Instr): FuncType {
    const bt = instr.blockType!;
    if (bt.kind === "empty") return EMPTY_SIG;
    if (bt.kind === "value") return { params: [], results: [bt.type] };
    const t = this.c.types[bt.typeIndex];
    if (!t) throw this.fail(`unknown type ${bt.typeIndex}`);
    return t;
  }

  private memory(index: number): void {
    if (index >= this.c.memories) throw this.fail(`unknown memory ${index}`);
  }

  private table(index: number): TableType {
    const t = this.c.tables[index];
    if (!t) throw this.fail(`unknown table ${index}`);
    return t;
  }

  private global(index: number): GlobalType {
    const g = this.c.globals[index];
    if (!g) throw this.fail(`unknown global ${index}`);
    return g;
  }

  private local(index: number): ValType {
    const t = this.locals[index];
    if (t === undefined) throw this.fail(`unknown local ${index}`);
    return t;
  }

  private elem(index: number): RefType {
    const t = this.c.elems[index];
    if (t === undefined) throw this.fail(`unknown elem segment ${index}`);
    return t;
  }

  private data(index: number): void {
    if (index >= (this.c.dataCount ?? 0)) {
      throw this.fail(`unknown data segment ${index}`);
    }
  }

  private funcType(index: number): FuncType {
    const typeIndex = this.c.funcs[index];
    if (typeIndex === undefined) throw this.fail(`unknown function ${index}`);
    return this.c.types[typeIndex];
  }

  private memarg(instr: Instr, natural: number): void {
    this.memory(0);
    if (instr.align! > natural) {
      throw this.fail("alignment must not be larger than natural");
    }
  }

  private laneIndex(instr: Instr, lanes: number): void {
    if (instr.lane! >= lanes) throw this.fail("invalid lane index");
  }

  validate(
    func: number,
    typeIndex: number,
    declared: ValType[],
    body: Instr[],
  ): void {
    this.func = func;
    this.instr = undefined as unknown as Instr;
    const type = this.c.types[typeIndex];
    this.locals = [...type.params, ...declared];
    this.vals = [];
    this.ctrls = [];
    this.pushCtrl(0x02, [], type.results);
    for (const instr of body) {
      if (this.ctrls.length === 0) {
        this.instr = instr;
        throw this.fail("unexpected instruction after function end");
      }
      this.instr = instr;
      this.step(instr, type);
    }
    if (this.ctrls.length !== 0) throw this.fail("END opcode expected", false);
  }

  private step(instr: Instr, funcType: FuncType): void {
    const op = instr.op;
    const sig = SIGNATURES.get(op);
    if (sig) {
      this.popAll(sig[0]);
      this.pushAll(sig[1]);
      return;
    }
    switch (op) {
      case 0x00: // unreachable
        this.setUnreachable();
        return;
      case 0x01: // nop
        return;
      case 0x02: // block
      case 0x03: // loop
      case 0x04: { // if
        const t = this.blockSig(instr);
        if (op === 0x04) this.popExpect(I32);
        this.popAll(t.params);
        this.pushCtrl(op, t.params, t.results);
        return;
      }
      case 0x05: { // else
        const frame = this.ctrls[this.ctrls.length - 1];
        if (frame.op !== 0x04) throw this.fail("else without if");
        this.popCtrl();
        this.pushCtrl(0x05, frame.start, frame.end);
        return;
      }
      case 0x0b: { // end
        const frame = this.popCtrl();
        if (frame.op === 0x04 && !sameTypes(frame.start, frame.end)) {
          throw this.fail("type mismatch");
        }
        this.pushAll(frame.end);
        return;
      }
      case 0x0c: // br
        this.popAll(this.labelTypes(this.label(instr.index!)));
        this.setUnreachable();
        return;
      case 0x0d: { // br_if
        const types = this.labelTypes(this.label(instr.index!));
        this.popExpect(I32);
        this.popAll(types);
        this.pushAll(types);
        return;
      }
      case 0x0e: { // br_table
        this.popExpect(I32);
        const labels = instr.labels!;
        const defaultTypes = this.labelTypes(
          this.label(labels[labels.length - 1]),
        );
        const arity = defaultTypes.length;
        for (let i = 0; i < labels.length - 1; i++) {
          const types = this.labelTypes(this.label(labels[i]));
          if (types.length !== arity) throw this.fail("type mismatch");
          this.pushAll(this.popAllTypes(types));
        }
        this.popAll(defaultTypes);
        this.setUnreachable();
        return;
      }
      case 0x0f: // return
        this.popAll(funcType.results);
        this.setUnreachable();
        return;
      case 0x10: { // call
        const t = this.funcType(instr.index!);
        this.popAll(t.params);
        this.pushAll(t.results);
        return;
      }
      case 0x11: { // call_indirect
        const table = this.table(instr.index2!);
        if (table.elemType !== FUNCREF) throw this.fail("type mismatch");
        const t = this.c.types[instr.index!];
        if (!t) throw this.fail(`unknown type ${instr.index}`);
        this.popExpect(I32);
        this.popAll(t.params);
        this.pushAll(t.results);
        return;
      }
      case 0x1a: // drop
        this.pop();
        return;
      case 0x1b: { // select
        this.popExpect(I32);
        const t1 = this.pop();
        const t2 = this.pop();
        if (!((isNum(t1) && isNum(t2)) || (isVec(t1) && isVec(t2)))) {
          throw this.fail("type mismatch");
        }
        if (t1 !== t2 && t1 !== UNKNOWN && t2 !== UNKNOWN) {
          throw this.fail("type mismatch");
        }
        this.push(t1 === UNKNOWN ? t2 : t1);
        return;
      }
      case 0x1c: { // select t
        const types = instr.valTypes!;
        if (types.length !== 1) throw this.fail("invalid result arity");
        this.popExpect(I32);
        this.popExpect(types[0]);
        this.popExpect(types[0]);
        this.push(types[0]);
        return;
      }
      case 0x20: // local.get
        this.push(this.local(instr.index!));
        return;
      case 0x21: // local.set
        this.popExpect(this.local(instr.index!));
        return;
      case 0x22: { // local.tee
        const t = this.local(instr.index!);
        this.popExpect(t);
        this.push(t);
        return;
      }
      case 0x23: // global.get
        this.push(this.global(instr.index!).type);
        return;
      case 0x24: { // global.set
        const g = this.global(instr.index!);
        if (!g.mutable) throw this.fail("global is immutable");
        this.popExpect(g.type);
        return;
      }
      case 0x25: { // table.get
        const t = this.table(instr.index!);
        this.popExpect(I32);
        this.push(t.elemType);
        return;
      }
      case 0x26: { // table.set
        const t = this.table(instr.index!);
        this.popExpect(t.elemType);
        this.popExpect(I32);
        return;
      }
      case 0x3f: // memory.size
        this.memory(instr.index ?? 0);
        this.push(I32);
        return;
      case 0x40: // memory.grow
        this.memory(instr.index ?? 0);
        this.popExpect(I32);
        this.push(I32);
        return;
      case 0x41:
        this.push(I32);
        return;
      case 0x42:
        this.push(I64);
        return;
      case 0x43:
        this.push(F32);
        return;
      case 0x44:
        this.push(F64);
        return;
      case 0xd0: // ref.null
        this.push(instr.refType!);
        return;
      case 0xd1: { // ref.is_null
        const t = this.pop();
        if (!isRef(t)) throw this.fail("type mismatch");
        this.push(I32);
        return;
      }
      case 0xd2: // ref.func
        this.funcType(instr.index!);
        if (!this.c.refs.has(instr.index!)) {
          throw this.fail("undeclared function reference");
        }
        this.push(FUNCREF);
        return;
      case 0xfc08: // memory.init
        this.memory(instr.index2 ?? 0);
        this.data(instr.index!);
        this.popAll(III);
        return;
      case 0xfc09: // data.drop
        this.data(instr.index!);
        return;
      case 0xfc0a: // memory.copy
        this.memory(instr.index ?? 0);
        this.memory(instr.index2 ?? 0);
        this.popAll(III);
        return;
      case 0xfc0b: // memory.fill
        this.memory(instr.index ?? 0);
        this.popAll(III);
        return;
      case 0xfc0c: { // table.init
        const t = this.table(instr.index2!);
        const e = this.elem(instr.index!);
        if (t.elemType !== e) throw this.fail("type mismatch");
        this.popAll(III);
        return;
      }
      case 0xfc0d: // elem.drop
        this.elem(instr.index!);
        return;
      case 0xfc0e: { // table.copy
        const dst = this.table(instr.index!);
        const src = this.table(instr.index2!);
        if (dst.elemType !== src.elemType) throw this.fail("type mismatch");
        this.popAll(III);
        return;
      }
      case 0xfc0f: { // table.grow
        const t = this.table(instr.index!);
        this.popExpect(I32);
        this.popExpect(t.elemType);
        this.push(I32);
        return;
      }
      case 0xfc10: // table.size
        this.table(instr.index!);
        this.push(I32);
        return;
      case 0xfc11: { // table.fill
        const t = this.table(instr.index!);
        this.popExpect(I32);
        this.popExpect(t.elemType);
        this.popExpect(I32);
        return;
      }
    }
    const load = LOADS[op];
    if (load) {
      this.memarg(instr, load[0]);
      this.popExpect(I32);
      this.push(load[1]);
      return;
    }
    const store = STORES[op];
    if (store) {
      this.memarg(instr, store[0]);
      this.popExpect(store[1]);
      this.popExpect(I32);
      return;
    }
    if (op >= 0xfd0000) {
      this.simd(instr, op - 0xfd0000);
      return;
    }
    throw this.fail("illegal opcode");
  }

  private simd(instr: Instr, sub: number): void {
    const natural = SIMD_LOADS[sub];
    if (natural !== undefined) {
      this.memarg(instr, natural);
      this.popExpect(I32);
      this.push(V128);
      return;
    }
    const lane = LANE_OPS[sub];
    if (lane) {
      this.laneIndex(instr, lane[0]);
      const isReplace = sub === 23 || sub === 26 || sub === 28 ||
        sub === 30 || sub === 32 || sub === 34;
      if (isReplace) {
        this.popExpect(lane[1]);
        this.popExpect(V128);
        this.push(V128);
      } else {
        this.popExpect(V128);
        this.push(lane[1]);
      }
      return;
    }
    switch (sub) {
      case 11: // v128.store
        this.memarg(instr, 4);
        this.popExpect(V128);
        this.popExpect(I32);
        return;
      case 12: // v128.const
        this.push(V128);
        return;
      case 13: // i8x16.shuffle
        for (const b of instr.bytes!) {
          if (b >= 32) throw this.fail("invalid lane index");
        }
        this.popExpect(V128);
        this.popExpect(V128);
        this.push(V128);
        return;
    }
    if (sub >= 84 && sub <= 91) {
      // load_lane / store_lane: natural alignment 2^k bytes, 16 >> k lanes.
      const k = (sub - 84) & 3;
      this.memarg(instr, k);
      this.laneIndex(instr, 16 >> k);
      this.popExpect(V128);
      this.popExpect(I32);
      if (sub <= 87) this.push(V128);
      return;
    }
    throw this.fail("illegal opcode");
  }
}

const EMPTY_SIG: FuncType = { params: [], results: [] };
const III: ValType[] = [I32, I32, I32];

function sameTypes(a: readonly ValType[], b: readonly ValType[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
