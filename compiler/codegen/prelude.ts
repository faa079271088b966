/**
 * The prelude: helper functions written as LLVM IR text, for what the
 * llvm-bindings builder cannot express (align-1 loads and stores, function
 * attributes) and for operators whose Wasm semantics need several
 * instructions (trapping division and conversions, NaN-propagating min/max,
 * sign-bit float operations). Every helper is `internal alwaysinline`, so
 * after `opt` nothing of it remains but inlined code; the runtime entry
 * points of godwit.h are declared here too, with their attributes.
 *
 * The prelude is parsed first and becomes the output module: generated
 * functions are added to it, so handles to helpers stay valid and no linking
 * step can rename or drop them.
 *
 * @module
 */
import llvm from "npm:llvm-bindings@0.4.2";
import {
  ExecField,
  FuncRefField,
  GW_VALUE_SIZE,
  TableField,
  TrapKind,
} from "./abi.ts";

/** Hex form of a double, as LLVM IR writes float and double constants. */
function fpHex(x: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return "0x" +
    view.getBigUint64(0).toString(16).toUpperCase().padStart(16, "0");
}

const ATTRS = "alwaysinline nounwind";

function loadsAndStores(): string {
  const out: string[] = [];
  // name, memory type, result type, extension
  const loads: [string, string, string, string][] = [
    ["i32", "i32", "i32", ""],
    ["i64", "i64", "i64", ""],
    ["f32", "float", "float", ""],
    ["f64", "double", "double", ""],
    ["i32_8s", "i8", "i32", "sext"],
    ["i32_8u", "i8", "i32", "zext"],
    ["i32_16s", "i16", "i32", "sext"],
    ["i32_16u", "i16", "i32", "zext"],
    ["i64_8s", "i8", "i64", "sext"],
    ["i64_8u", "i8", "i64", "zext"],
    ["i64_16s", "i16", "i64", "sext"],
    ["i64_16u", "i16", "i64", "zext"],
    ["i64_32s", "i32", "i64", "sext"],
    ["i64_32u", "i32", "i64", "zext"],
  ];
  const addr = `  %a64 = zext i32 %addr to i64
  %ea = add i64 %a64, %off
  %p = getelementptr i8, i8* %base, i64 %ea
  %q = bitcast i8* %p to MT*`;
  // Every load's value is kept by an empty asm that reads it: LLVM must
  // not delete the load when its result is unused or folded away (an
  // out-of-bounds load traps through the guard pages), nor sink it into
  // the paths that use it. The asm touches no memory LLVM can see
  // (inaccessiblememonly) and returns, so loads and stores around it are
  // still combined, hoisted and scheduled; "X" leaves the value where it is.
  // (load_keeping.ts). `_raw` loads are kept by an accumulator instead.
  const keep = (t: string) =>
    `  call void asm "", "X"(${t} %v) inaccessiblememonly nounwind willreturn`;
  for (const [name, mt, rt, ext] of loads) {
    for (const suffix of ["", "_raw"]) {
      const load = `  %v = load ${mt}, ${mt}* %q, align 1` +
        (suffix ? "" : `\n${keep(mt)}`);
      const body = ext
        ? `${load}\n  %r = ${ext} ${mt} %v to ${rt}\n  ret ${rt} %r`
        : `${load}\n  ret ${rt} %v`;
      out.push(
        `define internal ${rt} @gwp_load_${name}${suffix}(i8* %base, i32 %addr, i64 %off) ${ATTRS} {\n${
          addr.replace("MT", mt)
        }\n${body}\n}`,
      );
    }
  }
  for (const t of ["i32", "i64"]) {
    out.push(
      `define internal void @gwp_keep_${t}(${t} %v) ${ATTRS} {\n${
        keep(t)
      }\n  ret void\n}`,
    );
  }
  // After every write that a trap must leave visible (stores, global.set,
  // table.set), an empty asm that LLVM must assume may unwind (no
  // `nounwind`): the trap that a later guard-page fault raises is invisible
  // to LLVM, which would otherwise delete a store that a later store
  // overwrites (fuzz seed 1005597), sink it below the faulting access or
  // hoist the access above it. A write before a point that may leave the
  // function stays before it and is kept; an access after it is not
  // executed earlier. `sideeffect` orders it against memory accesses in
  // instruction selection and scheduling too. It touches only memory LLVM
  // cannot see, so loads around it are still combined and forwarded.
  out.push(`define internal void @gwp_write_fence() alwaysinline {
  call void asm sideeffect unwind "", ""() inaccessiblememonly willreturn
  ret void
}`);
  const stores: [string, string, string][] = [
    ["i32", "i32", "i32"],
    ["i64", "i64", "i64"],
    ["f32", "float", "float"],
    ["f64", "double", "double"],
    ["i32_8", "i8", "i32"],
    ["i32_16", "i16", "i32"],
    ["i64_8", "i8", "i64"],
    ["i64_16", "i16", "i64"],
    ["i64_32", "i32", "i64"],
  ];
  for (const [name, mt, vt] of stores) {
    const conv = mt === vt
      ? `  %w = bitcast ${vt} %v to ${mt}`
      : `  %w = trunc ${vt} %v to ${mt}`;
    out.push(
      `define internal void @gwp_store_${name}(i8* %base, i32 %addr, i64 %off, ${vt} %v) ${ATTRS} {\n${
        addr.replace("MT", mt)
      }\n${conv}\n  store ${mt} %w, ${mt}* %q, align 1\n  ret void\n}`,
    );
  }
  return out.join("\n\n");
}

