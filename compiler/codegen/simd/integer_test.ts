import { assertSpecPasses, SIMD_TEST_TARGETS } from "./spec_check.ts";
import { watToWasm } from "../../frontend/wat.ts";
import { allInstructions } from "../../wasm/instructions.ts";
import { ValType } from "../../wasm/types.ts";
import { INTEGER_HELPERS } from "./integer.ts";

// Every integer SIMD instruction, on edge-case and random operands, through
// the real compiler, runtime and spec driver, against V8 (Deno's
// WebAssembly) as the oracle: a generated module whose exports take the
// operands as i64 halves and return one half of the result, and a .wast
// asserting what V8 returned. This reaches the target-specific bodies
// (NEON i64x2.mul, pmaddubsw operand order, ...) with more operands than
// the spec suite's hand-picked ones.

const CASES = 12;

/** A deterministic generator (xorshift32), so that failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/** A v128 as 16 bytes, lanes often at the edges of their range. */
function operand(next: () => number): Uint8Array {
  const b = new Uint8Array(16);
  const width = [1, 2, 4, 8][next() % 4];
  for (let lane = 0; lane < 16; lane += width) {
    const kind = next() % 6;
    for (let i = 0; i < width; i++) {
      const top = i === width - 1;
      b[lane + i] = kind === 0
        ? 0
        : kind === 1
        ? 0xff
        : kind === 2
        ? (top ? 0x80 : 0) // INT_MIN
        : kind === 3
        ? (top ? 0x7f : 0xff) // INT_MAX
        : kind === 4 && i === 0
        ? 1
        : next() & 0xff;
    }
  }
  return b;
}

function halves(b: Uint8Array): [bigint, bigint] {
  const v = new DataView(b.buffer);
  return [v.getBigInt64(0, true), v.getBigInt64(8, true)];
}

const table = new Map([...allInstructions()].map((i) => [i.text, i]));
const names = Object.keys(INTEGER_HELPERS).sort();

/** The module: `<name>/lo` and `<name>/hi` per instruction. */
function moduleText(): string {
  const v = (p: number) =>
    `(i64x2.replace_lane 1 (i64x2.splat (local.get ${p})) (local.get ${
      p + 1
    }))`;
  const funcs = names.flatMap((name) => {
    const params = table.get(name)!.params!;
    const args = params.map((p, i) =>
      p === ValType.V128 ? v(2 * i) : "(local.get 4)"
    )
      .join(" ");
    return [0, 1].map((lane) =>
      `(func (export "${name}/${
        lane ? "hi" : "lo"
      }") (param i64 i64 i64 i64 i32) (result i64)
    (i64x2.extract_lane ${lane} (${name} ${args})))`
    );
  });
  return `(module\n  ${funcs.join("\n  ")}\n)`;
}

/** The .wast: the module and V8's result for every case. */
async function wast(): Promise<{ text: string; count: number }> {
  const text = moduleText();
  const { instance } = await WebAssembly.instantiate(await watToWasm(text));
  const exports = instance.exports as Record<
    string,
    (a: bigint, b: bigint, c: bigint, d: bigint, s: number) => bigint
  >;
  const next = rng(0x5eed);
  const lines = [text];
  for (const name of names) {
    for (let c = 0; c < CASES; c++) {
      const [a, b] = halves(operand(next));
      const [d, e] = halves(operand(next));
      // Shift counts past the lane width and negative ones too.
      const s = [0, 1, 7, 8, 15, 16, 31, 32, 63, 64, 65, -1][c] ?? 0;
      for (const half of ["lo", "hi"]) {
        const want = exports[`${name}/${half}`](a, b, d, e, s);
        lines.push(
          `(assert_return (invoke "${name}/${half}" (i64.const ${a}) (i64.const ${b}) (i64.const ${d}) (i64.const ${e}) (i32.const ${s})) (i64.const ${want}))`,
        );
      }
    }
  }
  return { text: lines.join("\n") + "\n", count: lines.length - 1 };
}

for (const [target, optLevel] of SIMD_TEST_TARGETS) {
  Deno.test({
    name:
      `SIMD integer: every instruction agrees with V8 on edge and random operands (${target}, -O${optLevel})`,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      const dir = await Deno.makeTempDir({ prefix: "godwit-simd-int-" });
      try {
        const { text, count } = await wast();
        await Deno.writeTextFile(`${dir}/simd_integer_v8.wast`, text);
        // The module and every assertion: nothing skipped.
        await assertSpecPasses(
          dir,
          "simd_integer_v8",
          target,
          optLevel,
          count + 1,
        );
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}
