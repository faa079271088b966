/**
 * Whole-module code generation: one internal LLVM function per defined Wasm
 * function, one trampoline per type, and the two exported tables
 * `gw_func_code` and `gw_trampolines` that the module descriptor points at
 * (see runtime/godwit.h).
 *
 * @module
 */
import llvm from "npm:llvm-bindings@0.4.2";
import {
  ExternKind,
  type FuncType,
  type Module,
  ValType,
} from "../wasm/types.ts";
import {
  GW_VALUE_SIZE,
  llvmValueType,
  nativeFunctionType,
  registerV128Type,
  unpackResults,
} from "./abi.ts";
import { FunctionTranslation } from "./function.ts";
import { type MigrationHooks, NO_MIGRATION } from "./hooks.ts";
import type { ModuleContext } from "./translator.ts";
import { parsePrelude } from "./prelude.ts";
import { simdPreludeIR } from "./simd/index.ts";
import { shuffleName } from "./simd/lanes.ts";
import { type SimdTarget, simdTarget } from "./simd/helper.ts";
import { isSimd, Op } from "../wasm/instructions.ts";
import type { PointInfo } from "../instrument/points.ts";
import { checkpointRestore } from "../instrument/checkpoint.ts";

/** Code generation options. */
export interface CodegenOptions {
  /** "x86_64-pc-linux-gnu" or "aarch64-unknown-linux-gnu". */
  targetTriple: string;
  /**
   * Checkpoint/restore instrumentation (polls, frame saves, resume
   * dispatch; see compiler/instrument/checkpoint.ts). Default true; false is
   * the `--no-cr` build, which has no migration points.
   */
  cr?: boolean;
  /**
   * With `cr`: poll at every migration point, also those the default
   * policy leaves without a poll (compiler/instrument/poll_policy.ts). The
   * spec harness's `--cr` uses it to checkpoint at every point; slower.
   */
  crPollEverywhere?: boolean;
  /**
   * The CPU the generated functions are tuned for (their "tune-cpu"
   * attribute, which overrides the tuning of llc's `-mcpu`). Default
   * "generic", as clang uses without `-mtune`: llc's x86-64-v2 tuning turns
   * rotates into SHLD, several times slower on AMD Zen.
   */
  tuneCpu?: string;
}

/** The result of code generation. */
export interface TranslatedModule {
  /** Writes LLVM bitcode to `path`. */
  writeBitcode(path: string): void;
  /** The textual LLVM IR (for `--emit llvm`). */
  printIR(): string;
  /**
   * The migration points (`gw_module_desc.points`; point id = index, the
   * points of a function contiguous). Empty when `cr` is false.
   */
  points: PointInfo[];
}

