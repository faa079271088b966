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
import {
  allInstructions,
  Imm,
  type InstrInfo,
  Op,
} from "../wasm/instructions.ts";

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

/** The instructions the table types by a signature, by opcode. */
const SIGNED = new Map<number, InstrInfo>();
for (const info of allInstructions()) {
  if (info.params !== null) SIGNED.set(info.op, info);
}

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
    return frame.op === Op.Loop ? frame.start : frame.end;
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
    this.pushCtrl(Op.Block, [], type.results);
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
    const info = SIGNED.get(op);
    if (info) {
      this.immediates(instr, info);
      this.popAll(info.params!);
      this.pushAll(info.results!);
      return;
    }
    switch (op) {
      case Op.Unreachable:
        this.setUnreachable();
        return;
      case Op.Nop:
        return;
      case Op.Block:
      case Op.Loop:
      case Op.If: {
        const t = this.blockSig(instr);
        if (op === Op.If) this.popExpect(I32);
        this.popAll(t.params);
        this.pushCtrl(op, t.params, t.results);
        return;
      }
      case Op.Else: {
        const frame = this.ctrls[this.ctrls.length - 1];
        if (frame.op !== Op.If) throw this.fail("else without if");
        this.popCtrl();
        this.pushCtrl(Op.Else, frame.start, frame.end);
        return;
      }
      case Op.End: {
        const frame = this.popCtrl();
        if (frame.op === Op.If && !sameTypes(frame.start, frame.end)) {
          throw this.fail("type mismatch");
        }
        this.pushAll(frame.end);
        return;
      }
      case Op.Br:
        this.popAll(this.labelTypes(this.label(instr.index!)));
        this.setUnreachable();
        return;
      case Op.BrIf: {
        const types = this.labelTypes(this.label(instr.index!));
        this.popExpect(I32);
        this.popAll(types);
        this.pushAll(types);
        return;
      }
      case Op.BrTable: {
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
      case Op.Return:
        this.popAll(funcType.results);
        this.setUnreachable();
        return;
      case Op.Call: {
        const t = this.funcType(instr.index!);
        this.popAll(t.params);
        this.pushAll(t.results);
        return;
      }
      case Op.CallIndirect: {
        const table = this.table(instr.index2!);
        if (table.elemType !== FUNCREF) throw this.fail("type mismatch");
        const t = this.c.types[instr.index!];
        if (!t) throw this.fail(`unknown type ${instr.index}`);
        this.popExpect(I32);
        this.popAll(t.params);
        this.pushAll(t.results);
        return;
      }
      case Op.Drop:
        this.pop();
        return;
      case Op.Select: {
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
      case Op.SelectT: { // select t
        const types = instr.valTypes!;
        if (types.length !== 1) throw this.fail("invalid result arity");
        this.popExpect(I32);
        this.popExpect(types[0]);
        this.popExpect(types[0]);
        this.push(types[0]);
        return;
      }
      case Op.LocalGet:
        this.push(this.local(instr.index!));
        return;
      case Op.LocalSet:
        this.popExpect(this.local(instr.index!));
        return;
      case Op.LocalTee: {
        const t = this.local(instr.index!);
        this.popExpect(t);
        this.push(t);
        return;
      }
      case Op.GlobalGet:
        this.push(this.global(instr.index!).type);
        return;
      case Op.GlobalSet: {
        const g = this.global(instr.index!);
        if (!g.mutable) throw this.fail("global is immutable");
        this.popExpect(g.type);
        return;
      }
      case Op.TableGet: {
        const t = this.table(instr.index!);
        this.popExpect(I32);
        this.push(t.elemType);
        return;
      }
      case Op.TableSet: {
        const t = this.table(instr.index!);
        this.popExpect(t.elemType);
        this.popExpect(I32);
        return;
      }
      case Op.MemorySize:
        this.memory(instr.index ?? 0);
        this.push(I32);
        return;
      case Op.MemoryGrow:
        this.memory(instr.index ?? 0);
        this.popExpect(I32);
        this.push(I32);
        return;
      case Op.I32Const:
        this.push(I32);
        return;
      case Op.I64Const:
        this.push(I64);
        return;
      case Op.F32Const:
        this.push(F32);
        return;
      case Op.F64Const:
        this.push(F64);
        return;
      case Op.RefNull:
        this.push(instr.refType!);
        return;
      case Op.RefIsNull: {
        const t = this.pop();
        if (!isRef(t)) throw this.fail("type mismatch");
        this.push(I32);
        return;
      }
      case Op.RefFunc:
        this.funcType(instr.index!);
        if (!this.c.refs.has(instr.index!)) {
          throw this.fail("undeclared function reference");
        }
        this.push(FUNCREF);
        return;
      case Op.MemoryInit:
        this.memory(instr.index2 ?? 0);
        this.data(instr.index!);
        this.popAll(III);
        return;
      case Op.DataDrop:
        this.data(instr.index!);
        return;
      case Op.MemoryCopy:
        this.memory(instr.index ?? 0);
        this.memory(instr.index2 ?? 0);
        this.popAll(III);
        return;
      case Op.MemoryFill:
        this.memory(instr.index ?? 0);
        this.popAll(III);
        return;
      case Op.TableInit: {
        const t = this.table(instr.index2!);
        const e = this.elem(instr.index!);
        if (t.elemType !== e) throw this.fail("type mismatch");
        this.popAll(III);
        return;
      }
      case Op.ElemDrop:
        this.elem(instr.index!);
        return;
      case Op.TableCopy: {
        const dst = this.table(instr.index!);
        const src = this.table(instr.index2!);
        if (dst.elemType !== src.elemType) throw this.fail("type mismatch");
        this.popAll(III);
        return;
      }
      case Op.TableGrow: {
        const t = this.table(instr.index!);
        this.popExpect(I32);
        this.popExpect(t.elemType);
        this.push(I32);
        return;
      }
      case Op.TableSize:
        this.table(instr.index!);
        this.push(I32);
        return;
      case Op.TableFill: {
        const t = this.table(instr.index!);
        this.popExpect(I32);
        this.popExpect(t.elemType);
        this.popExpect(I32);
        return;
      }
    }
    throw this.fail("illegal opcode");
  }

  /** Checks the immediates of an instruction the table types. */
  private immediates(instr: Instr, info: InstrInfo): void {
    switch (info.imm) {
      case Imm.MemArg:
        this.memarg(instr, info.natural!);
        return;
      case Imm.Lane:
        this.laneIndex(instr, info.lanes!);
        return;
      case Imm.MemArgLane:
        this.memarg(instr, info.natural!);
        this.laneIndex(instr, info.lanes!);
        return;
      case Imm.Shuffle:
        for (const b of instr.bytes!) {
          if (b >= 32) throw this.fail("invalid lane index");
        }
        return;
    }
  }
}

const EMPTY_SIG: FuncType = { params: [], results: [] };
const III: ValType[] = [I32, I32, I32];

function sameTypes(a: readonly ValType[], b: readonly ValType[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
