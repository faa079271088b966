/**
 * What one engine did with one module, in a form both engines produce and
 * {@link compare} can check: values in the spec driver's wire format
 * (`i32:0000002a`), except that a float V8 hands to JavaScript has lost its
 * NaN bits and is written `f32:nan` / `f64:nan`.
 *
 * @module
 */

/** How a call (or the instantiation) ended. */
export type EndKind =
  | "ok" // returned
  | "trap" // a Wasm trap (category in `trap`)
  | "exhausted" // call stack exhaustion (depth legitimately differs)
  | "timeout" // no answer within the time limit
  | "crash" // the engine's process died
  | "error"; // anything else (a harness or link error)

/** A trap's engine-independent category (see trapCategory). */
export type TrapCategory =
  | "unreachable"
  | "memory out of bounds"
  | "integer divide by zero"
  | "integer overflow"
  | "invalid conversion to integer"
  | "table out of bounds"
  | "indirect call failed"
  | "other";

/** One exported function call and the state after it. */
export interface CallOutcome {
  /** The export's name. */
  name: string;
  end: EndKind;
  /** Results when end is "ok". */
  values: string[];
  /** The trap's category when end is "trap". */
  trap?: TrapCategory;
  /** The engine's own words, for reports. */
  message?: string;
  /** Log entries this call wrote. */
  logCount: number;
  /** The logger's hash over them (NaNs canonicalized). */
  logHash: string;
  /** Every global's value after the call (wire form). */
  globals: string[];
  /** Memory size in pages and hash of its bytes after the call. */
  memory?: { pages: number; hash: string };
  /** V8: a copy of the memory after the call (when asked, to locate a difference). */
  memoryBytes?: Uint8Array;
  /** Godwit: where its memory first differs from `memoryBytes` (when asked). */
  memoryDifference?: string;
  /** Checkpoint injection's findings (Godwit with --cr). */
  cr?: {
    reached: number;
    checked: number;
    mismatched: number;
    notCheckpointable: number;
    /** Why not (the first such point's reason). */
    notCheckpointableReason?: string;
    detail: string;
  };
}

/** One module run in one engine. */
export interface ModuleOutcome {
  /** How instantiation ended (start function traps count). */
  instantiate: { end: EndKind; trap?: TrapCategory; message?: string };
  /** The calls made, in export order (stops at a timeout or crash). */
  calls: CallOutcome[];
}

const TRAP_PATTERNS: [RegExp, TrapCategory][] = [
  [/unreachable/i, "unreachable"],
  [/memory access|out of bounds memory|data segment/i, "memory out of bounds"],
  [/divide by zero|remainder by zero/i, "integer divide by zero"],
  [/integer overflow|divide result unrepresentable/i, "integer overflow"],
  [
    /invalid conversion|float unrepresentable|unrepresentable in integer/i,
    "invalid conversion to integer",
  ],
  [
    /table index|out of bounds table|undefined element|table access|element segment/i,
    "table out of bounds",
  ],
  [
    /null function|signature mismatch|uninitialized element|indirect call/i,
    "indirect call failed",
  ],
];

/**
 * Maps a trap message of either engine to its category: V8 and the spec
 * word traps differently, and V8 reports an uninitialized table slot and a
 * signature mismatch with one message ("null function or function
 * signature mismatch"), so those two are one category here.
 */
export function trapCategory(message: string): TrapCategory {
  for (const [re, cat] of TRAP_PATTERNS) if (re.test(message)) return cat;
  return "other";
}

const HEX_WIDTH: Record<string, number> = { f32: 8, f64: 16 };

function isNanBits(type: string, hex: string): boolean {
  const bits = BigInt("0x" + hex);
  if (type === "f32") {
    return (bits & 0x7f800000n) === 0x7f800000n && (bits & 0x7fffffn) !== 0n;
  }
  return (bits & 0x7ff0000000000000n) === 0x7ff0000000000000n &&
    (bits & 0xfffffffffffffn) !== 0n;
}

/** Whether a float wire value is a NaN (`f32:nan` or NaN bits). */
export function isNan(wire: string): boolean {
  const [type, rest] = wire.split(":");
  if (!(type in HEX_WIDTH)) return false;
  return rest === "nan" || isNanBits(type, rest);
}

/**
 * Whether two wire values are the same as far as the spec determines: equal
 * bits, or two NaNs when one side's bits are unknown (`nan`) or both are
 * quiet (an arithmetic result's sign and payload are nondeterministic); a
 * signaling NaN must keep its payload (non-arithmetic operations only).
 */
export function sameValue(a: string, b: string): boolean {
  if (a === b) return true;
  if (!isNan(a) || !isNan(b)) return false;
  const [ta, ra] = a.split(":");
  const [tb, rb] = b.split(":");
  if (ta !== tb) return false;
  if (ra === "nan" || rb === "nan") return true;
  const quiet = ta === "f32" ? 0x400000n : 0x8000000000000n;
  const sign = ta === "f32" ? 0x80000000n : 0x8000000000000000n;
  const x = BigInt("0x" + ra), y = BigInt("0x" + rb);
  if ((x & quiet) && (y & quiet)) return true;
  return (x & ~sign) === (y & ~sign);
}
