/**
 * Checkpoint/restore instrumentation (the compiler side of docs/snapshot.md's
 * runtime contract): polls at the entry and at loop headers, frame saves
 * after calls, and the resume dispatch. It is the implementation of the
 * migration hooks (compiler/codegen/hooks.ts): the function translator calls
 * it at each event (`entry`, `loopHeader`, `beforeCall`/`afterCall`, ...);
 * it emits code through `TranslatorAccess` and hands values back, and never
 * touches the translator's operand or control stack.
 *
 * Two versions of every function that can be on the stack of a snapshot:
 *
 * - The **normal** version is what runs. It polls (at the points
 *   poll_policy.ts chooses) and saves its frame when a checkpoint unwinds
 *   through it, but it has no way in except its entry: no resume edges, so
 *   its loops and values are shaped as in the `--no-cr` build. (With resume
 *   edges in the same function, every loop header had a phi per live local
 *   for the resume path; fib ran 1.21x its `--no-cr` time, 1.12x without.)
 * - The **resume clone** (`gw_func_resume`) is called only to resume a
 *   frame: by the runtime for the outermost frame, and by a resume clone's
 *   resume path for the next one (its re-issued call goes to the callee's
 *   resume clone; for `call_indirect` the runtime's `gw_cr_resume_code`
 *   finds it). Its entry calls `gw_cr_resume` and dispatches to the saved
 *   point; from there it runs the rest of the function like the normal
 *   version (it polls and saves too), and its other calls go to normal
 *   versions. After a restore, then, only the frames that were on the stack
 *   finish in resume clones.
 *
 * Normal path cost: at the entry and at loop headers, one volatile load
 * of `exec->cr_request` and a branch marked unlikely (at the entry of a
 * function that makes calls, fused with the call-depth check); after every
 * call of a function that can unwind, the same. Everything else lives in
 * cold blocks moved to the end of the function.
 *
 * IR size is linear: every point's save block stores only its stack values
 * and jumps to one shared block that stores the locals; one shared resume
 * block at entry loads the locals, and a point's resume block only its
 * stack values. Operand-stack values that live across a point go through
 * per-(depth, type) allocas that both the normal and the resume path write,
 * so after mem2reg they are phis and the normal path has no extra memory
 * traffic.
 *
 * Resume edges keep loops reducible: a point inside loops is reached from
 * the entry by jumping to the outermost loop's header; every header's slow
 * path dispatches on `exec->cr_dispatch` (set by gw_cr_resume, cleared by
 * the point's resume block) to the next header inward, or to the point's
 * resume block. That needs `exec->cr_request` to stay nonzero while a
 * restore is dispatching (runtime contract).
 *
 * @module
 */
import llvm from "npm:llvm-bindings@0.4.2";
import {
  CrMode,
  FuncRefField,
  InstanceField,
  unpackResults,
} from "../codegen/abi.ts";
import {
  type AfterCall,
  type CallSite,
  type FunctionHooks,
  type MigrationHooks,
  NO_FUNCTION_HOOKS,
  type TranslatorAccess,
} from "../codegen/hooks.ts";
import type {
  CallTarget,
  ControlFrame,
  StackValue,
} from "../codegen/translator.ts";
import { type Instr, type Module, ValType } from "../wasm/types.ts";
import {
  type FunctionPolls,
  type PollPolicy,
  pollPolicy,
} from "./poll_policy.ts";
import { type PointInfo, pointInfo, PointKind } from "./points.ts";

/** The `gwp_cr_put_*`/`gwp_cr_get_*` helpers of each value type. */
const SLOT_SUFFIX: Record<number, string> = {
  [ValType.I32]: "i32",
  [ValType.I64]: "i64",
  [ValType.F32]: "f32",
  [ValType.F64]: "f64",
  [ValType.FuncRef]: "ref",
  [ValType.ExternRef]: "ref",
  [ValType.V128]: "v128",
};

/** A value that is both saved at a point and carried across it. */
interface TypedValue {
  value: llvm.Value;
  type: ValType;
}

/**
 * The checkpoint/restore implementation of the migration hooks for
 * `module`; `pollEverywhere` polls at every point (poll_policy.ts).
 */
export function checkpointRestore(
  module: Module,
  pollEverywhere = false,
): MigrationHooks {
  return new ModuleCheckpointing(pollPolicy(module, pollEverywhere));
}