/** Translates a validated module; returns the LLVM module (with prelude linked in). */
export function translateModule(
  module: Module,
  options: CodegenOptions,
): TranslatedModule {
  const funcTypeIndices: number[] = [];
  const globalTypes: ValType[] = [];
  for (const imp of module.imports) {
    if (imp.kind === ExternKind.Func) funcTypeIndices.push(imp.typeIndex);
    if (imp.kind === ExternKind.Global) globalTypes.push(imp.global.type);
  }
  const numImportedFuncs = funcTypeIndices.length;
  funcTypeIndices.push(...module.functions);
  globalTypes.push(...module.globals.map((g) => g.type.type));
  if (module.codes.length !== module.functions.length) {
    throw new Error(
      "function and code section counts differ (module not validated?)",
    );
  }

  // The migration hooks (hooks.ts) may ask for a second version of a
  // function: with C/R, the resume clone of every function that can be on
  // the stack of a snapshot (compiler/instrument/checkpoint.ts).
  const migration: MigrationHooks = options.cr ?? true
    ? checkpointRestore(module, options.crPollEverywhere ?? false)
    : NO_MIGRATION;
  const resumable = module.functions.map((_, i) =>
    migration.needsResumeClone(numImportedFuncs + i)
  );

  // The functions come from stub definitions in IR text, the only way to
  // give them attributes with llvm-bindings; their bodies are replaced.
  const symbols = module.functions.map((_, i) =>
    functionSymbol(module, numImportedFuncs + i)
  );
  const resumeSymbols = symbols.map((s, i) =>
    resumable[i] ? `${s}.resume` : undefined
  );
  const ctx = new llvm.LLVMContext();
  const llvmModule = parsePrelude(
    ctx,
    simdPrelude(module, simdTarget(options.targetTriple)) + functionStubsIR(
      module.functions.map((typeIndex) => module.types[typeIndex]),
      symbols,
      resumeSymbols,
      options.tuneCpu ?? "generic",
    ),
  );
  registerV128Type(
    ctx,
    llvmModule.getFunction("gwp_cr_get_v128")!.getReturnType(),
  );
  llvmModule.setTargetTriple(options.targetTriple);
  llvmModule.setModuleIdentifier?.("godwit");
  const stub = (name: string) => {
    const fn = llvmModule.getFunction(name);
    if (!fn) throw new Error(`internal error: function stub ${name} missing`);
    fn.getEntryBlock().eraseFromParent();
    return fn;
  };
  const definedFuncs = symbols.map(stub);
  const resumeFuncs = resumeSymbols.map((s) => s === undefined ? s : stub(s));
  const mc: ModuleContext = {
    ctx,
    llvmModule,
    wasm: module,
    definedFuncs,
    numImportedFuncs,
    funcTypeIndices,
    globalTypes,
    resumeFuncs,
  };
  for (let i = 0; i < definedFuncs.length; i++) {
    const index = numImportedFuncs + i;
    new FunctionTranslation(mc, index, migration).translate();
    if (resumable[i]) {
      new FunctionTranslation(mc, index, migration, true).translate();
    }
  }

  const i8p = llvm.Type.getInt8PtrTy(ctx);
  const asPointer = (f: llvm.Function | undefined) =>
    f
      ? llvm.ConstantExpr.getBitCast(f, i8p)
      : llvm.ConstantPointerNull.get(i8p as llvm.PointerType);
  exportPointerArray(
    llvmModule,
    "gw_func_code",
    definedFuncs.map(asPointer),
    i8p,
  );
  exportPointerArray(
    llvmModule,
    "gw_func_resume",
    resumeFuncs.map(asPointer),
    i8p,
  );
  const trampolines = module.types.map((t, i) =>
    llvm.ConstantExpr.getBitCast(buildTrampoline(ctx, llvmModule, t, i), i8p)
  );
  exportPointerArray(llvmModule, "gw_trampolines", trampolines, i8p);

  if (llvm.verifyModule(llvmModule)) {
    throw new Error("internal error: generated LLVM IR does not verify");
  }
  return {
    writeBitcode: (path) => llvm.WriteBitcodeToFile(llvmModule, path),
    printIR: () => llvmModule.print(),
    points: migration.points,
  };
}

/**
 * The SIMD prelude the module needs (compiler/codegen/simd/), or "" when it
 * has no SIMD instruction: with one helper per distinct shuffle mask.
 */
function simdPrelude(module: Module, target: SimdTarget): string {
  let simd = false;
  const masks = new Map<string, Uint8Array>();
  for (const code of module.codes) {
    for (const ins of code.body) {
      if (!isSimd(ins.op)) continue;
      simd = true;
      if (ins.op === Op.I8x16Shuffle) {
        masks.set(shuffleName(ins.bytes!), ins.bytes!);
      }
    }
  }
  return simd ? simdPreludeIR(masks.values(), target) : "";
}

/**
 * `define internal` stubs (body `unreachable`) of the defined functions with
 * their native signatures and the tuning attribute.
 */
function functionStubsIR(
  types: readonly FuncType[],
  symbols: readonly string[],
  resumeSymbols: readonly (string | undefined)[],
  tuneCpu: string,
): string {
  const valueType = (t: ValType) => irValueType[t] ?? "i8*";
  // As llvmResultType: in a struct, floats as their bit patterns.
  const resultType = (results: readonly ValType[]) =>
    results.length === 0
      ? "void"
      : results.length === 1
      ? valueType(results[0])
      : `{ ${
        results.map((t) => valueType(floatBitsType[t] ?? t)).join(", ")
      } }`;
  const stub = (type: FuncType, symbol: string, attrs: number) =>
    `define internal ${resultType(type.results)} @"${symbol}"(${
      ["i8*", ...type.params.map(valueType)].join(", ")
    }) #${attrs} {\n  unreachable\n}`;
  // A resume clone is called only on a restore path: never inlined there.
  const stubs = types.flatMap((type, i) => [
    stub(type, symbols[i], STUB_ATTRS),
    ...(resumeSymbols[i]
      ? [stub(type, resumeSymbols[i]!, STUB_ATTRS + 1)]
      : []),
  ]);
  return `\n${stubs.join("\n")}\n` +
    `attributes #${STUB_ATTRS} = { "tune-cpu"="${tuneCpu}" }\n` +
    `attributes #${STUB_ATTRS + 1} = { noinline "tune-cpu"="${tuneCpu}" }\n`;
}

