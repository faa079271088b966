import assert from "node:assert/strict";
import { readSExprs, type SList } from "./sexpr.ts";
import {
  formatPattern,
  fromWire,
  matchesNan,
  matchResult,
  packLanes,
  parseConst,
  parseFloatBits,
  parseIntBits,
  parseResultPattern,
  toWire,
  unpackLanes,
} from "./values.ts";

const SUITE = new URL("../../shared/testsuite/", import.meta.url);

/** Every `tNN.const LITERAL` in the given suite files (no nan patterns). */
function literalsFromSuite(type: string, files: string[]): string[] {
  const found = new Set<string>();
  const re = new RegExp(`${type}\\.const\\s+([-+0-9a-zA-Z._:]+)`, "g");
  for (const f of files) {
    const text = Deno.readTextFileSync(new URL(`wasm-2.0/${f}`, SUITE));
    for (const m of text.matchAll(re)) {
      if (
        !m[1].startsWith("nan:c") && !m[1].startsWith("nan:a") &&
        !m[1].startsWith("$")
      ) found.add(m[1]);
    }
  }
  return [...found];
}

/**
 * The oracle: wabt encodes `(tNN.const LIT)` and V8 runs a function that
 * returns its bit pattern (reinterpreted as an integer).
 */
async function oracleBits(
  type: "f32" | "f64" | "i32" | "i64",
  literals: string[],
): Promise<(bigint | null)[]> {
  const wabt = await (await import("npm:wabt@1.0.39")).default();
  const out: (bigint | null)[] = [];
  for (const lit of literals) {
    // One module per literal: wabt rejects out-of-range ones individually.
    const body = type === "f32"
      ? `(i32.reinterpret_f32 (f32.const ${lit}))`
      : type === "f64"
      ? `(i64.reinterpret_f64 (f64.const ${lit}))`
      : `(${type}.const ${lit})`;
    const result = type === "f32" || type === "i32" ? "i32" : "i64";
    let mod;
    try {
      mod = wabt.parseWat(
        "t.wat",
        `(module (func (export "f") (result ${result}) ${body}))`,
      );
    } catch {
      out.push(null);
      continue;
    }
    const bytes = mod.toBinary({}).buffer;
    mod.destroy();
    const inst = new WebAssembly.Instance(
      new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>),
    );
    const v = (inst.exports.f as () => number | bigint)();
    out.push(
      result === "i32"
        ? BigInt((v as number) >>> 0)
        : BigInt.asUintN(64, v as bigint),
    );
  }
  return out;
}

Deno.test("float literals of the suite round exactly like wabt", async () => {
  const files = [
    "const.wast",
    "float_literals.wast",
    "f32.wast",
    "f64.wast",
    "conversions.wast",
    "float_exprs.wast",
  ];
  for (const type of ["f32", "f64"] as const) {
    const lits = literalsFromSuite(type, files);
    assert.ok(lits.length > 300, `found ${lits.length} ${type} literals`);
    const want = await oracleBits(type, lits);
    let compared = 0;
    lits.forEach((lit, i) => {
      if (want[i] === null) return;
      compared++;
      assert.equal(parseFloatBits(lit, type), want[i], `${type}.const ${lit}`);
    });
    assert.ok(compared > 300);
  }
});

Deno.test("integer literals of the suite match wabt", async () => {
  for (const type of ["i32", "i64"] as const) {
    const lits = literalsFromSuite(type, [
      "int_literals.wast",
      `${type}.wast`,
      "const.wast",
    ]);
    const want = await oracleBits(type, lits);
    lits.forEach((lit, i) => {
      if (want[i] === null) {
        assert.throws(
          () => parseIntBits(lit, type === "i32" ? 32 : 64),
          Error,
          `${type}.const ${lit}`,
        );
      } else {
        assert.equal(
          parseIntBits(lit, type === "i32" ? 32 : 64),
          want[i],
          `${type}.const ${lit}`,
        );
      }
    });
  }
});

Deno.test("float literal edge cases", () => {
  // f32 rounding of a decimal that double rounding through f64 gets wrong.
  assert.equal(
    parseFloatBits("1.000000059604644775390625", "f32"),
    0x3f800000n,
  ); // tie -> even
  assert.equal(
    parseFloatBits("1.00000005960464477539062500001", "f32"),
    0x3f800001n,
  );
  assert.equal(parseFloatBits("-0", "f32"), 0x80000000n);
  assert.equal(parseFloatBits("nan", "f64"), 0x7ff8000000000000n);
  assert.equal(parseFloatBits("-nan:0x1", "f32"), 0xff800001n);
  assert.equal(parseFloatBits("inf", "f32"), 0x7f800000n);
  assert.equal(parseFloatBits("0x1p-149", "f32"), 1n); // smallest subnormal
  assert.equal(parseFloatBits("0x1p-150", "f32"), 0n); // tie rounds to even (zero)
  assert.equal(parseFloatBits("0x1.fffffefp127", "f32"), 0x7f7fffffn);
  assert.equal(parseFloatBits("0x1.ffffffp127", "f32"), 0x7f800000n); // rounds up to inf
  assert.equal(parseFloatBits("1e400", "f64"), 0x7ff0000000000000n);
  assert.equal(
    parseFloatBits("1_000.5e-1_0", "f64"),
    BigInt.asUintN(
      64,
      new BigInt64Array(new Float64Array([1000.5e-10]).buffer)[0],
    ),
  );
  assert.throws(() => parseFloatBits("nan:0x0", "f32"));
  assert.throws(() => parseFloatBits("nan:0x800000", "f32"));
  assert.throws(() => parseFloatBits("1.2.3", "f64"));
});

