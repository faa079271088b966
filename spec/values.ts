/**
 * Wasm values as the harness sees them: exact numeric literals of the text
 * format (integers, floats with correct rounding, NaN payloads, v128 lanes)
 * turned into bit patterns, the lossless wire format of the spec driver,
 * and the spec's result patterns (`nan:canonical`, `nan:arithmetic`,
 * `ref.func`, `either`, per-lane v128 patterns) with their matching rules.
 *
 * @module
 */

import type { SExpr, SList } from "./sexpr.ts";

/** Numeric value types. */
export type NumType = "i32" | "i64" | "f32" | "f64" | "v128";
/** Reference types the harness can pass and compare. */
export type RefType = "funcref" | "externref";

/** A concrete Wasm value: numbers as unsigned bit patterns. */
export type Value =
  | { type: NumType; bits: bigint }
  | { type: RefType; ref: null | "func" | number };

/** What one lane of an expected v128 must be. */
export type LanePattern = { bits: bigint } | {
  nan: "canonical" | "arithmetic";
};

/** What one result of an `assert_return` must be. */
export type ResultPattern =
  | { kind: "value"; value: Value }
  | { kind: "nan"; type: "f32" | "f64"; nan: "canonical" | "arithmetic" }
  | { kind: "v128"; shape: string; lanes: LanePattern[] }
  | { kind: "ref_any"; type: RefType }
  | { kind: "either"; options: ResultPattern[] }
  | { kind: "unsupported"; what: string };

const FLOAT_FORMATS = {
  f32: { mant: 23, expBits: 8 },
  f64: { mant: 52, expBits: 11 },
} as const;

const LANE_SHAPES: Record<
  string,
  { lanes: number; width: number; float?: "f32" | "f64" }
> = {
  i8x16: { lanes: 16, width: 8 },
  i16x8: { lanes: 8, width: 16 },
  i32x4: { lanes: 4, width: 32 },
  i64x2: { lanes: 2, width: 64 },
  f32x4: { lanes: 4, width: 32, float: "f32" },
  f64x2: { lanes: 2, width: 64, float: "f64" },
};

/** A well-formed script construct the harness does not support (3.0 types). */
export class UnsupportedError extends Error {
  /** Builds the error. */
  constructor(message: string) {
    super(message);
    this.name = "UnsupportedError";
  }
}

// The text format's numerals: `_` only between two digits.
const NUM = "[0-9](?:_?[0-9])*";
const HEXNUM = "[0-9a-fA-F](?:_?[0-9a-fA-F])*";
const INT_LITERAL = new RegExp(`^[+-]?(?:0x${HEXNUM}|${NUM})$`);
const FLOAT_LITERAL = new RegExp(
  `^[+-]?(?:${NUM}(?:\\.(?:${NUM})?)?(?:[eE][+-]?${NUM})?` +
    `|0x${HEXNUM}(?:\\.(?:${HEXNUM})?)?(?:[pP][+-]?${NUM})?|inf|nan|nan:0x${HEXNUM})$`,
);

/**
 * Parses an integer literal (`-12`, `0xFF_FF`, `+3`) of `width` bits into
 * its unsigned bit pattern. Accepts the signed and the unsigned range.
 */
