/**
 * The Godwit side: the spec harness's machinery, unchanged. Modules are
 * compiled to shared objects (spec/toolchain.ts, cached) and driven in a
 * spec_driver process over its line protocol (spec/driver_protocol.ts): the
 * logger is loaded and registered as `fuzzing-support`, the fuzzed module
 * links to it, and the memory reader links to the fuzzed module.
 *
 * With checkpoint injection, a second, identical set of instances runs each
 * call with `crinvoke` (the spec harness's `--cr` request): the driver
 * checkpoints at migration points it picks, restores each snapshot into a
 * fresh instance, finishes the call there and compares it with the
 * uninterrupted run. A second set, because the repeated runs append to their
 * logger, which must not disturb the log compared with V8.
 *
 * @module
 */

import {
  crInvokeRequest,
  type DriverReply,
  getRequest,
  invokeRequest,
  loadRequest,
  registerRequest,
  SpecDriver,
} from "../spec/driver_protocol.ts";
import type { ModuleCompiler } from "../spec/toolchain.ts";
import { fromWire } from "../spec/values.ts";
import { HANG_LIMIT_EXPORT, type InstrumentedModule } from "./instrument.ts";
import { FUZZED_MODULE, hashBytes, LOGGER_MODULE } from "./logger.ts";
import type { CallOutcome, EndKind, ModuleOutcome } from "./outcome.ts";
import { trapCategory } from "./outcome.ts";

/** Checkpoint injection settings for the Godwit side. */
export interface GodwitCrOptions {
  /** At most this many migration points checked per call. */
  maxPoints: number;
  /** Per-call time budget for checks, in ms. */
  budgetMs: number;
}

/** What the Godwit side needs. */
export interface GodwitContext {
  driverPath: string;
  driverArgs?: string[];
  compiler: ModuleCompiler;
  /** Compiled logger and reader (compiled once per run). */
  loggerSo: string;
  readerSo: string;
  /** Per-request limit, ms. */
  timeoutMs: number;
  cr?: GodwitCrOptions;
  /** Stop after this call and locate where memory differs from `expected`. */
  locateMemory?: { after: number; expected: Uint8Array };
}

const ZERO: Record<string, string> = {
  i32: "i32:00000000",
  i64: "i64:0000000000000000",
  f32: "f32:00000000",
  f64: "f64:0000000000000000",
  v128: "v128:00000000000000000000000000000000",
  funcref: "funcref:null",
  externref: "externref:null",
};

function endOf(
  reply: DriverReply,
): Pick<CallOutcome, "end" | "trap" | "message"> {
  switch (reply.kind) {
    case "ok":
      return { end: "ok" };
    case "trap":
      if (/call stack exhausted/.test(reply.message)) {
        return { end: "exhausted", message: reply.message };
      }
      return {
        end: "trap",
        trap: trapCategory(reply.message),
        message: reply.message,
      };
    case "timeout":
    case "crash":
      return { end: reply.kind, message: reply.message };
    default:
      return { end: "error", message: `${reply.kind}: ${reply.message}` };
  }
}

/** A harness request (not the fuzzed call itself) that did not succeed. */
class HarnessRequestFailed extends Error {
  /** The failed request and its reply. */
  constructor(readonly line: string, readonly reply: DriverReply) {
    super(
      `${line.split(" ")[0]} failed: ${reply.kind}: ${
        "message" in reply ? reply.message : ""
      }`,
    );
  }
}

/** The outcome of a call whose surrounding harness requests failed. */
function failedRead(name: string, e: unknown): CallOutcome {
  if (!(e instanceof HarnessRequestFailed)) throw e;
  const kind = e.reply.kind;
  return {
    name,
    end: kind === "timeout" || kind === "crash" ? kind : "error",
    values: [],
    message: `around the call, ${e.message}`,
    logCount: 0,
    logHash: "",
    globals: [],
  };
}

/**
 * An f32 or f64 window (any alignment: stores need none) that holds byte
 * `at` and is a quiet NaN in both byte arrays, if any.
 */
export function quietNanAround(
  a: Uint8Array,
  b: Uint8Array,
  at: number,
): { type: "f32" | "f64"; at: number } | undefined {
  const quiet = (x: Uint8Array, start: number, size: 4 | 8) => {
    const v = new DataView(x.buffer, x.byteOffset + start, size);
    if (size === 4) return (v.getUint32(0, true) & 0x7fc00000) === 0x7fc00000;
    return (v.getBigUint64(0, true) & 0x7ff8000000000000n) ===
      0x7ff8000000000000n;
  };
  for (const size of [4, 8] as const) {
    for (let s = Math.max(0, at - size + 1); s <= at; s++) {
      if (s + size > a.length) break;
      if (quiet(a, s, size) && quiet(b, s, size)) {
        return { type: size === 4 ? "f32" : "f64", at: s };
      }
    }
  }
  return undefined;
}