/** The module's points, and the hooks of each function translation. */
class ModuleCheckpointing implements MigrationHooks {
  readonly points: PointInfo[] = [];
  /** The id of each instrumented function's first point. */
  private readonly firstPoints = new Map<number, number>();

  constructor(readonly polls: PollPolicy) {}

  /** Every function that can be on the stack of a snapshot has a clone. */
  needsResumeClone(funcIndex: number): boolean {
    return this.polls.of(funcIndex).instrumented;
  }

  forFunction(fx: TranslatorAccess, resume: boolean): FunctionHooks {
    const polls = this.polls.of(fx.funcIndex);
    if (!polls.instrumented) return NO_FUNCTION_HOOKS;
    if (!resume) this.firstPoints.set(fx.funcIndex, this.points.length);
    const first = resume ? this.firstPoints.get(fx.funcIndex) : undefined;
    if (resume && first === undefined) {
      throw new Error(
        `internal error: function ${fx.funcIndex}'s resume clone translated before it`,
      );
    }
    return new FunctionCheckpointing(fx, this, polls, first);
  }
}

/** A call being instrumented, from `beforeCall` to `afterCall`. */
interface OpenCall {
  id: number;
  /** Where the normal and the resume path meet after the call. */
  merge: llvm.BasicBlock;
  /** The values saved at the point: `below`, then `extra`. */
  saved: TypedValue[];
  below: readonly StackValue[];
}

interface LocalPoint {
  id: number;
  /** Enclosing loops (outermost first) the dispatch passes through. */
  loops: LoopState[];
  resume: llvm.BasicBlock;
}

interface LoopState {
  header: llvm.BasicBlock;
  dispatch: llvm.SwitchInst;
}

/** Emits the C/R instrumentation of one function as it is translated. */
class FunctionCheckpointing implements FunctionHooks {
  /** The polls and save paths use `inst->exec` after calls anyway. */
  readonly keepsExec = true;
  private readonly b: llvm.IRBuilder;
  private readonly ctx: llvm.LLVMContext;
  private readonly exec: llvm.Value;
  /** i8* alloca that gw_cr_resume fills with the frame's values. */
  private readonly resumeSlots: llvm.Value;
  private readonly points: LocalPoint[] = [];
  private readonly loops = new Map<ControlFrame, LoopState>();
  /** How many points existed when each open block was entered. */
  private readonly pointsAtEntry = new Map<ControlFrame, number>();
  /** The call between `beforeCall` and `afterCall`, if instrumented. */
  private openCall: OpenCall | undefined;
  private readonly stackSlots = new Map<string, llvm.Value>();
  private readonly coldBlocks: llvm.BasicBlock[] = [];
  /** The shared resume block (after gw_cr_resume and the locals' loads). */
  private entryResume: llvm.BasicBlock | undefined;
  /** The resumed point's id (defined in `entryResume`). */
  private resumeId: llvm.Value | undefined;
  /** The shared save block and its phi of the frame's value array. */
  private sharedSave:
    | { block: llvm.BasicBlock; slots: llvm.PHINode }
    | undefined;
  private unreachableBlock: llvm.BasicBlock | undefined;
  /** The `loop` instructions whose header has no poll. */
  private readonly unpolled: ReadonlySet<Instr>;
  /** Types of the locals (one array, so point types are cached). */
  private localTypes: ValType[] = [];
  /**
   * In a function that makes calls: `inst->exec` as the body loaded it and
   * the call-depth counter at entry, which the save path stores back.
   */
  private frameDepth: { exec: llvm.Value; depth: llvm.Value } | undefined;

  /** In the resume clone: the id of the function's first point. */
  private readonly firstPoint: number | undefined;
  /** Points created so far in this function. */
  private numPoints = 0;
  /** Whether this is the resume clone (else the normal version). */
  private get resuming(): boolean {
    return this.firstPoint !== undefined;
  }

