/**
 * Per-function translation state: locals, the operand stack simulated at
 * compile time, the control stack, and the structured-control helpers that
 * `translate_operator.ts` uses. Block results and loop parameters travel
 * through allocas written just before every branch to the merge point and
 * read there (mem2reg turns them into phis).
 *
 * Instrumentation (checkpoint/restore) is not done here: at fixed events
 * (entry, loop headers, the edges that carry values, calls) the translator
 * calls the migration hooks it was given (`hooks.ts`), which emit their code
 * and hand back values for the operand stack.
 *
 * @module
 */
import llvm from "npm:llvm-bindings@0.4.2";
import {
  type BlockType,
  type FuncType,
  type Instr,
  ValType,
} from "../wasm/types.ts";
import { makesCalls } from "../wasm/body_shape.ts";
import {
  FuncRefField,
  InstanceField,
  llvmValueType,
  nativeFunctionType,
  packResults,
  unpackResults,
} from "./abi.ts";
import type {
  FunctionHooks,
  MigrationHooks,
  TranslatorAccess,
} from "./hooks.ts";
import { accumulatingLoops } from "./load_keeping.ts";
import { translateOperator } from "./translate_operator.ts";
import type {
  CallTarget,
  ControlFrame,
  FunctionTranslator,
  ModuleContext,
  ScalarTypes,
  StackValue,
} from "./translator.ts";
import { Op } from "../wasm/instructions.ts";

/**
 * The translation of one defined function: what instruction lowering uses
 * (`FunctionTranslator`), and what the migration hooks may use
 * (`TranslatorAccess`), which it calls at each event (hooks.ts).
 */
