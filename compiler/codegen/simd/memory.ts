/**
 * SIMD loads and stores: plain, extending, splat, zero-filling and lane
 * loads and stores. Like the scalar ones (prelude.ts) they are `align 1`,
 * address `base + zext(addr) + offset` into the guard-paged reservation, and
 * every load's value is read by an empty asm so that an unused
 * out-of-bounds load still traps (load_keeping.ts).
 *
 * @module
 */
import { type Shape, SHAPES, type SimdHelper, vec } from "./helper.ts";

const MEM: [string, "i8*"] = ["base", "i8*"];
const ADDR: [string, "i32"] = ["addr", "i32"];
const OFF: [string, "i64"] = ["off", "i64"];

/** `%q`, a pointer to `t` at the effective address. */
function address(t: string): string {
  return `%a64 = zext i32 %addr to i64
%ea = add i64 %a64, %off
%p = getelementptr i8, i8* %base, i64 %ea
%q = bitcast i8* %p to ${t}*`;
}

/**
 * Loads `%m` of type `t`, kept alive even if unused. A vector needs the
 * "x" constraint (an SSE register on x86-64, V0-V15 on aarch64): "X" picks
 * a general register for it, which llc cannot allocate.
 */
function keptLoad(t: string): string {
  return `${address(t)}
%m = load ${t}, ${t}* %q, align 1
${keep(t, "%m")}`;
}

/** The empty asm that reads `v` of type `t`. */
function keep(t: string, v: string): string {
  return `call void asm "", "${
    t.startsWith("<") ? "x" : "X"
  }"(${t} ${v}) inaccessiblememonly nounwind willreturn`;
}

function load(result: Shape, memType: string, rest: string): SimdHelper {
  return {
    params: [MEM, ADDR, OFF],
    result,
    body: `${keptLoad(memType)}\n${rest}`,
  };
}

/** `v128.loadNxM_s/u`: M lanes of N bits, each extended to twice its width. */
function extending(result: Shape, ext: "sext" | "zext"): SimdHelper {
  const { lanes, elem } = SHAPES[result];
  const narrow = `<${lanes} x i${parseInt(elem.slice(1)) / 2}>`;
  // The 64-bit vector fits no register class of the asm: the extended
  // value is kept instead (the load still folds into pmovsx/ushll).
  return {
    params: [MEM, ADDR, OFF],
    result,
    body: `${address(narrow)}
%m = load ${narrow}, ${narrow}* %q, align 1
%r = ${ext} ${narrow} %m to $T
${keep(vec(result), "%r")}`,
  };
}

/** `v128.loadN_splat`: one scalar into every lane. */
function splat(shape: Shape): SimdHelper {
  const { elem } = SHAPES[shape];
  return load(
    shape,
    elem,
    `%i = insertelement $T undef, ${elem} %m, i32 0
%r = shufflevector $T %i, $T undef, <$N x i32> zeroinitializer`,
  );
}

/** `v128.loadN_zero`: one scalar into lane 0, the others zero. */
function zero(shape: Shape): SimdHelper {
  const { elem } = SHAPES[shape];
  return load(
    shape,
    elem,
    `%r = insertelement $T zeroinitializer, ${elem} %m, i32 0`,
  );
}

/** `v128.loadN_lane`: one scalar into lane `%lane` of `%x`. */
function loadLane(shape: Shape): SimdHelper {
  const { elem } = SHAPES[shape];
  return {
    params: [MEM, ADDR, OFF, ["x", shape], ["lane", "i32"]],
    result: shape,
    body: `${keptLoad(elem)}\n%r = insertelement $T %x, ${elem} %m, i32 %lane`,
  };
}

/** `v128.storeN_lane`: lane `%lane` of `%x` to memory. */
function storeLane(shape: Shape): SimdHelper {
  const { elem } = SHAPES[shape];
  return {
    params: [MEM, ADDR, OFF, ["x", shape], ["lane", "i32"]],
    result: "void",
    body: `%e = extractelement $T %x, i32 %lane\n${address(elem)}
store ${elem} %e, ${elem}* %q, align 1`,
  };
}

/** The memory instructions' helpers, by text name. */
export const MEMORY_HELPERS: Record<string, SimdHelper> = {
  "v128.load": load("i64x2", vec("i64x2"), "%r = bitcast $T %m to $T"),
  "v128.load8x8_s": extending("i16x8", "sext"),
  "v128.load8x8_u": extending("i16x8", "zext"),
  "v128.load16x4_s": extending("i32x4", "sext"),
  "v128.load16x4_u": extending("i32x4", "zext"),
  "v128.load32x2_s": extending("i64x2", "sext"),
  "v128.load32x2_u": extending("i64x2", "zext"),
  "v128.load8_splat": splat("i8x16"),
  "v128.load16_splat": splat("i16x8"),
  "v128.load32_splat": splat("i32x4"),
  "v128.load64_splat": splat("i64x2"),
  "v128.store": {
    params: [MEM, ADDR, OFF, ["x", "i64x2"]],
    result: "void",
    body: `${address(vec("i64x2"))}\nstore $T %x, $T* %q, align 1`,
  },
  "v128.load32_zero": zero("i32x4"),
  "v128.load64_zero": zero("i64x2"),
  "v128.load8_lane": loadLane("i8x16"),
  "v128.load16_lane": loadLane("i16x8"),
  "v128.load32_lane": loadLane("i32x4"),
  "v128.load64_lane": loadLane("i64x2"),
  "v128.store8_lane": storeLane("i8x16"),
  "v128.store16_lane": storeLane("i16x8"),
  "v128.store32_lane": storeLane("i32x4"),
  "v128.store64_lane": storeLane("i64x2"),
};