  /**
   * Instruments `fx`'s function; with `resumeFirstPoint` (the id of the
   * function's first point, already registered by the original) its resume
   * clone.
   */
  constructor(
    private readonly fx: TranslatorAccess,
    private readonly module: ModuleCheckpointing,
    polls: FunctionPolls,
    resumeFirstPoint?: number,
  ) {
    this.firstPoint = resumeFirstPoint;
    this.b = fx.b;
    this.ctx = fx.ctx;
    const eb = fx.entryBuilder();
    const i8p = this.b.getInt8PtrTy();
    this.exec = eb.CreateLoad(
      i8p,
      eb.CreateBitCast(
        eb.CreateGEP(
          this.b.getInt8Ty(),
          fx.inst,
          this.b.getInt64(InstanceField.exec),
        ),
        llvm.PointerType.getUnqual(i8p),
      ),
      "exec",
    );
    this.resumeSlots = eb.CreateAlloca(i8p);
    this.unpolled = polls.unpolledLoops;
  }

  // ---- points ---------------------------------------------------------------

  /**
   * The entry point: the builder is after the parameters were stored. In a
   * function that makes calls (`exec` given), the poll is fused with the
   * call-depth check: `depth <= exec->cr_request` is true when the depth is
   * used up or any request bit is set (they are all above any depth limit).
   * Returns the depth counter (read before the point: its save path stores
   * it back).
   */
  entry(first: Instr, exec: llvm.Value | undefined): llvm.Value | undefined {
    const depth = exec ? this.fx.callFn("gwp_depth", [exec]) : undefined;
    if (exec && depth) this.frameDepth = { exec, depth };
    this.localTypes = this.fx.locals.map((l) => l.type);
    const id = this.newPoint(PointKind.Entry, first.offset, []);
    const cont = this.block("entry.cont", false);
    if (this.resuming) {
      // Called only to resume a frame: count it, then dispatch.
      if (exec && depth) this.fx.callFn("gwp_enter", [this.fx.inst, exec]);
      this.entryResume = this.block("cr.resume");
      this.b.CreateBr(this.entryResume);
      this.buildSharedResume();
      const resume = this.resumeBlock(id, []);
      this.b.CreateBr(cont);
      this.points.push({ id, loops: [], resume });
      this.b.SetInsertPoint(cont);
      return depth;
    }
    const slow = this.block("cr.entry.slow");
    if (exec && depth) {
      const fx = this.fx;
      const ok = this.block("entry.ok", false);
      this.branchIf(fx.callFn("gwp_enter_pending", [exec, depth]), slow, ok);
      this.b.SetInsertPoint(ok);
      fx.callFn("gwp_leave", [
        exec,
        this.b.CreateSub(depth, this.b.getInt64(1)),
      ]);
      this.b.CreateBr(cont);
      this.b.SetInsertPoint(slow);
      // Traps if the depth is used up; else counts this frame like `ok`.
      fx.callFn("gwp_enter", [fx.inst, exec]);
    } else {
      this.branchIfPending(slow, cont);
      this.b.SetInsertPoint(slow);
    }
    this.pollOrSave(id, [], cont);
    this.b.SetInsertPoint(cont);
    return depth;
  }

  /**
   * Before the branch into a new loop's header: spills the values below the
   * loop's parameters (the resume path writes the same slots).
   */
  beforeLoop(below: readonly StackValue[]): void {
    // The header is also entered by the resume dispatch: values below the
    // parameters reach it through allocas too.
    this.spill(below, 0);
  }

  /** In the new loop's header: the values below the parameters, reloaded. */
  atLoopHeader(below: readonly StackValue[]): StackValue[] {
    return this.reload(below.map((v) => v.type), 0);
  }

  blockEntered(frame: ControlFrame): void {
    this.pointsAtEntry.set(frame, this.numPoints);
  }

  /**
   * Before a branch to a block's end: stores the values below the block
   * (after a point inside the block they are not the ones from its entry).
   */
  beforeBlockExit(below: readonly StackValue[]): void {
    this.spill(below, 0);
  }

  /**
   * At a block's end: after a point inside, the values below it, reloaded
   * (they reach the end through allocas); else they are unchanged.
   */
  atBlockEnd(frame: ControlFrame, below: readonly StackValue[]): StackValue[] {
    const atEntry = this.pointsAtEntry.get(frame);
    this.pointsAtEntry.delete(frame);
    if (atEntry === undefined || this.numPoints <= atEntry) return [...below];
    return this.reload(below.map((v) => v.type), 0);
  }

