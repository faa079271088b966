/**
 * How SIMD instructions are lowered: each is a call of its IR-text helper
 * (`compiler/codegen/simd/`, one per instruction; simd/helper.ts says why),
 * with the operands the table's signature gives and the immediates as
 * constant arguments. Only the immediates differ by layout: a memarg becomes
 * (memory base, address, offset), a lane index a trailing i32, a v128
 * constant two i64 halves, and a shuffle mask picks the mask's own helper.
 *
 * @module
 */
import type { Instr } from "../wasm/types.ts";
import { Imm, instrInfo, Op } from "../wasm/instructions.ts";
import { constI64 } from "./constants.ts";
import type { FunctionTranslator } from "./translator.ts";
import { SIMD_HELPERS } from "./simd/index.ts";
import { helperName } from "./simd/helper.ts";
import { shuffleName } from "./simd/lanes.ts";
import { FENCE_HELPER, FENCED_ARITHMETIC, fenceNeeded } from "./simd/float.ts";

/** Emits the code of one SIMD instruction. */
export function translateSimd(fx: FunctionTranslator, ins: Instr): void {
  const info = instrInfo(ins.op);
  if (!info || !info.params || !info.results) {
    throw fx.error(`unknown SIMD instruction 0x${ins.op.toString(16)}`);
  }
  const b = fx.b;
  const result = info.results[0];
  const call = (
    name: string,
    args: ReturnType<FunctionTranslator["pop"]>[],
    bits?: bigint,
  ) => {
    const v = fx.callFn(name, args);
    if (result !== undefined) fx.push(v, result, bits);
  };

  if (ins.op === Op.I8x16Shuffle) {
    return call(shuffleName(ins.bytes!), fx.popN(2));
  }
  if (!(info.text in SIMD_HELPERS)) {
    throw fx.error(`SIMD instruction ${info.text} is not supported yet`);
  }
  const name = helperName(info.text);
  switch (info.imm) {
    case Imm.None: {
      // Constants are remembered (StackValue.floatBits, 128 bits for a
      // v128) so that float arithmetic can fence its identity operands.
      const shape = info.text.slice(0, 5) as "f32x4" | "f64x2";
      if (FENCED_ARITHMETIC.has(info.text)) {
        const operands = fx.stack.splice(fx.stack.length - 2, 2).map((v) =>
          v.floatBits !== undefined && fenceNeeded(shape, v.floatBits)
            ? fx.callFn(helperName(FENCE_HELPER[shape]), [v.value])
            : v.value
        );
        return call(name, operands);
      }
      const top = fx.stack[fx.stack.length - 1];
      if (
        (info.text === "f32x4.splat" || info.text === "f64x2.splat") &&
        top?.floatBits !== undefined
      ) {
        const w = info.text === "f32x4.splat" ? 32n : 64n;
        let bits = 0n;
        for (let i = 0n; i < 128n; i += w) bits |= top.floatBits << i;
        return call(name, fx.popN(1), bits);
      }
      return call(name, fx.popN(info.params.length));
    }
    case Imm.V128: {
      const view = new DataView(ins.bytes!.buffer, ins.bytes!.byteOffset, 16);
      const lo = view.getBigUint64(0, true), hi = view.getBigUint64(8, true);
      return call(name, [constI64(b, lo), constI64(b, hi)], lo | (hi << 64n));
    }
    case Imm.Lane:
      return call(name, [
        ...fx.popN(info.params.length),
        b.getInt32(ins.lane!),
      ]);
    case Imm.MemArg:
    case Imm.MemArgLane: {
      const operands = fx.popN(info.params.length);
      const lane = info.imm === Imm.MemArgLane ? [b.getInt32(ins.lane!)] : [];
      call(name, [
        fx.memoryBase(),
        operands[0],
        constI64(b, BigInt(ins.memOffset ?? 0)),
        ...operands.slice(1),
        ...lane,
      ]);
      if (result === undefined) fx.writeFence(); // a store
      return;
    }
    default:
      throw fx.error(`SIMD instruction ${info.text}: unexpected immediates`);
  }
}