function integerOps(): string {
  const out: string[] = [];
  for (
    const [w, min] of [[32, "-2147483648"], [
      64,
      "-9223372036854775808",
    ]] as const
  ) {
    const t = `i${w}`;
    const trap = (k: number) =>
      `  call void @gw_trap(i8* %inst, i32 ${k})\n  unreachable`;
    out.push(
      `define internal ${t} @gwp_${t}_div_s(i8* %inst, ${t} %a, ${t} %b) ${ATTRS} {
  %z = icmp eq ${t} %b, 0
  br i1 %z, label %dz, label %nz
nz:
  %m1 = icmp eq ${t} %b, -1
  %mn = icmp eq ${t} %a, ${min}
  %ov = and i1 %m1, %mn
  br i1 %ov, label %of, label %ok
ok:
  %r = sdiv ${t} %a, %b
  ret ${t} %r
dz:
${trap(TrapKind.IntDivZero)}
of:
${trap(TrapKind.IntOverflow)}
}`,
    );
    for (
      const [name, inst] of [["div_u", "udiv"], ["rem_u", "urem"], [
        "rem_s",
        "srem",
      ]]
    ) {
      // rem_s by -1 is 0 (never a trap): divide by 1 instead, which gives 0.
      const divisor = name === "rem_s"
        ? `  %m1 = icmp eq ${t} %b, -1\n  %d = select i1 %m1, ${t} 1, ${t} %b`
        : `  %d = add ${t} %b, 0`;
      out.push(
        `define internal ${t} @gwp_${t}_${name}(i8* %inst, ${t} %a, ${t} %b) ${ATTRS} {
  %z = icmp eq ${t} %b, 0
  br i1 %z, label %dz, label %ok
ok:
${divisor}
  %r = ${inst} ${t} %a, %d
  ret ${t} %r
dz:
${trap(TrapKind.IntDivZero)}
}`,
      );
    }
    for (
      const [name, inst] of [["shl", "shl"], ["shr_s", "ashr"], [
        "shr_u",
        "lshr",
      ]]
    ) {
      out.push(
        `define internal ${t} @gwp_${t}_${name}(${t} %a, ${t} %b) ${ATTRS} {
  %n = and ${t} %b, ${w - 1}
  %r = ${inst} ${t} %a, %n
  ret ${t} %r
}`,
      );
    }
    for (const [name, intr] of [["rotl", "fshl"], ["rotr", "fshr"]]) {
      out.push(
        `define internal ${t} @gwp_${t}_${name}(${t} %a, ${t} %b) ${ATTRS} {
  %r = call ${t} @llvm.${intr}.${t}(${t} %a, ${t} %a, ${t} %b)
  ret ${t} %r
}
declare ${t} @llvm.${intr}.${t}(${t}, ${t}, ${t})`,
      );
    }
    for (const [name, intr] of [["clz", "ctlz"], ["ctz", "cttz"]]) {
      out.push(`define internal ${t} @gwp_${t}_${name}(${t} %a) ${ATTRS} {
  %r = call ${t} @llvm.${intr}.${t}(${t} %a, i1 false)
  ret ${t} %r
}
declare ${t} @llvm.${intr}.${t}(${t}, i1)`);
    }
    out.push(`define internal ${t} @gwp_${t}_popcnt(${t} %a) ${ATTRS} {
  %r = call ${t} @llvm.ctpop.${t}(${t} %a)
  ret ${t} %r
}
declare ${t} @llvm.ctpop.${t}(${t})`);
  }
  return out.join("\n\n");
}