Deno.test("f64 decimal literals agree with JavaScript's correctly rounded parse", () => {
  const view = new DataView(new ArrayBuffer(8));
  let seed = 12345;
  const rand = () =>
    (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 2000; i++) {
    const lit = `${Math.floor(rand() * 1e9)}.${Math.floor(rand() * 1e9)}e${
      Math.floor(rand() * 600) - 300
    }`;
    view.setFloat64(0, Number(lit));
    assert.equal(parseFloatBits(lit, "f64"), view.getBigUint64(0), lit);
  }
});

Deno.test("integer literal ranges", () => {
  assert.equal(parseIntBits("-1", 32), 0xffffffffn);
  assert.equal(parseIntBits("0xffff_ffff", 32), 0xffffffffn);
  assert.equal(parseIntBits("-0x8000_0000", 32), 0x80000000n);
  assert.throws(() => parseIntBits("-0x8000_0001", 32));
  assert.throws(() => parseIntBits("0x1_0000_0000", 32));
  assert.equal(parseIntBits("-9223372036854775808", 64), 0x8000000000000000n);
  assert.equal(parseIntBits("18446744073709551615", 64), 0xffffffffffffffffn);
});

function list(text: string): SList {
  return readSExprs(text)[0] as SList;
}

Deno.test("NaN patterns follow the spec's definitions", () => {
  // canonical: only the quiet bit in the payload, either sign.
  assert.ok(matchesNan(0x7fc00000n, "f32", "canonical"));
  assert.ok(matchesNan(0xffc00000n, "f32", "canonical"));
  assert.ok(!matchesNan(0x7fc00001n, "f32", "canonical"));
  assert.ok(!matchesNan(0x7f800001n, "f32", "canonical")); // signalling
  // arithmetic: quiet bit set, any payload.
  assert.ok(matchesNan(0x7fc00001n, "f32", "arithmetic"));
  assert.ok(matchesNan(0xfff8000000000001n, "f64", "arithmetic"));
  assert.ok(!matchesNan(0x7ff0000000000001n, "f64", "arithmetic"));
  assert.ok(!matchesNan(0x7ff0000000000000n, "f64", "arithmetic")); // infinity
  const canon = parseResultPattern(list("(f32.const nan:canonical)"));
  assert.ok(matchResult(canon, { type: "f32", bits: 0x7fc00000n }));
  assert.ok(!matchResult(canon, { type: "f64", bits: 0x7ff8000000000000n }));
});

Deno.test("results compare floats bitwise and refs by kind", () => {
  const negZero = parseResultPattern(list("(f64.const -0)"));
  assert.ok(matchResult(negZero, { type: "f64", bits: 0x8000000000000000n }));
  assert.ok(!matchResult(negZero, { type: "f64", bits: 0n }));
  assert.ok(
    matchResult(parseResultPattern(list("(ref.null func)")), {
      type: "funcref",
      ref: null,
    }),
  );
  assert.ok(
    !matchResult(parseResultPattern(list("(ref.null func)")), {
      type: "externref",
      ref: null,
    }),
  );
  assert.ok(
    matchResult(parseResultPattern(list("(ref.extern 3)")), {
      type: "externref",
      ref: 3,
    }),
  );
  assert.ok(
    !matchResult(parseResultPattern(list("(ref.extern 3)")), {
      type: "externref",
      ref: 4,
    }),
  );
  assert.ok(
    matchResult(parseResultPattern(list("(ref.func)")), {
      type: "funcref",
      ref: "func",
    }),
  );
  assert.ok(
    !matchResult(parseResultPattern(list("(ref.func)")), {
      type: "funcref",
      ref: null,
    }),
  );
  const either = parseResultPattern(
    list("(either (i32.const 1) (i32.const 2))"),
  );
  assert.ok(matchResult(either, { type: "i32", bits: 2n }));
  assert.ok(!matchResult(either, { type: "i32", bits: 3n }));
  assert.match(formatPattern(either), /either/);
});

Deno.test("v128 constants and per-lane patterns", () => {
  const v = parseConst(list("(v128.const i32x4 1 -1 0x10 0)"));
  assert.deepEqual(v, {
    type: "v128",
    bits: (0x10n << 64n) | (0xffffffffn << 32n) | 1n,
  });
  assert.equal(toWire(v), "v128:0000000000000010ffffffff00000001");
  assert.deepEqual(fromWire(toWire(v)), v);
  const bytes = parseConst(
    list("(v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 -1)"),
  );
  assert.deepEqual(
    unpackLanes("i8x16", (bytes as { bits: bigint }).bits)[15],
    0xffn,
  );
  const pattern = parseResultPattern(
    list("(v128.const f32x4 nan:canonical 1.0 nan:arithmetic -0)"),
  );
  const lanes = [0x7fc00000n, 0x3f800000n, 0xffc00123n, 0x80000000n];
  assert.ok(
    matchResult(pattern, { type: "v128", bits: packLanes("f32x4", lanes) }),
  );
  lanes[3] = 0n;
  assert.ok(
    !matchResult(pattern, { type: "v128", bits: packLanes("f32x4", lanes) }),
  );
});

Deno.test("wire values round-trip", () => {
  for (
    const v of [
      { type: "i32", bits: 0xdeadbeefn },
      { type: "i64", bits: 0x8000000000000001n },
      { type: "f32", bits: 0x7fa00000n },
      { type: "f64", bits: 0xfff0000000000001n },
      { type: "funcref", ref: null },
      { type: "externref", ref: 42 },
    ] as const
  ) {
    assert.deepEqual(fromWire(toWire(v)), v);
  }
  assert.throws(() => fromWire("i32:xyz"));
});