export class FunctionTranslation
  implements FunctionTranslator, TranslatorAccess {
  readonly b: llvm.IRBuilder;
  readonly types: ScalarTypes;
  readonly ctx: llvm.LLVMContext;
  readonly fn: llvm.Function;
  readonly inst: llvm.Value;
  readonly locals: { slot: llvm.Value; type: ValType }[] = [];
  readonly stack: StackValue[] = [];
  readonly control: ControlFrame[] = [];
  /** False after br/return/unreachable until the enclosing frame ends. */
  reachable = true;
  /** Current instruction (for error messages). */
  current: Instr | undefined;
  private readonly allocaBuilder: llvm.IRBuilder;
  private readonly entryBlock: llvm.BasicBlock;
  private mem0: llvm.Value | undefined;
  /** The migration hooks of this translation. */
  private readonly hooks: FunctionHooks;
  /**
   * The call-depth counter found at entry, which every return path stores
   * back; undefined in functions that make no calls (a leaf cannot recurse,
   * so the limit counts only non-leaf frames).
   */
  private depthOnEntry: llvm.Value | undefined;
  /** `inst->exec` as loaded at entry (kept live if `hooks.keepsExec`). */
  private execOnEntry: llvm.Value | undefined;
  /** The loops whose loads are kept by accumulators (load_keeping.ts). */
  private accLoops: ReadonlySet<Instr> = new Set();
  /** The open loop of `accLoops`, if any (they contain no other loop). */
  private accLoop: ControlFrame | undefined;
  /** The i32 and i64 accumulator allocas, zero at entry. */
  private accSlots: { i32: llvm.Value; i64: llvm.Value } | undefined;

  /**
   * Translates function `funcIndex` (imports counted) into its LLVM
   * function, or with `resume` into its second one (`mc.resumeFuncs`).
   */
  constructor(
    readonly mc: ModuleContext,
    readonly funcIndex: number,
    migration: MigrationHooks,
    resume = false,
  ) {
    this.ctx = mc.ctx;
    this.b = new llvm.IRBuilder(mc.ctx);
    this.types = {
      i32: this.b.getInt32Ty(),
      i64: this.b.getInt64Ty(),
      f32: this.b.getFloatTy(),
      f64: this.b.getDoubleTy(),
      ptr: this.b.getInt8PtrTy(),
    };
    this.allocaBuilder = new llvm.IRBuilder(mc.ctx);
    const defined = funcIndex - mc.numImportedFuncs;
    this.fn = resume ? mc.resumeFuncs[defined]! : mc.definedFuncs[defined];
    this.inst = this.fn.getArg(0);
    this.entryBlock = llvm.BasicBlock.Create(mc.ctx, "entry", this.fn);
    this.allocaBuilder.SetInsertPoint(this.entryBlock);
    this.hooks = migration.forFunction(this, resume);
  }

  /** Translates the whole body. */
  translate(): void {
    const mc = this.mc;
    const code = mc.wasm.codes[this.funcIndex - mc.numImportedFuncs];
    const type = mc.wasm.types[code.typeIndex];
    for (const t of type.params) this.addLocal(t);
    for (const t of code.locals) this.addLocal(t);
    this.accLoops = accumulatingLoops(code.body);
    const body = llvm.BasicBlock.Create(this.ctx, "body", this.fn);
    this.b.SetInsertPoint(body);
    type.params.forEach((_, i) =>
      this.b.CreateStore(this.fn.getArg(i + 1), this.locals[i].slot)
    );
    for (let i = type.params.length; i < this.locals.length; i++) {
      this.b.CreateStore(this.zero(this.locals[i].type), this.locals[i].slot);
    }
    if (makesCalls(code.body)) {
      this.execOnEntry = this.loadPtr(this.inst, InstanceField.exec);
    }
    this.depthOnEntry = this.hooks.entry(code.body[0], this.execOnEntry);
    if (!this.depthOnEntry && this.execOnEntry) {
      this.depthOnEntry = this.callFn("gwp_enter", [
        this.inst,
        this.execOnEntry,
      ]);
    }
    this.control.push({
      kind: "function",
      params: [],
      results: type.results,
      height: 0,
      endBlock: llvm.BasicBlock.Create(this.ctx, "return", this.fn),
      endReachable: false,
      resultSlots: type.results.map((t) => this.alloca(t)),
    });
    let skipDepth = 0;
    for (const ins of code.body) {
      this.current = ins;
      if (!this.reachable) {
        // Validated but dead: track nesting to find this frame's else/end.
        if (
          ins.op === Op.Block || ins.op === Op.Loop || ins.op === Op.If
        ) skipDepth++;
        else if (ins.op === Op.End && skipDepth > 0) skipDepth--;
        else if (ins.op === Op.End || (ins.op === Op.Else && skipDepth === 0)) {
          translateOperator(this, ins);
        }
        continue;
      }
      translateOperator(this, ins);
    }
    if (this.control.length !== 0) {
      throw this.error("function body does not end");
    }
    this.hooks.finish();
    this.allocaBuilder.CreateBr(body);
  }

  // ---- values -------------------------------------------------------------

  /** Pushes a value. */
  push(value: llvm.Value, type: ValType, floatBits?: bigint): void {
    this.stack.push(
      floatBits === undefined ? { value, type } : { value, type, floatBits },
    );
  }

  /** Pops a value (validated code never underflows). */
  pop(): llvm.Value {
    const top = this.stack.pop();
    if (!top) {
      throw this.error("operand stack underflow (module not validated?)");
    }
    return top.value;
  }

  /** Pops n values, returned bottom first. */
  popN(n: number): llvm.Value[] {
    if (this.stack.length < n) {
      throw this.error("operand stack underflow (module not validated?)");
    }
    return this.stack.splice(this.stack.length - n, n).map((v) => v.value);
  }

  /** The top n values, bottom first, left on the stack. */
  peekN(n: number): llvm.Value[] {
    return this.stack.slice(this.stack.length - n).map((v) => v.value);
  }

  /** The zero (or null) value of a type. */
  zero(t: ValType): llvm.Value {
    const ty = llvmValueType(this.ctx, t);
    if (t === ValType.V128) return llvm.Constant.getNullValue(ty);
    if (ty.isPointerTy()) {
      return llvm.ConstantPointerNull.get(ty as llvm.PointerType);
    }
    if (ty.isFloatTy() || ty.isDoubleTy()) return llvm.ConstantFP.get(ty, 0);
    return llvm.ConstantInt.get(ty, 0);
  }

  /** The builder that appends to the entry block (allocas, invariants). */
  entryBuilder(): llvm.IRBuilder {
    return this.allocaBuilder;
  }

  /** The LLVM type of a Wasm value type. */
  llvmType(t: ValType): llvm.Type {
    return llvmValueType(this.ctx, t);
  }

  /** A new alloca in the entry block. */
  alloca(t: ValType): llvm.Value {
    return this.allocaBuilder.CreateAlloca(llvmValueType(this.ctx, t));
  }

  private addLocal(t: ValType): void {
    this.locals.push({ slot: this.alloca(t), type: t });
  }

  // ---- helpers --------------------------------------------------------------

  /** Restores the call-depth counter before a `ret`. */
  private leaveFrame(): void {
    if (!this.depthOnEntry) return;
    // Reloading inst->exec is cheaper than keeping it in a callee-saved
    // register across the calls, unless the hooks keep it there anyway.
    const exec = this.hooks.keepsExec
      ? this.execOnEntry!
      : this.loadPtr(this.inst, InstanceField.exec);
    this.callFn("gwp_leave", [exec, this.depthOnEntry]);
  }

  /** Calls a prelude helper or runtime function by name. */
  callFn(name: string, args: llvm.Value[]): llvm.Value {
    const f = this.mc.llvmModule.getFunction(name);
    if (!f) throw new Error(`internal error: prelude function ${name} missing`);
    return this.b.CreateCall(f, args);
  }

  /** Loads the pointer-sized field at `offset` bytes from `base`. */
  loadPtr(base: llvm.Value, offset: number): llvm.Value {
    return this.loadField(base, offset, this.b.getInt8PtrTy());
  }

  /** Loads a field of type `ty` at `offset` bytes from `base` (an i8*). */
  loadField(base: llvm.Value, offset: number, ty: llvm.Type): llvm.Value {
    return this.b.CreateLoad(ty, this.fieldPtr(base, offset, ty));
  }

  /** `(ty*)(base + offset)`. */
  fieldPtr(base: llvm.Value, offset: number, ty: llvm.Type): llvm.Value {
    const p = offset === 0
      ? base
      : this.b.CreateGEP(this.b.getInt8Ty(), base, this.b.getInt64(offset));
    return this.b.CreateBitCast(p, llvm.PointerType.getUnqual(ty));
  }

  /** Element `index` of the pointer array at instance field `field`. */
  instanceArrayElem(field: number, index: number | llvm.Value): llvm.Value {
    const arr = this.b.CreateBitCast(
      this.loadPtr(this.inst, field),
      llvm.PointerType.getUnqual(this.b.getInt8PtrTy()),
    );
    const idx = typeof index === "number" ? this.b.getInt64(index) : index;
    return this.b.CreateLoad(
      this.b.getInt8PtrTy(),
      this.b.CreateGEP(this.b.getInt8PtrTy(), arr, idx),
    );
  }

  /** `inst->mem0_base`, loaded once in the entry block (it never moves). */
  memoryBase(): llvm.Value {
    if (!this.mem0) {
      const p = this.allocaBuilder.CreateBitCast(
        this.allocaBuilder.CreateGEP(
          this.b.getInt8Ty(),
          this.inst,
          this.b.getInt64(InstanceField.mem0Base),
        ),
        llvm.PointerType.getUnqual(this.b.getInt8PtrTy()),
      );
      this.mem0 = this.allocaBuilder.CreateLoad(
        this.b.getInt8PtrTy(),
        p,
        "mem0",
      );
    }
    return this.mem0;
  }

  /**
   * A load (`gwp_load_<name>`, of Wasm type `t`) whose value stays alive
   * even if unused: read by an empty asm, or, an integer load in an
   * accumulating loop, OR-ed into an accumulator (load_keeping.ts).
   */
  load(name: string, t: ValType, addr: llvm.Value, offset: number) {
    const args = [this.memoryBase(), addr, this.b.getInt64(offset)];
    if (!this.accLoop || t === ValType.F32 || t === ValType.F64) {
      return this.callFn(`gwp_load_${name}`, args);
    }
    const v = this.callFn(`gwp_load_${name}_raw`, args);
    const slots = this.accumulators();
    const wide = t === ValType.I64;
    const ty = wide ? this.types.i64 : this.types.i32;
    const slot = wide ? slots.i64 : slots.i32;
    this.b.CreateStore(this.b.CreateOr(this.b.CreateLoad(ty, slot), v), slot);
    return v;
  }

  writeFence(): void {
    if (!this.accLoop) this.callFn("gwp_write_fence", []);
  }

  /** The accumulator allocas, made (and zeroed at entry) on first use. */
  private accumulators(): { i32: llvm.Value; i64: llvm.Value } {
    if (!this.accSlots) {
      const eb = this.allocaBuilder;
      const i32 = eb.CreateAlloca(this.types.i32);
      const i64 = eb.CreateAlloca(this.types.i64);
      eb.CreateStore(this.b.getInt32(0), i32);
      eb.CreateStore(this.b.getInt64(0), i64);
      this.accSlots = { i32, i64 };
    }
    return this.accSlots;
  }

  /** Where an accumulating loop is left: the asm reads the accumulators. */
  private keepAccumulators(): void {
    if (!this.accSlots) return;
    const { i32, i64 } = this.types;
    this.callFn("gwp_keep_i32", [this.b.CreateLoad(i32, this.accSlots.i32)]);
    this.callFn("gwp_keep_i64", [this.b.CreateLoad(i64, this.accSlots.i64)]);
  }

  /** Emits a call to `gw_trap(inst, kind)` and ends the block. */
  trap(kind: number): void {
    this.callFn("gw_trap", [this.inst, this.b.getInt32(kind)]);
    this.b.CreateUnreachable();
    this.reachable = false;
  }

  /** Resolves a block type to its signature. */
  blockSignature(bt: BlockType | undefined): FuncType {
    if (!bt || bt.kind === "empty") return { params: [], results: [] };
    if (bt.kind === "value") return { params: [], results: [bt.type] };
    return this.mc.wasm.types[bt.typeIndex];
  }

  /** An error naming the function and the current instruction's offset. */
  error(message: string): Error {
    const where = this.current
      ? `, offset 0x${this.current.offset.toString(16)}`
      : "";
    return new Error(`${message} (function ${this.funcIndex}${where})`);
  }

  // ---- structured control -----------------------------------------------

  /** block / loop / if. */
  enter(kind: "block" | "loop" | "if", bt: BlockType | undefined): void {
    const sig = this.blockSignature(bt);
    const frame: ControlFrame = {
      kind,
      params: sig.params,
      results: sig.results,
      height: this.stack.length - sig.params.length,
      endBlock: llvm.BasicBlock.Create(this.ctx, `${kind}.end`, this.fn),
      endReachable: false,
      resultSlots: sig.results.map((t) => this.alloca(t)),
    };
    if (kind === "if") {
      const cond = this.b.CreateICmpNE(this.pop(), this.b.getInt32(0));
      frame.height = this.stack.length - sig.params.length;
      frame.entryStack = this.stack.slice(0, frame.height);
      const thenBlock = llvm.BasicBlock.Create(this.ctx, "if.then", this.fn);
      frame.elseBlock = llvm.BasicBlock.Create(this.ctx, "if.else", this.fn);
      frame.paramValues = this.peekN(sig.params.length);
      frame.sawElse = false;
      this.b.CreateCondBr(cond, thenBlock, frame.elseBlock);
      this.b.SetInsertPoint(thenBlock);
    } else if (kind === "loop") {
      frame.header = llvm.BasicBlock.Create(this.ctx, "loop", this.fn);
      frame.paramSlots = sig.params.map((t) => this.alloca(t));
      this.storeAll(frame.paramSlots, this.popN(sig.params.length));
      this.hooks.beforeLoop(this.stack);
      this.b.CreateBr(frame.header);
      this.b.SetInsertPoint(frame.header);
      const below = this.hooks.atLoopHeader(this.stack);
      this.stack.splice(0, this.stack.length, ...below);
      sig.params.forEach((t, i) =>
        this.push(
          this.b.CreateLoad(llvmValueType(this.ctx, t), frame.paramSlots![i]),
          t,
        )
      );
    }
    frame.entryStack ??= this.stack.slice(0, frame.height);
    this.control.push(frame);
    this.hooks.blockEntered(frame);
    if (kind === "loop" && this.accLoops.has(this.current!)) {
      this.accLoop = frame;
    }
    if (kind === "loop") {
      this.hooks.loopHeader(frame, this.current!, this.stack);
    }
  }

  /** else. */
  else_(): void {
    const frame = this.control[this.control.length - 1];
    if (frame.kind !== "if" || frame.sawElse) {
      throw this.error("else without if");
    }
    this.fallThroughToEnd(frame);
    // The then-branch may have replaced them (atBlockEnd, afterCall).
    this.stack.splice(0, this.stack.length, ...frame.entryStack!);
    this.b.SetInsertPoint(frame.elseBlock!);
    frame.params.forEach((t, i) => this.push(frame.paramValues![i], t));
    frame.sawElse = true;
    this.reachable = true;
  }

  /** end. */
  end(): void {
    const frame = this.control.pop();
    if (!frame) throw this.error("end without a block");
    this.fallThroughToEnd(frame);
    if (frame.kind === "if" && !frame.sawElse) {
      // No else: the parameters become the results.
      this.b.SetInsertPoint(frame.elseBlock!);
      this.storeAll(frame.resultSlots, frame.paramValues!);
      this.hooks.beforeBlockExit(frame.entryStack!);
      this.b.CreateBr(frame.endBlock);
      frame.endReachable = true;
    }
    this.stack.length = frame.height;
    const accumulated = frame === this.accLoop;
    if (accumulated) this.accLoop = undefined;
    if (!frame.endReachable) {
      // An accumulating loop's last instruction falls through.
      if (accumulated) throw this.error("internal error: loop end unreached");
      frame.endBlock.eraseFromParent();
      this.reachable = false;
      return;
    }
    this.b.SetInsertPoint(frame.endBlock);
    this.reachable = true;
    if (accumulated) {
      this.keepAccumulators();
      this.writeFence();
    }
    const below = this.hooks.atBlockEnd(frame, this.stack);
    this.stack.splice(0, this.stack.length, ...below);
    const values = frame.results.map((t, i) =>
      this.b.CreateLoad(llvmValueType(this.ctx, t), frame.resultSlots[i])
    );
    if (frame.kind !== "function") {
      frame.results.forEach((t, i) => this.push(values[i], t));
      return;
    }
    this.leaveFrame();
    if (values.length === 0) this.b.CreateRetVoid();
    else {
      this.b.CreateRet(
        packResults(this.b, this.fn.getReturnType(), frame.results, values),
      );
    }
    this.reachable = false;
  }

  private fallThroughToEnd(frame: ControlFrame): void {
    if (!this.reachable) return;
    this.storeAll(frame.resultSlots, this.peekN(frame.results.length));
    this.hooks.beforeBlockExit(this.stack.slice(0, frame.height));
    this.b.CreateBr(frame.endBlock);
    frame.endReachable = true;
  }

  private storeAll(slots: llvm.Value[], values: llvm.Value[]): void {
    slots.forEach((s, i) => this.b.CreateStore(values[i], s));
  }

  /** The frame `depth` labels out, its branch block, after writing its values. */
  private prepareBranch(depth: number): llvm.BasicBlock {
    const frame = this.control[this.control.length - 1 - depth];
    if (!frame) throw this.error(`unknown label ${depth}`);
    if (frame.kind === "loop") {
      this.storeAll(frame.paramSlots!, this.peekN(frame.params.length));
      return frame.header!;
    }
    this.storeAll(frame.resultSlots, this.peekN(frame.results.length));
    this.hooks.beforeBlockExit(this.stack.slice(0, frame.height));
    frame.endReachable = true;
    return frame.endBlock;
  }

  /** br depth. */
  br(depth: number): void {
    this.b.CreateBr(this.prepareBranch(depth));
    this.reachable = false;
  }

  /** br_if depth. */
  brIf(depth: number): void {
    const cond = this.b.CreateICmpNE(this.pop(), this.b.getInt32(0));
    const target = this.prepareBranch(depth);
    const cont = llvm.BasicBlock.Create(this.ctx, "br_if.cont", this.fn);
    this.b.CreateCondBr(cond, target, cont);
    this.b.SetInsertPoint(cont);
  }

  /** br_table labels (default last). */
  brTable(labels: number[]): void {
    const index = this.pop();
    const targets = new Map<number, llvm.BasicBlock>();
    for (const d of labels) {
      if (!targets.has(d)) targets.set(d, this.prepareBranch(d));
    }
    const def = targets.get(labels[labels.length - 1])!;
    const sw = this.b.CreateSwitch(index, def, labels.length - 1);
    for (let i = 0; i < labels.length - 1; i++) {
      sw.addCase(this.b.getInt32(i), targets.get(labels[i])!);
    }
    this.reachable = false;
  }

  /** return. */
  return_(): void {
    this.br(this.control.length - 1);
  }

  // ---- calls ----------------------------------------------------------------

  /**
   * Calls a Wasm function of type `type` (`target` says how to find it) with
   * the arguments from the stack; pushes the results.
   */
  emitCall(type: FuncType, target: CallTarget): void {
    const fnType = nativeFunctionType(this.ctx, type);
    const args = this.popN(type.params.length);
    const site = {
      ins: this.current!,
      type,
      fnType,
      target,
      args,
      below: this.stack.slice(),
    };
    this.hooks.beforeCall(site);
    const call = this.callTarget(fnType, target, args);
    const results = unpackResults(this.b, call, type.results).map((
      value,
      i,
    ) => ({ value, type: type.results[i] }));
    const after = this.hooks.afterCall(site, results);
    if (after) this.stack.splice(0, this.stack.length, ...after.below);
    this.stack.push(...(after?.results ?? results));
  }

  /** Emits the call instruction itself (instance first, then `args`). */
  callTarget(
    fnType: llvm.FunctionType,
    target: CallTarget,
    args: llvm.Value[],
  ): llvm.Value {
    if (target.kind === "defined") {
      return this.b.CreateCall(fnType, target.fn, [this.inst, ...args]);
    }
    if (target.kind === "code") {
      const code = this.b.CreateBitCast(
        target.code,
        llvm.PointerType.getUnqual(fnType),
      );
      return this.b.CreateCall(fnType, code, [target.instance, ...args]);
    }
    const fr = target.kind === "import"
      ? this.instanceArrayElem(InstanceField.funcs, target.index)
      : target.funcref;
    const code = this.b.CreateBitCast(
      this.loadPtr(fr, FuncRefField.code),
      llvm.PointerType.getUnqual(fnType),
    );
    const calleeInst = this.loadPtr(fr, FuncRefField.instance);
    return this.b.CreateCall(fnType, code, [calleeInst, ...args]);
  }
}
