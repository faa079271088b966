/**
 * The V8 side, in a worker so that a runaway module can be terminated:
 * instantiates the logger, the fuzzed module and the memory reader, calls
 * every export as binaryen's fuzz shell does (hang limit reset first, zero
 * arguments) and posts one message per call, then `{ done: true }`.
 *
 * @module
 */

/// <reference lib="deno.worker" />

import type { CallOutcome, ModuleOutcome } from "./outcome.ts";
import { trapCategory } from "./outcome.ts";
import { FUZZED_MODULE, LOGGER_MODULE, MEMORY_EXPORT } from "./logger.ts";
import { HANG_LIMIT_EXPORT, type InstrumentedModule } from "./instrument.ts";
import { jsToWire, zeroArg } from "./v8_values.ts";

/** What the worker is asked to run. */
export interface V8Job {
  module: InstrumentedModule;
  logger: Uint8Array;
  reader: Uint8Array;
  /** Stop after this call, with a copy of the memory in its outcome. */
  dumpMemoryAfter?: number;
}

/** A message from the worker. */
export type V8Message =
  | { instantiate: ModuleOutcome["instantiate"] }
  | { call: CallOutcome }
  | { done: true };

type Exports = Record<string, unknown>;

function ended(e: unknown): Pick<CallOutcome, "end" | "trap" | "message"> {
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return { end: "exhausted", message: e.message };
  }
  if (e instanceof WebAssembly.RuntimeError) {
    return { end: "trap", trap: trapCategory(e.message), message: e.message };
  }
  if (e instanceof WebAssembly.LinkError) {
    return { end: "error", message: `unlinkable: ${e.message}` };
  }
  return { end: "error", message: String(e) };
}

function hex64(v: bigint): string {
  return BigInt.asUintN(64, v).toString(16).padStart(16, "0");
}

function run(job: V8Job): void {
  const post = (m: V8Message) => self.postMessage(m);
  const logger = new WebAssembly.Instance(
    new WebAssembly.Module(job.logger as Uint8Array<ArrayBuffer>),
  )
    .exports as Exports;
  let fuzzed: Exports;
  try {
    fuzzed = new WebAssembly.Instance(
      new WebAssembly.Module(job.module.bytes as Uint8Array<ArrayBuffer>),
      { [LOGGER_MODULE]: logger as WebAssembly.ModuleImports },
    ).exports as Exports;
  } catch (e) {
    post({ instantiate: ended(e) });
    post({ done: true });
    return;
  }
  post({ instantiate: { end: "ok" } });
  const reader = job.module.memory
    ? new WebAssembly.Instance(
      new WebAssembly.Module(job.reader as Uint8Array<ArrayBuffer>),
      {
        [FUZZED_MODULE]: {
          [MEMORY_EXPORT]: fuzzed[MEMORY_EXPORT] as WebAssembly.Memory,
        },
      },
    ).exports as Exports
    : undefined;
  const fn = (x: Exports, name: string) =>
    x[name] as (...args: unknown[]) => unknown;
  for (const [index, call] of job.module.calls.entries()) {
    fn(logger, "reset")();
    const out: CallOutcome = {
      name: call.name,
      end: "ok",
      values: [],
      logCount: 0,
      logHash: "",
      globals: [],
    };
    try {
      if (job.module.hangLimit) fn(fuzzed, HANG_LIMIT_EXPORT)();
      const r = fn(fuzzed, call.name)(...call.params.map(zeroArg));
      const values = call.results.length === 1 ? [r] : (r as unknown[]) ?? [];
      out.values = call.results.map((t, i) => jsToWire(t, values[i]));
    } catch (e) {
      Object.assign(out, ended(e));
    }
    out.logCount = fn(logger, "count")() as number;
    out.logHash = hex64(fn(logger, "hash")() as bigint);
    out.globals = job.module.globals.map((g) =>
      jsToWire(g.type, (fuzzed[g.name] as WebAssembly.Global).value)
    );
    if (reader) {
      const pages = fn(reader, "pages")() as number;
      out.memory = {
        pages,
        hash: hex64(fn(reader, "hash")(0, pages * 65536) as bigint),
      };
    }
    if (index === job.dumpMemoryAfter && fuzzed[MEMORY_EXPORT]) {
      out.memoryBytes = new Uint8Array(
        (fuzzed[MEMORY_EXPORT] as WebAssembly.Memory).buffer,
      ).slice();
      post({ call: out });
      break;
    }
    post({ call: out });
    if (out.end === "exhausted" || out.end === "error") break;
  }
  post({ done: true });
}

self.onmessage = (e: MessageEvent<V8Job>) => {
  try {
    run(e.data);
  } catch (err) {
    self.postMessage({ instantiate: { end: "error", message: String(err) } });
    self.postMessage({ done: true });
  }
};
