/**
 * Runs modules in V8 (Deno's own WebAssembly) in a worker, with a time
 * limit per module: a module that does not finish in time has its worker
 * terminated, and what it reported until then is kept.
 *
 * @module
 */

import type { InstrumentedModule } from "./instrument.ts";
import type { ModuleOutcome } from "./outcome.ts";
import type { V8Job, V8Message } from "./v8_worker.ts";

/** One worker, reused across modules until it has to be terminated. */
export class V8Runner {
  #worker?: Worker;

  #spawn(): Worker {
    return this.#worker ??= new Worker(
      new URL("./v8_worker.ts", import.meta.url),
      { type: "module" },
    );
  }

  /** Runs one instrumented module; never throws. */
  run(
    module: InstrumentedModule,
    logger: Uint8Array,
    reader: Uint8Array,
    timeoutMs: number,
    dumpMemoryAfter?: number,
  ): Promise<ModuleOutcome> {
    const worker = this.#spawn();
    const outcome: ModuleOutcome = {
      instantiate: { end: "timeout" },
      calls: [],
    };
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        worker.onmessage = null;
        worker.onerror = null;
        resolve(outcome);
      };
      const timer = setTimeout(() => {
        this.close();
        const pending = module.calls[outcome.calls.length];
        if (outcome.instantiate.end === "ok" && pending) {
          outcome.calls.push({
            name: pending.name,
            end: "timeout",
            values: [],
            message: `no result within ${timeoutMs / 1000} s`,
            logCount: 0,
            logHash: "",
            globals: [],
          });
        }
        finish();
      }, timeoutMs);
      worker.onmessage = (e: MessageEvent<V8Message>) => {
        const m = e.data;
        if ("instantiate" in m) outcome.instantiate = m.instantiate;
        else if ("call" in m) outcome.calls.push(m.call);
        else finish();
      };
      worker.onerror = (e: ErrorEvent) => {
        e.preventDefault();
        this.close();
        outcome.instantiate = { end: "crash", message: e.message };
        finish();
      };
      const job: V8Job = { module, logger, reader, dumpMemoryAfter };
      worker.postMessage(job);
    });
  }

  /** Terminates the worker (a new one starts on the next run). */
  close(): void {
    this.#worker?.terminate();
    this.#worker = undefined;
  }
}