/** IR text of the value types (references are i8*). */
const irValueType: Partial<Record<ValType, string>> = {
  [ValType.I32]: "i32",
  [ValType.I64]: "i64",
  [ValType.F32]: "float",
  [ValType.F64]: "double",
  [ValType.V128]: "<2 x i64>",
};

/** The integer type a float result travels as in a multi-value struct. */
const floatBitsType: Partial<Record<ValType, ValType>> = {
  [ValType.F32]: ValType.I32,
  [ValType.F64]: ValType.I64,
};

/** The attribute group number of the stubs (the prelude text uses none). */
const STUB_ATTRS = 9000;

/** A readable, unique symbol: `f<index>` plus the name-section name if any. */
function functionSymbol(module: Module, funcIndex: number): string {
  const name = module.funcNames.get(funcIndex);
  const clean = name?.replace(/[^A-Za-z0-9_.$]/g, "_").slice(0, 64);
  return clean ? `f${funcIndex}.${clean}` : `f${funcIndex}`;
}

function exportPointerArray(
  m: llvm.Module,
  name: string,
  elems: llvm.Constant[],
  i8p: llvm.Type,
): void {
  const type = llvm.ArrayType.get(i8p, elems.length);
  new llvm.GlobalVariable(
    m,
    type,
    true,
    llvm.GlobalValue.LinkageTypes.ExternalLinkage,
    llvm.ConstantArray.get(type, elems),
    name,
  );
}

/** `void tramp(i8* code, i8* inst, gw_value* args, gw_value* results)`. */
function buildTrampoline(
  ctx: llvm.LLVMContext,
  m: llvm.Module,
  type: FuncType,
  index: number,
): llvm.Function {
  const { f, b } = trampolineShell(ctx, m, index);
  const slot = (base: llvm.Value, k: number, t: ValType) =>
    b.CreateBitCast(
      b.CreateGEP(b.getInt8Ty(), base, b.getInt64(GW_VALUE_SIZE * k)),
      llvm.PointerType.getUnqual(llvmValueType(ctx, t)),
    );
  const args = type.params.map((t, k) =>
    b.CreateLoad(llvmValueType(ctx, t), slot(f.getArg(2), k, t))
  );
  const fnType = nativeFunctionType(ctx, type);
  const code = b.CreateBitCast(f.getArg(0), llvm.PointerType.getUnqual(fnType));
  const call = b.CreateCall(fnType, code, [f.getArg(1), ...args]);
  unpackResults(b, call, type.results).forEach((v, k) =>
    b.CreateStore(v, slot(f.getArg(3), k, type.results[k]))
  );
  b.CreateRetVoid();
  return f;
}

/**
 * An empty trampoline `void gw_tramp<index>(i8* code, i8* inst, i8* args,
 * i8* results)` (see gw_trampoline in godwit.h) with a builder at its entry.
 */
function trampolineShell(
  ctx: llvm.LLVMContext,
  m: llvm.Module,
  index: number,
): { f: llvm.Function; b: llvm.IRBuilder } {
  const i8p = llvm.Type.getInt8PtrTy(ctx);
  const ft = llvm.FunctionType.get(
    llvm.Type.getVoidTy(ctx),
    [i8p, i8p, i8p, i8p],
    false,
  );
  const f = llvm.Function.Create(
    ft,
    llvm.Function.LinkageTypes.InternalLinkage,
    `gw_tramp${index}`,
    m,
  );
  const b = new llvm.IRBuilder(ctx);
  b.SetInsertPoint(llvm.BasicBlock.Create(ctx, "entry", f));
  return { f, b };
}