export function parseIntBits(text: string, width: number): bigint {
  if (!INT_LITERAL.test(text)) throw new Error(`bad integer literal ${text}`);
  let s = text.replaceAll("_", "");
  let neg = false;
  if (s[0] === "+" || s[0] === "-") {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  const mag = BigInt(s);
  const limit = 1n << BigInt(width);
  if (neg ? mag > limit / 2n : mag >= limit) {
    throw new Error(`integer literal ${text} out of range for ${width} bits`);
  }
  return neg ? (limit - mag) % limit : mag;
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** Rounds sign * num/den to the nearest float of `type` (ties to even). */
function roundToFloat(
  neg: boolean,
  num: bigint,
  den: bigint,
  type: "f32" | "f64",
): bigint {
  const { mant, expBits } = FLOAT_FORMATS[type];
  const total = BigInt(1 + expBits + mant);
  const sign = neg ? 1n << (total - 1n) : 0n;
  if (num === 0n) return sign;
  const p = mant + 1;
  const bias = (1 << (expBits - 1)) - 1;
  const emin = 1 - bias;
  let e = bitLength(num) - bitLength(den);
  const below = e >= 0 ? num < den << BigInt(e) : num << BigInt(-e) < den;
  if (below) e--;
  if (e < emin) e = emin;
  const shift = p - 1 - e;
  const n = shift >= 0 ? num << BigInt(shift) : num;
  const d = shift >= 0 ? den : den << BigInt(-shift);
  let q = n / d;
  const r2 = (n % d) * 2n;
  if (r2 > d || (r2 === d && (q & 1n) === 1n)) q++;
  if (q === 1n << BigInt(p)) {
    q >>= 1n;
    e++;
  }
  const expMask = (1n << BigInt(expBits)) - 1n;
  if (e > bias) return sign | (expMask << BigInt(mant)); // infinity
  if (q < 1n << BigInt(p - 1)) return sign | q; // subnormal
  const mantissa = q - (1n << BigInt(p - 1));
  return sign | (BigInt(e + bias) << BigInt(mant)) | mantissa;
}

/**
 * Parses a float literal of the text format (decimal, hex `0x1.8p3`,
 * `inf`, `nan`, `nan:0x...`, signs, underscores) into the bit pattern of
 * `type`, rounding exactly (ties to even), as the spec requires.
 */
export function parseFloatBits(text: string, type: "f32" | "f64"): bigint {
  const { mant, expBits } = FLOAT_FORMATS[type];
  const total = 1 + expBits + mant;
  if (!FLOAT_LITERAL.test(text)) throw new Error(`bad float literal ${text}`);
  let s = text.replaceAll("_", "");
  let neg = false;
  if (s[0] === "+" || s[0] === "-") {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  const sign = neg ? 1n << BigInt(total - 1) : 0n;
  const expAll = ((1n << BigInt(expBits)) - 1n) << BigInt(mant);
  if (s === "inf") return sign | expAll;
  if (s === "nan") return sign | expAll | (1n << BigInt(mant - 1));
  if (s.startsWith("nan:0x")) {
    const payload = BigInt(s.slice(4));
    if (payload === 0n || payload >= 1n << BigInt(mant)) {
      throw new Error(`NaN payload out of range in ${text}`);
    }
    return sign | expAll | payload;
  }
  let m: RegExpMatchArray | null;
  if (
    (m = s.match(
      /^0x([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?[0-9]+))?$/,
    ))
  ) {
    const intPart = m[1], frac = m[2] ?? "";
    if (intPart === "" && frac === "") {
      throw new Error(`bad float literal ${text}`);
    }
    const digits = BigInt("0x" + (intPart + frac || "0"));
    const exp = Number(m[3] ?? "0") - 4 * frac.length;
    const mag = bitLength(digits) + exp;
    if (digits === 0n || mag < -1200) return sign;
    if (mag > 1100) return sign | expAll;
    return exp >= 0
      ? roundToFloat(neg, digits << BigInt(exp), 1n, type)
      : roundToFloat(neg, digits, 1n << BigInt(-exp), type);
  }
  if ((m = s.match(/^([0-9]+)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$/))) {
    const intPart = m[1], frac = m[2] ?? "";
    const digits = BigInt(intPart + frac);
    const exp = Number(m[3] ?? "0") - frac.length;
    const mag = digits.toString().length + exp;
    if (digits === 0n || mag < -400) return sign;
    if (mag > 400) return sign | expAll;
    return exp >= 0
      ? roundToFloat(neg, digits * 10n ** BigInt(exp), 1n, type)
      : roundToFloat(neg, digits, 10n ** BigInt(-exp), type);
  }
  throw new Error(`bad float literal ${text}`);
}

function atomText(e: SExpr | undefined, what: string): string {
  if (!e || e.kind !== "atom") throw new Error(`expected ${what}`);
  return e.text;
}

function head(list: SList): string {
  return atomText(list.items[0], "an instruction");
}

function parseLanes(
  list: SList,
  allowNan: boolean,
): { shape: string; lanes: LanePattern[] } {
  const shape = atomText(list.items[1], "a v128 lane shape");
  const info = LANE_SHAPES[shape];
  if (!info) throw new Error(`unknown v128 shape ${shape}`);
  const items = list.items.slice(2);
  if (items.length !== info.lanes) {
    throw new Error(
      `v128.const ${shape} needs ${info.lanes} lanes, got ${items.length}`,
    );
  }
  const lanes = items.map((item): LanePattern => {
    const t = atomText(item, "a lane value");
    if (info.float) {
      if (allowNan && (t === "nan:canonical" || t === "nan:arithmetic")) {
        return { nan: t.slice(4) as "canonical" | "arithmetic" };
      }
      return { bits: parseFloatBits(t, info.float) };
    }
    return { bits: parseIntBits(t, info.width) };
  });
  return { shape, lanes };
}

/** Packs lane bit patterns (lane 0 lowest) into one 128-bit integer. */
export function packLanes(shape: string, lanes: bigint[]): bigint {
  const width = BigInt(LANE_SHAPES[shape].width);
  let v = 0n;
  for (let i = lanes.length - 1; i >= 0; i--) v = (v << width) | lanes[i];
  return v;
}

/** Splits a 128-bit value into lanes of `shape` (lane 0 first). */
export function unpackLanes(shape: string, v: bigint): bigint[] {
  const { lanes, width } = LANE_SHAPES[shape];
  const mask = (1n << BigInt(width)) - 1n;
  const out: bigint[] = [];
  for (let i = 0; i < lanes; i++) out.push((v >> BigInt(i * width)) & mask);
  return out;
}

/**
 * Parses an argument constant: `(i32.const 1)`, `(f32.const nan:0x200000)`,
 * `(v128.const i16x8 ...)`, `(ref.null func)`, `(ref.extern 3)`.
 */
export function parseConst(list: SList): Value {
  const op = head(list);
  const arg = () => atomText(list.items[1], `an operand for ${op}`);
  switch (op) {
    case "i32.const":
      return { type: "i32", bits: parseIntBits(arg(), 32) };
    case "i64.const":
      return { type: "i64", bits: parseIntBits(arg(), 64) };
    case "f32.const":
      return { type: "f32", bits: parseFloatBits(arg(), "f32") };
    case "f64.const":
      return { type: "f64", bits: parseFloatBits(arg(), "f64") };
    case "v128.const": {
      const { shape, lanes } = parseLanes(list, false);
      return {
        type: "v128",
        bits: packLanes(shape, lanes.map((l) => (l as { bits: bigint }).bits)),
      };
    }
    case "ref.null": {
      const t = list.items[1] ? atomText(list.items[1], "a heap type") : "func";
      if (t === "func" || t === "funcref") {
        return { type: "funcref", ref: null };
      }
      if (t === "extern" || t === "externref") {
        return { type: "externref", ref: null };
      }
      throw new UnsupportedError(`unsupported reference type ${t}`);
    }
    case "ref.extern":
    case "ref.host":
      return { type: "externref", ref: Number(parseIntBits(arg(), 32)) };
    default:
      throw new UnsupportedError(`unsupported constant ${op}`);
  }
}

/** Parses one expected result of `assert_return`. */
export function parseResultPattern(e: SExpr): ResultPattern {
  if (e.kind !== "list") throw new Error("expected a result");
  const op = head(e);
  switch (op) {
    case "f32.const":
    case "f64.const": {
      const t = atomText(e.items[1], `an operand for ${op}`);
      if (t === "nan:canonical" || t === "nan:arithmetic") {
        return {
          kind: "nan",
          type: op.slice(0, 3) as "f32" | "f64",
          nan: t.slice(4) as "canonical",
        };
      }
      return { kind: "value", value: parseConst(e) };
    }
    case "v128.const": {
      const { shape, lanes } = parseLanes(e, true);
      return { kind: "v128", shape, lanes };
    }
    case "ref.func":
      return { kind: "ref_any", type: "funcref" };
    case "either":
      return {
        kind: "either",
        options: e.items.slice(1).map(parseResultPattern),
      };
    case "ref.null":
      if (e.items.length === 1) {
        return { kind: "unsupported", what: "untyped ref.null result" };
      }
      try {
        return { kind: "value", value: parseConst(e) };
      } catch {
        return {
          kind: "unsupported",
          what: `(ref.null ${(e.items[1] as { text: string }).text}) result`,
        };
      }
    case "ref.extern":
      if (e.items.length === 1) return { kind: "ref_any", type: "externref" };
      return { kind: "value", value: parseConst(e) };
    case "i32.const":
    case "i64.const":
      return { kind: "value", value: parseConst(e) };
    default:
      return { kind: "unsupported", what: `${op} result` };
  }
}

function isCanonicalNan(bits: bigint, type: "f32" | "f64"): boolean {
  const { mant, expBits } = FLOAT_FORMATS[type];
  const magnitude = bits & ((1n << BigInt(mant + expBits)) - 1n);
  return magnitude ===
    ((((1n << BigInt(expBits)) - 1n) << BigInt(mant)) |
      (1n << BigInt(mant - 1)));
}

function isArithmeticNan(bits: bigint, type: "f32" | "f64"): boolean {
  const { mant, expBits } = FLOAT_FORMATS[type];
  const expAll = ((1n << BigInt(expBits)) - 1n) << BigInt(mant);
  return (bits & expAll) === expAll && (bits & (1n << BigInt(mant - 1))) !== 0n;
}

/** Whether float `bits` is the NaN kind the spec's `nan:...` pattern names. */
export function matchesNan(
  bits: bigint,
  type: "f32" | "f64",
  nan: "canonical" | "arithmetic",
): boolean {
  return nan === "canonical"
    ? isCanonicalNan(bits, type)
    : isArithmeticNan(bits, type);
}

/** Whether `actual` satisfies `pattern` by the spec's rules (floats bitwise). */
export function matchResult(pattern: ResultPattern, actual: Value): boolean {
  switch (pattern.kind) {
    case "value": {
      const want = pattern.value;
      if (want.type !== actual.type) return false;
      if ("bits" in want) return "bits" in actual && want.bits === actual.bits;
      return "ref" in actual && want.ref === actual.ref;
    }
    case "nan":
      return actual.type === pattern.type && "bits" in actual &&
        matchesNan(actual.bits, pattern.type, pattern.nan);
    case "v128": {
      if (actual.type !== "v128" || !("bits" in actual)) return false;
      const lanes = unpackLanes(pattern.shape, actual.bits);
      const float = LANE_SHAPES[pattern.shape].float;
      return pattern.lanes.every((l, i) =>
        "bits" in l
          ? l.bits === lanes[i]
          : float !== undefined && matchesNan(lanes[i], float, l.nan)
      );
    }
    case "ref_any":
      return actual.type === pattern.type && "ref" in actual &&
        actual.ref !== null;
    case "either":
      return pattern.options.some((p) => matchResult(p, actual));
    case "unsupported":
      return false;
  }
}

const HEX_DIGITS: Record<NumType, number> = {
  i32: 8,
  i64: 16,
  f32: 8,
  f64: 16,
  v128: 32,
};

/**
 * The driver's wire form of a value: `i32:0000002a`, `f64:<16 hex>`,
 * `v128:<32 hex, the 128-bit little-endian value, most significant first>`,
 * `funcref:null`, `funcref:func`, `externref:null`, `externref:7`.
 */
export function toWire(v: Value): string {
  if ("bits" in v) {
    return `${v.type}:${v.bits.toString(16).padStart(HEX_DIGITS[v.type], "0")}`;
  }
  return `${v.type}:${v.ref === null ? "null" : v.ref}`;
}

/** Parses a wire value (see toWire). */
export function fromWire(token: string): Value {
  const colon = token.indexOf(":");
  const type = token.slice(0, colon);
  const rest = token.slice(colon + 1);
  if (type in HEX_DIGITS) {
    if (!/^[0-9a-f]+$/.test(rest)) throw new Error(`bad wire value ${token}`);
    return { type: type as NumType, bits: BigInt("0x" + rest) };
  }
  if (type === "funcref" || type === "externref") {
    if (rest === "null") return { type, ref: null };
    if (rest === "func") return { type, ref: "func" };
    if (/^[0-9]+$/.test(rest)) return { type, ref: Number(rest) };
  }
  throw new Error(`bad wire value ${token}`);
}

function floatOf(bits: bigint, type: "f32" | "f64"): number {
  const view = new DataView(new ArrayBuffer(8));
  if (type === "f32") {
    view.setUint32(0, Number(bits));
    return view.getFloat32(0);
  }
  view.setBigUint64(0, bits);
  return view.getFloat64(0);
}

/** A readable form of a value for failure messages: `f32:0x3fc00000 (1.5)`. */
export function formatValue(v: Value): string {
  if (!("bits" in v)) return toWire(v);
  const hex = `0x${v.bits.toString(16).padStart(HEX_DIGITS[v.type], "0")}`;
  switch (v.type) {
    case "i32":
      return `i32:${hex} (${BigInt.asIntN(32, v.bits)})`;
    case "i64":
      return `i64:${hex} (${BigInt.asIntN(64, v.bits)})`;
    case "f32":
    case "f64":
      return `${v.type}:${hex} (${floatOf(v.bits, v.type)})`;
    default:
      return `v128:${hex}`;
  }
}

/** A readable form of a result pattern for failure messages. */
export function formatPattern(p: ResultPattern): string {
  switch (p.kind) {
    case "value":
      return formatValue(p.value);
    case "nan":
      return `${p.type}:nan:${p.nan}`;
    case "v128":
      return `v128 ${p.shape} [${
        p.lanes.map((
          l,
        ) => ("bits" in l ? `0x${l.bits.toString(16)}` : `nan:${l.nan}`)).join(
          " ",
        )
      }]`;
    case "ref_any":
      return `${p.type}:non-null`;
    case "either":
      return `either(${p.options.map(formatPattern).join(" | ")})`;
    case "unsupported":
      return `<${p.what}>`;
  }
}