  /**
   * The loop point, at the header of `frame` (already on the control stack),
   * with the header's operand stack (parameters included).
   */
  loopHeader(
    frame: ControlFrame,
    ins: Instr,
    header: readonly StackValue[],
  ): void {
    const stack = header.map((v) => ({ value: v.value, type: v.type }));
    const id = this.newPoint(
      PointKind.Loop,
      ins.offset,
      stack.map((v) => v.type),
    );
    const body = this.block("loop.body", false);
    if (this.unpolled.has(ins)) {
      // No poll; no point inside either, so no dispatch through here.
      this.b.CreateBr(body);
    } else if (!this.resuming) {
      const slow = this.block("cr.loop.slow");
      this.branchIfPending(slow, body);
      this.b.SetInsertPoint(slow);
      this.pollOrSave(id, stack, body);
    } else {
      const slow = this.block("cr.loop.slow");
      this.branchIfPending(slow, body);

      // A resume on its way to a point inside passes here (in memory, not
      // a register: a value carried around the loop would cost every
      // iteration).
      this.b.SetInsertPoint(slow);
      const target = this.fx.callFn("gwp_cr_dispatch", [this.exec]);
      const dispatchBlock = this.block("cr.loop.dispatch");
      const poll = this.block("cr.loop.poll");
      this.b.CreateCondBr(
        this.b.CreateICmpNE(target, this.b.getInt32(0)),
        dispatchBlock,
        poll,
      );
      this.b.SetInsertPoint(dispatchBlock);
      const dispatch = this.b.CreateSwitch(target, this.unreachable());
      this.loops.set(frame, { header: frame.header!, dispatch });
      this.b.SetInsertPoint(poll);
      this.pollOrSave(id, stack, body);
    }
    if (!this.resuming) {
      this.b.SetInsertPoint(body);
      return;
    }

    // Resume: set the header's inputs and enter it as a branch would.
    const values = this.resumeBlockValues(id, stack.map((v) => v.type));
    const nParams = frame.params.length;
    const nBelow = stack.length - nParams;
    values.slice(0, nBelow).forEach((v, k) =>
      this.b.CreateStore(v.value, this.stackSlot(k, v.type))
    );
    values.slice(nBelow).forEach((v, k) =>
      this.b.CreateStore(v.value, frame.paramSlots![k])
    );
    this.b.CreateBr(frame.header!);
    this.points.push({
      id,
      loops: this.enclosingLoops(frame),
      resume: this.lastResume!,
    });
    this.b.SetInsertPoint(body);
  }

  /**
   * A call point, before the call: the saved stack is the one below the
   * arguments (plus the arguments for imports, plus the callee for
   * call_indirect). A direct call of a function without points is none.
   */
  beforeCall(call: CallSite): void {
    const { ins, target, args, below } = call;
    const mayUnwind = target.kind !== "defined" ||
      this.module.polls.callMayUnwind(target.index);
    if (!mayUnwind) {
      this.openCall = undefined;
      return;
    }
    const extra: TypedValue[] = target.kind === "import"
      ? args.map((value, i) => ({ value, type: call.type.params[i] }))
      : target.kind === "indirect"
      ? [{ value: target.funcref, type: ValType.FuncRef }]
      : [];
    const saved: TypedValue[] = [...below, ...extra];
    const id = this.newPoint(
      target.kind === "import" ? PointKind.ImportCall : PointKind.Call,
      ins.offset,
      saved.map((v) => v.type),
    );
    const merge = this.block("call.cont", false);
    // The normal path's values cross the call in the stack slots.
    this.spill(below, 0);
    this.spill(extra, below.length);
    this.openCall = { id, merge, saved, below };
  }

