import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import {
  allInstructions,
  Imm,
  IMM_MISC,
  IMM_ONE_BYTE,
  IMM_SIMD,
  instrInfo,
  INSTRUCTIONS,
  isSimd,
  Op,
  Prefix,
  prefixed,
} from "./instructions.ts";
import { ValType } from "./types.ts";

const COMPILER = fromFileUrl(new URL("..", import.meta.url));

Deno.test("opcodes and types match the binary format", () => {
  // Values from the spec's binary-format chapter, not from the table.
  assert.equal(Op.Unreachable, 0x00);
  assert.equal(Op.End, 0x0b);
  assert.equal(Op.LocalGet, 0x20);
  assert.equal(Op.I32Add, 0x6a);
  assert.equal(Op.I64Extend32S, 0xc4);
  assert.equal(Op.RefFunc, 0xd2);
  assert.equal(Op.I32TruncSatF32S, prefixed(Prefix.Misc, 0));
  assert.equal(Op.TableFill, prefixed(Prefix.Misc, 17));
  assert.equal(Op.V128Const, prefixed(Prefix.Simd, 12));
  assert.equal(Op.I32x4Add, prefixed(Prefix.Simd, 174));
  assert.equal(Op.F64x2ConvertLowI32x4U, prefixed(Prefix.Simd, 255));
  const load = instrInfo(Op.I64Load32U)!;
  assert.equal(load.text, "i64.load32_u");
  assert.deepEqual(load.params, [ValType.I32]);
  assert.deepEqual(load.results, [ValType.I64]);
  assert.equal(load.natural, 2);
  const store = instrInfo(Op.F64Store)!;
  assert.deepEqual(store.params, [ValType.I32, ValType.F64]);
  assert.deepEqual(store.results, []);
  assert.equal(store.natural, 3);
  const lane = instrInfo(Op.I16x8ReplaceLane)!;
  assert.deepEqual(lane.params, [ValType.V128, ValType.I32]);
  assert.equal(lane.lanes, 8);
  assert.equal(instrInfo(Op.V128Load32Lane)!.lanes, 4);
  assert.equal(instrInfo(Op.Call)!.params, null);
  assert.equal(isSimd(Op.V128Load), true);
  assert.equal(isSimd(Op.TableFill), false);
});

Deno.test("the table has one row per opcode and name", () => {
  const ops = new Set<number>();
  const names = new Set<string>();
  for (const [name, , op] of INSTRUCTIONS) {
    assert.ok(!ops.has(op), `opcode 0x${op.toString(16)} twice`);
    assert.ok(!names.has(name), `${name} twice`);
    ops.add(op);
    names.add(name);
  }
  // Wasm 2.0: 0x00..0xd2 with gaps, 18 0xFC and 236 0xFD instructions.
  const count = (f: (op: number) => boolean) => [...ops].filter(f).length;
  assert.equal(count((op) => op < 0x100), 183);
  assert.equal(count((op) => op >= 0xfc00 && op < 0x10000), 18);
  assert.equal(count(isSimd), 236);
  const layouts = new Set<number>(Object.values(Imm));
  for (const info of allInstructions()) {
    assert.ok(layouts.has(info.imm), info.text);
    const lookup = info.op < 0x100
      ? IMM_ONE_BYTE[info.op]
      : isSimd(info.op)
      ? IMM_SIMD[info.op & 0xffff]
      : IMM_MISC[info.op & 0xff];
    assert.equal(lookup, info.imm, info.text);
    if (info.imm === Imm.MemArg || info.imm === Imm.MemArgLane) {
      assert.ok(info.natural !== undefined && info.natural <= 4, info.text);
    }
  }
});

/** Patterns of an opcode written as a bare number. */
const BARE_OPCODE = [
  /case 0x[0-9a-f]+\s*:/i,
  /\.op\s*(===|!==|<=|>=|<|>)\s*(0x[0-9a-f]+|\d+)\b/i,
  /\b(op|sub|opcode)\s*(===|!==|<=|>=|<|>)\s*(0x[0-9a-f]+|\d+)\b/i,
  /\b(0x[0-9a-f]+|\d+)\s*(===|!==|<=|>=|<|>)\s*(\w+\.)?(op|sub|opcode)\b/i,
  /new Set(<\w+>)?\(\[\s*0x/i,
];

function bareOpcodes(source: string): string[] {
  return source.split("\n").filter((line) =>
    !line.trimStart().startsWith("*") &&
    !line.trimStart().startsWith("//") &&
    BARE_OPCODE.some((re) => re.test(line))
  );
}

Deno.test("the scan finds a bare opcode", () => {
  // Lines as the sources had them before the table.
  assert.equal(bareOpcodes("      case 0x6a: // i32.add").length, 1);
  assert.equal(bareOpcodes("  if (instr.op === 0x0b) break;").length, 1);
  assert.equal(bareOpcodes("    if (op >= 0x45 && op <= 0xc4)").length, 1);
  assert.equal(bareOpcodes("    const isReplace = sub === 23 ||").length, 1);
  assert.deepEqual(bareOpcodes("const CALL_LIKE = new Set([0x10, 0x11]);"), [
    "const CALL_LIKE = new Set([0x10, 0x11]);",
  ]);
  assert.deepEqual(bareOpcodes("  case Op.I32Add:\n  if (b === 0x70)"), []);
});

Deno.test("no opcode is a bare number outside the table", async () => {
  const hits: string[] = [];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) {
        if (entry.name !== "testdata") await walk(path);
      } else if (
        entry.name.endsWith(".ts") && !entry.name.endsWith("_test.ts") &&
        path !== fromFileUrl(new URL("instructions.ts", import.meta.url))
      ) {
        for (const line of bareOpcodes(await Deno.readTextFile(path))) {
          hits.push(`${relative(COMPILER, path)}: ${line.trim()}`);
        }
      }
    }
  };
  await walk(COMPILER);
  assert.deepEqual(hits, [], "use Op.* from compiler/wasm/instructions.ts");
});