/** One set of instances: logger, fuzzed module, reader (ids in the driver). */
interface InstanceSet {
  logger: number;
  fuzzed: number;
  reader?: number;
}

/** Runs one instrumented module in Godwit; never throws. */
export async function runInGodwit(
  module: InstrumentedModule,
  ctx: GodwitContext,
): Promise<ModuleOutcome> {
  let so: string;
  try {
    so = await ctx.compiler.compile(module.bytes);
  } catch (e) {
    const msg = (e instanceof Error ? e.message : String(e)).split("\n")[0];
    return {
      instantiate: { end: "error", message: `compile failed: ${msg}` },
      calls: [],
    };
  }
  const driver = new SpecDriver(ctx.driverPath, ctx.driverArgs);
  const t = ctx.timeoutMs;
  try {
    let nextId = 0;
    const load = async (path: string): Promise<[number, DriverReply]> => {
      const id = nextId;
      const reply = await driver.request(loadRequest(id, path), t);
      if (reply.kind === "ok" || reply.kind === "trap") nextId++;
      return [id, reply];
    };
    const setUp = async (): Promise<InstanceSet | DriverReply> => {
      const [logger, lr] = await load(ctx.loggerSo);
      if (lr.kind !== "ok") return lr;
      await driver.request(registerRequest(LOGGER_MODULE, logger), t);
      const [fuzzed, fr] = await load(so);
      if (fr.kind !== "ok") return fr;
      if (!module.memory) return { logger, fuzzed };
      await driver.request(registerRequest(FUZZED_MODULE, fuzzed), t);
      const [reader, rr] = await load(ctx.readerSo);
      if (rr.kind !== "ok") return rr;
      return { logger, fuzzed, reader };
    };
    const main = await setUp();
    if (!("logger" in main)) {
      return { instantiate: endOf(main), calls: [] };
    }
    const shadow = ctx.cr ? await setUp() : undefined;
    if (shadow && !("logger" in shadow)) {
      return {
        instantiate: {
          end: "error",
          message: `second instance for --cr: ${endOf(shadow).message}`,
        },
        calls: [],
      };
    }
    const outcome: ModuleOutcome = { instantiate: { end: "ok" }, calls: [] };
    /** A request whose reply must be ok (its first value, if any). */
    const value = async (line: string): Promise<string | undefined> => {
      const r = await driver.request(line, t);
      if (r.kind !== "ok") throw new HarnessRequestFailed(line, r);
      return r.values[0];
    };
    const u = (wire: string | undefined): bigint => {
      if (!wire) return -1n;
      const v = fromWire(wire);
      return "bits" in v ? v.bits : -1n;
    };

    /** Makes one call on a set and reads the state after it. */
    const callOn = async (
      set: InstanceSet,
      index: number,
      cr: boolean,
    ): Promise<CallOutcome> => {
      const call = module.calls[index];
      try {
        await value(invokeRequest(set.logger, "reset", []));
        if (module.hangLimit) {
          await value(invokeRequest(set.fuzzed, HANG_LIMIT_EXPORT, []));
        }
      } catch (e) {
        return failedRead(call.name, e);
      }
      const args = call.params.map((p) => fromWire(ZERO[p]));
      const reply = cr && ctx.cr
        ? await driver.request(
          crInvokeRequest(set.fuzzed, call.name, args, {
            maxPoints: ctx.cr.maxPoints,
            within: 0,
            budgetMs: ctx.cr.budgetMs,
            freshEvery: 0,
            freshPrefix: "-",
            // Every point by the chained check; maxPoints sizes the full runs.
            chain: true,
            depthLimit: 0,
          }),
          t * 3 + ctx.cr.budgetMs,
        )
        : await driver.request(invokeRequest(set.fuzzed, call.name, args), t);
      const out: CallOutcome = {
        name: call.name,
        ...endOf(reply),
        values: reply.kind === "ok" ? reply.values : [],
        logCount: 0,
        logHash: "",
        globals: [],
      };
      if (reply.cr) {
        out.cr = {
          reached: reply.cr.reached,
          checked: reply.cr.checked,
          mismatched: reply.cr.mismatched,
          notCheckpointable: reply.cr.notCheckpointable,
          notCheckpointableReason: reply.cr.notCheckpointableReason,
          detail: reply.cr.detail,
        };
      }
      if (out.end === "timeout" || out.end === "crash") return out;
      try {
        await readState(set, out);
      } catch (e) {
        return { ...failedRead(call.name, e), values: out.values };
      }
      return out;
    };

    /** Reads the log, the globals and the memory after a call into `out`. */
    const readState = async (set: InstanceSet, out: CallOutcome) => {
      out.logCount = Number(
        u(await value(invokeRequest(set.logger, "count", []))),
      );
      out.logHash = u(await value(invokeRequest(set.logger, "hash", [])))
        .toString(16).padStart(16, "0");
      for (const g of module.globals) {
        out.globals.push(
          (await value(getRequest(set.fuzzed, g.name)))!,
        );
      }
      if (set.reader !== undefined) {
        const pages = Number(
          u(await value(invokeRequest(set.reader, "pages", []))),
        );
        const hash = u(
          await value(
            invokeRequest(set.reader, "hash", [
              { type: "i32", bits: 0n },
              { type: "i32", bits: BigInt(pages * 65536) & 0xffffffffn },
            ]),
          ),
        );
        out.memory = { pages, hash: hash.toString(16).padStart(16, "0") };
      }
    };

    /** Bisects with range hashes to the first bytes that differ. */
    const locateDifference = async (
      reader: number,
      expected: Uint8Array,
    ): Promise<string> => {
      const i32 = (n: number) => ({ type: "i32" as const, bits: BigInt(n) });
      const hashAt = async (at: number, len: number) =>
        u(await value(invokeRequest(reader, "hash", [i32(at), i32(len)])));
      const pages = Number(u(await value(invokeRequest(reader, "pages", []))));
      if (pages * 65536 !== expected.length) {
        return `godwit has ${pages} pages, v8 ${expected.length / 65536}`;
      }
      let lo = 0, len = expected.length;
      if (await hashAt(lo, len) === hashBytes(expected)) {
        return "the memories are equal now";
      }
      while (len > 8) {
        const half = Math.max(8, Math.floor(len / 16) * 8);
        const first = await hashAt(lo, half);
        if (first !== hashBytes(expected.subarray(lo, lo + half))) len = half;
        else {
          lo += half;
          len -= half;
        }
      }
      // The differing word, and 7 bytes either side for a float around it.
      const from = Math.max(0, lo - 7);
      const to = Math.min(expected.length, lo + len + 7);
      const mine = new Uint8Array(to - from);
      for (let a = from; a < to; a++) {
        mine[a - from] = Number(
          u(await value(invokeRequest(reader, "load8", [i32(a)]))),
        );
      }
      const theirs = expected.subarray(from, to);
      const hex = (b: Uint8Array) =>
        Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ");
      const first = mine.findIndex((b, i) => b !== theirs[i]);
      const nan = quietNanAround(mine, theirs, first);
      return `first difference at 0x${(from + first).toString(16)} ` +
        `(bytes 0x${from.toString(16)}..: godwit ${hex(mine)}, v8 ${
          hex(theirs)
        })${
          nan
            ? `; both are quiet NaNs as ${nan.type} at 0x${
              (from + nan.at).toString(16)
            } (an arithmetic NaN's sign and payload are nondeterministic)`
            : ""
        }`;
    };

    for (let i = 0; i < module.calls.length; i++) {
      const out = await callOn(main, i, false);
      if (shadow) {
        const again = await callOn(shadow, i, true);
        out.cr = again.cr;
        const differs = again.end !== out.end ||
          again.values.join(" ") !== out.values.join(" ") ||
          again.globals.join(" ") !== out.globals.join(" ") ||
          again.memory?.hash !== out.memory?.hash;
        if (differs && out.cr) {
          out.cr.mismatched++;
          out.cr.detail ||= `the crinvoke run ended ${again.end} ${
            again.values.join(" ")
          }, the plain run ${out.end} ${out.values.join(" ")}`;
        } else if (
          !out.cr && again.end !== "ok" && again.end !== "trap" &&
          again.end !== "exhausted"
        ) {
          out.cr = {
            reached: 0,
            checked: 0,
            mismatched: 1,
            notCheckpointable: 0,
            detail: `crinvoke: ${again.end} ${again.message ?? ""}`,
          };
        }
      }
      outcome.calls.push(out);
      const locate = ctx.locateMemory;
      if (locate && i === locate.after && main.reader !== undefined) {
        try {
          out.memoryDifference = await locateDifference(
            main.reader,
            locate.expected,
          );
        } catch (e) {
          out.memoryDifference = (e as Error).message;
        }
        break;
      }
      const stop: EndKind[] = ["timeout", "crash", "exhausted", "error"];
      if (stop.includes(out.end)) break;
    }
    return outcome;
  } finally {
    await driver.close();
  }
}