  /**
   * After the call (the normal path's `results`): the resume path, which
   * re-issues the call, and the check whether the callee is unwinding.
   */
  afterCall(call: CallSite, r1: StackValue[]): AfterCall | undefined {
    const open = this.openCall;
    this.openCall = undefined;
    if (!open) return undefined;
    const fx = this.fx;
    const { fnType, target } = call;
    const { id, merge, saved, below } = open;
    const results = call.type.results;
    this.spill(r1, saved.length);
    this.b.CreateBr(merge);

    // Resume path (resume clone only): reload the frame, re-issue the call
    // to the callee's resume clone (its frame is next on the restore path).
    if (this.resuming) {
      const values = this.resumeBlockValues(id, saved.map((v) => v.type));
      this.spill(values, 0);
      const resumeExtra = values.slice(below.length);
      const resumeArgs = target.kind === "import"
        ? resumeExtra.map((v) => v.value)
        : call.type.params.map((t) => fx.zero(t));
      const r2 = this.emitCall(
        fnType,
        this.resumeCallTarget(target, resumeExtra),
        resumeArgs,
        results,
      );
      this.spill(r2, saved.length);
      this.b.CreateBr(merge);
      this.points.push({
        id,
        loops: this.enclosingLoops(),
        resume: this.lastResume!,
      });
    }

    // After the call: save this frame if the callee is unwinding.
    this.b.SetInsertPoint(merge);
    const after = this.reload([...saved.map((v) => v.type), ...results], 0);
    const cont = this.block("call.after", false);
    const check = this.block("cr.call.check");
    const save = this.saveBlock(id, after.slice(0, saved.length));
    this.branchIfPending(check, cont);
    this.b.SetInsertPoint(check);
    const mode = fx.callFn("gwp_cr_mode", [this.exec]);
    this.b.CreateCondBr(
      this.b.CreateICmpEQ(mode, this.b.getInt64(CrMode.Unwinding)),
      save,
      cont,
    );
    this.b.SetInsertPoint(cont);
    return {
      below: after.slice(0, below.length),
      results: after.slice(saved.length),
    };
  }

  /** After the body: builds the resume dispatch, moves cold code last. */
  finish(): void {
    if (this.entryResume) this.buildDispatch();
    for (const bb of this.coldBlocks) {
      bb.removeFromParent();
      bb.insertInto(this.fx.fn);
    }
  }

  /** Where the re-issued call of a resume path goes. */
  private resumeCallTarget(
    target: CallTarget,
    resumeExtra: readonly TypedValue[],
  ): CallTarget {
    const fx = this.fx;
    if (target.kind === "defined") {
      const fn = fx.mc.resumeFuncs[target.index - fx.mc.numImportedFuncs];
      if (!fn) {
        throw new Error(
          `internal error: function ${target.index} has no resume clone`,
        );
      }
      return { kind: "defined", fn, index: target.index };
    }
    if (target.kind === "indirect") {
      // The saved funcref: the runtime finds its function's resume clone.
      const funcref = resumeExtra[0].value;
      return {
        kind: "code",
        code: fx.callFn("gw_cr_resume_code", [fx.inst, funcref]),
        instance: fx.loadPtr(funcref, FuncRefField.instance),
      };
    }
    return target;
  }

  /** The resume clone's dispatch from its entry to every point. */
  private buildDispatch(): void {
    this.b.SetInsertPoint(this.entryResume!);
    const sw = this.b.CreateSwitch(
      this.resumeId!,
      this.unreachable(),
      this.points.length,
    );
    // Many points share a loop header as the next step: one edge per
    // (switch, destination), through a block of its own, so the header's
    // phis get one incoming value for the resume path, not one per point.
    const via = new Map<
      llvm.SwitchInst,
      Map<llvm.BasicBlock, llvm.BasicBlock>
    >();
    const addCase = (
      s: llvm.SwitchInst,
      id: number,
      dest: llvm.BasicBlock,
      shared: boolean,
    ) => {
      if (!shared) return s.addCase(this.b.getInt32(id), dest);
      let byDest = via.get(s);
      if (!byDest) via.set(s, byDest = new Map());
      let step = byDest.get(dest);
      if (!step) {
        step = this.block("cr.dispatch.step");
        this.b.SetInsertPoint(step);
        this.b.CreateBr(dest);
        byDest.set(dest, step);
      }
      s.addCase(this.b.getInt32(id), step);
    };
    for (const p of this.points) {
      if (p.loops.length === 0) addCase(sw, p.id, p.resume, false);
      else addCase(sw, p.id, p.loops[0].header, true);
      p.loops.forEach((l, i) =>
        i + 1 < p.loops.length
          ? addCase(l.dispatch, p.id, p.loops[i + 1].header, true)
          : addCase(l.dispatch, p.id, p.resume, false)
      );
    }
  }

  // ---- helpers ----------------------------------------------------------------

  private lastResume: llvm.BasicBlock | undefined;