function floatOps(): string {
  const out: string[] = [];
  for (
    const [w, t, it] of [[32, "float", "i32"], [64, "double", "i64"]] as const
  ) {
    const sign = w === 32 ? "-2147483648" : "-9223372036854775808";
    const mag = w === 32 ? "2147483647" : "9223372036854775807";
    const quiet = w === 32 ? "4194304" : "2251799813685248";
    const f = `f${w}`;
    const sfx = w === 32 ? "f32" : "f64";
    out.push(`define internal ${t} @gwp_${f}_abs(${t} %a) ${ATTRS} {
  %i = bitcast ${t} %a to ${it}
  %m = and ${it} %i, ${mag}
  %r = bitcast ${it} %m to ${t}
  ret ${t} %r
}`);
    out.push(`define internal ${t} @gwp_${f}_neg(${t} %a) ${ATTRS} {
  %i = bitcast ${t} %a to ${it}
  %m = xor ${it} %i, ${sign}
  %r = bitcast ${it} %m to ${t}
  ret ${t} %r
}`);
    out.push(
      `define internal ${t} @gwp_${f}_copysign(${t} %a, ${t} %b) ${ATTRS} {
  %i = bitcast ${t} %a to ${it}
  %j = bitcast ${t} %b to ${it}
  %m = and ${it} %i, ${mag}
  %s = and ${it} %j, ${sign}
  %o = or ${it} %m, %s
  %r = bitcast ${it} %o to ${t}
  ret ${t} %r
}`,
    );
    // min/max: any NaN operand gives a NaN, quieted by hand: LLVM folds
    // `fadd sNaN, x` to the sNaN, even at -O0 (SelectionDAG), and Wasm
    // requires an arithmetic NaN. Equal operands (±0) combine their sign
    // bits so that min(-0, +0) = -0 and max(-0, +0) = +0.
    for (
      const [name, cmp, bits] of [["min", "olt", "or"], ["max", "ogt", "and"]]
    ) {
      out.push(
        `define internal ${t} @gwp_${f}_${name}(${t} %a, ${t} %b) ${ATTRS} {
  %un = fcmp uno ${t} %a, %b
  %eq = fcmp oeq ${t} %a, %b
  %lt = fcmp ${cmp} ${t} %a, %b
  %ia = bitcast ${t} %a to ${it}
  %ib = bitcast ${t} %b to ${it}
  %ic = ${bits} ${it} %ia, %ib
  %c = bitcast ${it} %ic to ${t}
  %sum = fadd ${t} %a, %b
  %isum = bitcast ${t} %sum to ${it}
  %iq = or ${it} %isum, ${quiet}
  %nan = bitcast ${it} %iq to ${t}
  %s1 = select i1 %lt, ${t} %a, ${t} %b
  %s2 = select i1 %eq, ${t} %c, ${t} %s1
  %s3 = select i1 %un, ${t} %nan, ${t} %s2
  ret ${t} %s3
}`,
      );
    }
    for (
      const [name, intr] of [
        ["ceil", "ceil"],
        ["floor", "floor"],
        ["trunc", "trunc"],
        ["nearest", "nearbyint"],
        ["sqrt", "sqrt"],
      ]
    ) {
      out.push(`define internal ${t} @gwp_${f}_${name}(${t} %a) ${ATTRS} {
  %r = call ${t} @llvm.${intr}.${sfx}(${t} %a)
  ret ${t} %r
}
declare ${t} @llvm.${intr}.${sfx}(${t})`);
    }
  }
  return out.join("\n\n");
}