  private newPoint(kind: PointKind, offset: number, stack: ValType[]): number {
    const points = this.module.points;
    if (this.firstPoint !== undefined) {
      // The resume clone: the original registered the same points in order.
      const id = this.firstPoint + this.numPoints++;
      const p = points[id];
      if (p?.kind !== kind || p.offset !== offset) {
        throw new Error(
          `internal error: resume clone point ${id} differs from the original`,
        );
      }
      return id;
    }
    this.numPoints++;
    points.push(
      pointInfo(
        this.fx.funcIndex,
        offset,
        kind,
        this.localTypes,
        stack,
      ),
    );
    return points.length - 1;
  }

  /** Loop states of the enclosing loops, outermost first (minus `except`). */
  private enclosingLoops(except?: ControlFrame): LoopState[] {
    return this.fx.control.flatMap((f) =>
      f.kind === "loop" && f !== except ? [this.loops.get(f)!] : []
    );
  }

  private block(name: string, cold = true): llvm.BasicBlock {
    const bb = llvm.BasicBlock.Create(this.ctx, name, this.fx.fn);
    if (cold) this.coldBlocks.push(bb);
    return bb;
  }

  private unreachable(): llvm.BasicBlock {
    if (!this.unreachableBlock) {
      const ip = this.b.GetInsertBlock();
      this.unreachableBlock = this.block("cr.bad_point");
      this.b.SetInsertPoint(this.unreachableBlock);
      this.b.CreateUnreachable();
      if (ip) this.b.SetInsertPoint(ip);
    }
    return this.unreachableBlock;
  }

  /** `if (unlikely(exec->cr_request != 0)) goto slow; else goto cont`. */
  private branchIfPending(slow: llvm.BasicBlock, cont: llvm.BasicBlock): void {
    this.branchIf(this.fx.callFn("gwp_cr_pending", [this.exec]), slow, cont);
  }

  /** `if (unlikely(cond)) goto slow; else goto cont`. */
  private branchIf(
    cond: llvm.Value,
    slow: llvm.BasicBlock,
    cont: llvm.BasicBlock,
  ): void {
    const expected = this.fx.callFn("llvm.expect.i1", [
      cond,
      this.b.getFalse(),
    ]);
    this.b.CreateCondBr(expected, slow, cont);
  }

  /** `if (gw_cr_poll(inst, id)) save and return; else goto cont`. */
  private pollOrSave(
    id: number,
    stack: readonly TypedValue[],
    cont: llvm.BasicBlock,
  ): void {
    const r = this.fx.callFn("gw_cr_poll", [
      this.fx.inst,
      this.b.getInt32(id),
    ]);
    const save = this.saveBlock(id, stack);
    this.b.CreateCondBr(this.b.CreateICmpNE(r, this.b.getInt32(0)), save, cont);
  }

  /**
   * A cold block that saves the frame at point `id`: gw_cr_save_frame, the
   * `stack` values, then the shared block stores the locals and returns.
   */
  private saveBlock(id: number, stack: readonly TypedValue[]): llvm.BasicBlock {
    const fx = this.fx;
    const ip = this.b.GetInsertBlock();
    const shared = this.sharedSaveBlock();
    const bb = this.block(`cr.save.${id}`);
    this.b.SetInsertPoint(bb);
    const slots = fx.callFn("gw_cr_save_frame", [
      fx.inst,
      this.b.getInt32(id),
    ]);
    stack.forEach((v, k) =>
      this.putValue(slots, fx.locals.length + k, v.type, v.value)
    );
    this.b.CreateBr(shared.block);
    shared.slots.addIncoming(slots, bb);
    if (ip) this.b.SetInsertPoint(ip);
    return bb;
  }

  /** The block every save ends in: stores the locals, leaves, returns. */
  private sharedSaveBlock(): { block: llvm.BasicBlock; slots: llvm.PHINode } {
    if (this.sharedSave) return this.sharedSave;
    const fx = this.fx;
    const ip = this.b.GetInsertBlock();
    const block = this.block("cr.save");
    this.b.SetInsertPoint(block);
    const slots = this.b.CreatePHI(this.b.getInt8PtrTy(), 4, "frame");
    fx.locals.forEach((l, k) =>
      this.putValue(
        slots,
        k,
        l.type,
        this.b.CreateLoad(fx.llvmType(l.type), l.slot),
      )
    );
    // Leaves the frame as a return does.
    if (this.frameDepth) {
      const { exec, depth } = this.frameDepth;
      fx.callFn("gwp_leave", [exec, depth]);
    }
    const rt = fx.fn.getReturnType();
    if (rt.isVoidTy()) this.b.CreateRetVoid();
    else this.b.CreateRet(llvm.Constant.getNullValue(rt));
    if (ip) this.b.SetInsertPoint(ip);
    this.sharedSave = { block, slots };
    return this.sharedSave;
  }

  /**
   * The shared resume block (`entryResume`, builder left where it was):
   * gw_cr_resume, then the locals from the frame's values into their
   * allocas. `finish` adds the dispatch on the resumed point.
   */
  private buildSharedResume(): void {
    const fx = this.fx;
    const ip = this.b.GetInsertBlock();
    const bb = this.entryResume!;
    this.b.SetInsertPoint(bb);
    const id = fx.callFn("gw_cr_resume", [
      fx.inst,
      this.b.getInt32(fx.funcIndex),
      this.resumeSlots,
    ]);
    this.resumeId = id;
    const slots = this.b.CreateLoad(this.b.getInt8PtrTy(), this.resumeSlots);
    fx.locals.forEach((l, k) =>
      this.b.CreateStore(this.getValue(slots, k, l.type), l.slot)
    );
    if (ip) this.b.SetInsertPoint(ip);
  }

  /** Starts a resume block (builder left in it); returns it. */
  private resumeBlock(id: number, stack: ValType[]): llvm.BasicBlock {
    this.resumeBlockValues(id, stack);
    return this.lastResume!;
  }

  /**
   * Starts the resume block of point `id` (builder left in it): clears
   * `exec->cr_dispatch` and returns the saved stack values of types `stack`
   * (the shared resume block has restored the locals).
   */
  private resumeBlockValues(id: number, stack: ValType[]): TypedValue[] {
    const fx = this.fx;
    const bb = this.block(`cr.resume.${id}`);
    this.lastResume = bb;
    this.b.SetInsertPoint(bb);
    // Reloaded: a loop's dispatch is not dominated by the shared block.
    const slots = this.b.CreateLoad(this.b.getInt8PtrTy(), this.resumeSlots);
    this.fx.callFn("gwp_cr_dispatch_done", [this.exec]);
    return stack.map((type, k) => ({
      type,
      value: this.getValue(slots, fx.locals.length + k, type),
    }));
  }

  /** `slots[k] = value` (a gw_value array; see gwp_cr_put_* for why). */
  private putValue(
    slots: llvm.Value,
    k: number,
    t: ValType,
    value: llvm.Value,
  ): void {
    this.fx.callFn(`gwp_cr_put_${SLOT_SUFFIX[t]}`, [
      slots,
      this.b.getInt64(k),
      value,
    ]);
  }

  /** `slots[k]` of type `t`. */
  private getValue(slots: llvm.Value, k: number, t: ValType): llvm.Value {
    return this.fx.callFn(`gwp_cr_get_${SLOT_SUFFIX[t]}`, [
      slots,
      this.b.getInt64(k),
    ]);
  }

  /** The alloca carrying stack depth `k` of type `t` across points. */
  private stackSlot(k: number, t: ValType): llvm.Value {
    const key = `${k}:${t}`;
    let slot = this.stackSlots.get(key);
    if (!slot) {
      slot = this.fx.alloca(t);
      this.stackSlots.set(key, slot);
    }
    return slot;
  }

  /** Stores values into the stack slots from depth `base`. */
  private spill(values: readonly (TypedValue | StackValue)[], base: number) {
    values.forEach((v, k) =>
      this.b.CreateStore(v.value, this.stackSlot(base + k, v.type))
    );
  }

  /** Loads values of `types` from the stack slots from depth `base`. */
  private reload(types: readonly ValType[], base: number): StackValue[] {
    return types.map((type, k) => ({
      type,
      value: this.b.CreateLoad(
        this.fx.llvmType(type),
        this.stackSlot(base + k, type),
      ),
    }));
  }

  private emitCall(
    fnType: llvm.FunctionType,
    target: CallTarget,
    args: llvm.Value[],
    results: readonly ValType[],
  ): TypedValue[] {
    const call = this.fx.callTarget(fnType, target, args);
    return unpackResults(this.b, call, results).map((value, i) => ({
      type: results[i],
      value,
    }));
  }
}