function conversions(): string {
  const out: string[] = [];
  const two = (n: number) => 2 ** n;
  for (const [iw, it] of [[32, "i32"], [64, "i64"]] as const) {
    for (const [fw, ft] of [[32, "float"], [64, "double"]] as const) {
      for (const signed of [true, false]) {
        const s = signed ? "s" : "u";
        // Exact bounds: valid iff lo < x (or lo <= x) and x < hi.
        const hi = signed ? two(iw - 1) : two(iw);
        let loCmp: string, lo: number;
        if (!signed) [loCmp, lo] = ["ogt", -1];
        else if (iw === 32 && fw === 64) [loCmp, lo] = ["ogt", -two(31) - 1];
        else [loCmp, lo] = ["oge", -two(iw - 1)];
        const name = `gwp_${it}_trunc_f${fw}_${s}`;
        out.push(`define internal ${it} @${name}(i8* %inst, ${ft} %x) ${ATTRS} {
  %nan = fcmp uno ${ft} %x, %x
  br i1 %nan, label %bad, label %num
num:
  %c1 = fcmp ${loCmp} ${ft} %x, ${fpHex(lo)}
  %c2 = fcmp olt ${ft} %x, ${fpHex(hi)}
  %in = and i1 %c1, %c2
  br i1 %in, label %ok, label %ovf
ok:
  %r = fpto${s}i ${ft} %x to ${it}
  ret ${it} %r
bad:
  call void @gw_trap(i8* %inst, i32 ${TrapKind.InvalidConversion})
  unreachable
ovf:
  call void @gw_trap(i8* %inst, i32 ${TrapKind.IntOverflow})
  unreachable
}`);
        const sat = `llvm.fpto${s}i.sat.${it}.f${fw}`;
        out.push(
          `define internal ${it} @gwp_${it}_trunc_sat_f${fw}_${s}(${ft} %x) ${ATTRS} {
  %r = call ${it} @${sat}(${ft} %x)
  ret ${it} %r
}
declare ${it} @${sat}(${ft})`,
        );
      }
    }
  }
  return out.join("\n\n");
}

function runtimeSupport(): string {
  const ptr = (base: string, off: number, name: string) =>
    `  %${name}.p = getelementptr i8, i8* ${base}, i64 ${off}
  %${name}.q = bitcast i8* %${name}.p to i8**
  %${name} = load i8*, i8** %${name}.q, align 8`;
  // The call-depth counter: gwp_enter returns the value it found, and every
  // return path stores that value back (calls are balanced; gw_call resets
  // it after a trap), so leaving costs one store.
  return `define internal i64 @gwp_enter(i8* %inst, i8* %exec) ${ATTRS} {
  %dp.p = getelementptr i8, i8* %exec, i64 ${ExecField.depthLeft}
  %dp = bitcast i8* %dp.p to i64*
  %d = load i64, i64* %dp, align 8
  %ex = icmp sle i64 %d, 0
  br i1 %ex, label %trap, label %ok
ok:
  %d1 = sub i64 %d, 1
  store i64 %d1, i64* %dp, align 8
  ret i64 %d
trap:
  call void @gw_trap(i8* %inst, i32 ${TrapKind.CallStackExhausted})
  unreachable
}

define internal void @gwp_leave(i8* %exec, i64 %d) ${ATTRS} {
  %dp.p = getelementptr i8, i8* %exec, i64 ${ExecField.depthLeft}
  %dp = bitcast i8* %dp.p to i64*
  store i64 %d, i64* %dp, align 8
  ret void
}

define internal i8** @gwp_table_slot(i8* %inst, i8* %tab, i32 %i) ${ATTRS} {
  %sp = getelementptr i8, i8* %tab, i64 ${TableField.size}
  %sq = bitcast i8* %sp to i64*
  %size = load i64, i64* %sq, align 8
  %i64 = zext i32 %i to i64
  %in = icmp ult i64 %i64, %size
  br i1 %in, label %ok, label %oob
ok:
${ptr("%tab", TableField.elems, "elems")}
  %ea = bitcast i8* %elems to i8**
  %slot = getelementptr i8*, i8** %ea, i64 %i64
  ret i8** %slot
oob:
  call void @gw_trap(i8* %inst, i32 ${TrapKind.TableOob})
  unreachable
}

define internal i8* @gwp_table_get(i8* %inst, i8* %tab, i32 %i) ${ATTRS} {
  %slot = call i8** @gwp_table_slot(i8* %inst, i8* %tab, i32 %i)
  %v = load i8*, i8** %slot, align 8
  ret i8* %v
}

define internal void @gwp_table_set(i8* %inst, i8* %tab, i32 %i, i8* %v) ${ATTRS} {
  %slot = call i8** @gwp_table_slot(i8* %inst, i8* %tab, i32 %i)
  store i8* %v, i8** %slot, align 8
  ret void
}

define internal i8* @gwp_indirect_target(i8* %inst, i8* %tab, i32 %i, i64 %tid) ${ATTRS} {
  %sp = getelementptr i8, i8* %tab, i64 ${TableField.size}
  %sq = bitcast i8* %sp to i64*
  %size = load i64, i64* %sq, align 8
  %i64 = zext i32 %i to i64
  %in = icmp ult i64 %i64, %size
  br i1 %in, label %ok, label %undef
ok:
${ptr("%tab", TableField.elems, "elems")}
  %ea = bitcast i8* %elems to i8**
  %slot = getelementptr i8*, i8** %ea, i64 %i64
  %fr = load i8*, i8** %slot, align 8
  %null = icmp eq i8* %fr, null
  br i1 %null, label %uninit, label %nonnull
nonnull:
  %tp = getelementptr i8, i8* %fr, i64 ${FuncRefField.typeId}
  %tq = bitcast i8* %tp to i64*
  %ftid = load i64, i64* %tq, align 8
  %same = icmp eq i64 %ftid, %tid
  br i1 %same, label %good, label %mismatch
good:
  ret i8* %fr
undef:
  call void @gw_trap(i8* %inst, i32 ${TrapKind.UndefinedElement})
  unreachable
uninit:
  call void @gw_trap(i8* %inst, i32 ${TrapKind.UninitializedElement})
  unreachable
mismatch:
  call void @gw_trap(i8* %inst, i32 ${TrapKind.IndirectTypeMismatch})
  unreachable
}

; Checkpoint/restore (compiler/instrument/checkpoint.ts): the request flag
; is volatile (a signal handler sets it, so LLVM must reload it every time).
define internal i1 @gwp_cr_pending(i8* %exec) ${ATTRS} {
  %p = getelementptr i8, i8* %exec, i64 ${ExecField.crRequest}
  %q = bitcast i8* %p to i64*
  %r = load volatile i64, i64* %q, align 8
  %c = icmp ne i64 %r, 0
  ret i1 %c
}

; The entry poll fused with the depth check (poll_policy.ts): the request
; bits are all above any depth limit, so one signed compare tests both.
define internal i64 @gwp_depth(i8* %exec) ${ATTRS} {
  %dp.p = getelementptr i8, i8* %exec, i64 ${ExecField.depthLeft}
  %dp = bitcast i8* %dp.p to i64*
  %d = load i64, i64* %dp, align 8
  ret i64 %d
}

define internal i1 @gwp_enter_pending(i8* %exec, i64 %d) ${ATTRS} {
  %p = getelementptr i8, i8* %exec, i64 ${ExecField.crRequest}
  %q = bitcast i8* %p to i64*
  %r = load volatile i64, i64* %q, align 8
  %c = icmp sle i64 %d, %r
  ret i1 %c
}

; The point a resume is on its way to (gw_cr_resume sets it), and its
; clearing when the point's resume block is reached.
define internal i32 @gwp_cr_dispatch(i8* %exec) ${ATTRS} {
  %p = getelementptr i8, i8* %exec, i64 ${ExecField.crDispatch}
  %q = bitcast i8* %p to i32*
  %t = load i32, i32* %q, align 4
  ret i32 %t
}

define internal void @gwp_cr_dispatch_done(i8* %exec) ${ATTRS} {
  %p = getelementptr i8, i8* %exec, i64 ${ExecField.crDispatch}
  %q = bitcast i8* %p to i32*
  store i32 0, i32* %q, align 4
  ret void
}

define internal i64 @gwp_cr_mode(i8* %exec) ${ATTRS} {
  %p = getelementptr i8, i8* %exec, i64 ${ExecField.crMode}
  %q = bitcast i8* %p to i64*
  %r = load i64, i64* %q, align 8
  ret i64 %r
}

; A frame's value into or out of its gw_value slot k, volatile: the saves
; and resumes of every local would otherwise give the SLP vectorizer long
; lists of phis fed by consecutive loads to chew on, at every point.
${
    ["i32", "i64", "float", "double", "i8*", "<2 x i64>"].map((t, i) => {
      const name = ["i32", "i64", "f32", "f64", "ref", "v128"][i];
      const slot = `  %off = mul i64 %k, ${GW_VALUE_SIZE}
  %p = getelementptr i8, i8* %slots, i64 %off
  %q = bitcast i8* %p to ${t}*`;
      return `define internal void @gwp_cr_put_${name}(i8* %slots, i64 %k, ${t} %v) ${ATTRS} {
${slot}
  store volatile ${t} %v, ${t}* %q, align 8
  ret void
}
define internal ${t} @gwp_cr_get_${name}(i8* %slots, i64 %k) ${ATTRS} {
${slot}
  %v = load volatile ${t}, ${t}* %q, align 8
  ret ${t} %v
}`;
    }).join("\n")
  }

declare i1 @llvm.expect.i1(i1, i1)
declare i32 @gw_cr_poll(i8*, i32) cold nounwind
declare i8* @gw_cr_save_frame(i8*, i32) cold nounwind
declare i32 @gw_cr_resume(i8*, i32, i8**) cold nounwind
declare i8* @gw_cr_resume_code(i8*, i8*) cold nounwind

declare float @llvm.arithmetic.fence.f32(float)
declare double @llvm.arithmetic.fence.f64(double)

declare void @gw_trap(i8*, i32) noreturn cold nounwind
declare i32 @gw_memory_grow(i8*, i32, i32)
declare void @gw_memory_init(i8*, i32, i32, i32, i32, i32)
declare void @gw_data_drop(i8*, i32)
declare void @gw_memory_copy(i8*, i32, i32, i32, i32, i32)
declare void @gw_memory_fill(i8*, i32, i32, i32, i32)
declare i32 @gw_table_grow(i8*, i32, i8*, i32)
declare void @gw_table_fill(i8*, i32, i32, i8*, i32)
declare void @gw_table_copy(i8*, i32, i32, i32, i32, i32)
declare void @gw_table_init(i8*, i32, i32, i32, i32, i32)
declare void @gw_elem_drop(i8*, i32)`;
}

/** The prelude's LLVM IR text. */
export const PRELUDE_IR: string = [
  "; Godwit codegen prelude (see compiler/codegen/prelude.ts)",
  loadsAndStores(),
  integerOps(),
  floatOps(),
  conversions(),
  runtimeSupport(),
].join("\n\n") + "\n";

/**
 * Parses the prelude, followed by `extraIR` (more IR text, e.g. stub
 * definitions carrying function attributes), into `ctx`; the result is the
 * module that generated functions are added to.
 */
export function parsePrelude(
  ctx: llvm.LLVMContext,
  extraIR = "",
): llvm.Module {
  const path = Deno.makeTempFileSync({
    prefix: "godwit-prelude-",
    suffix: ".ll",
  });
  try {
    Deno.writeTextFileSync(path, PRELUDE_IR + extraIR);
    const diag = new llvm.SMDiagnostic();
    const module = llvm.parseIRFile(path, diag, ctx);
    if (!module) {
      throw new Error("internal error: the codegen prelude does not parse");
    }
    return module;
  } finally {
    Deno.removeSync(path);
  }
}
