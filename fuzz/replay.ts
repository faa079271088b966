/**
 * Replays saved modules: one reproducer (`deno task fuzz --replay FILE`,
 * which is also the command wasm-reduce runs) or a folder of regression
 * modules.
 *
 * @module
 */

import {
  closeContext,
  openContext,
  runModule,
  type RunOptions,
} from "./campaign.ts";
import type { Comparison } from "./compare.ts";
import { V8Runner } from "./v8_runner.ts";
import { watToWasm } from "../spec/toolchain.ts";

/** Runs each module in both engines and compares; results in order. */
export async function replayModules(
  modules: Uint8Array[],
  options: RunOptions = {},
): Promise<Comparison[]> {
  const ctx = await openContext(options);
  const v8 = new V8Runner();
  try {
    const out: Comparison[] = [];
    for (const bytes of modules) {
      out.push((await runModule(bytes, ctx, v8)).comparison);
    }
    return out;
  } finally {
    v8.close();
    await closeContext(ctx);
  }
}

/** Runs each file (a .wasm, or a .wat/.wast text) in both engines and compares. */
export async function replayFiles(
  paths: string[],
  options: RunOptions = {},
): Promise<Comparison[]> {
  const modules = await Promise.all(
    paths.map(async (p) =>
      /\.(wat|wast)$/.test(p)
        ? await watToWasm(await Deno.readTextFile(p), p)
        : await Deno.readFile(p)
    ),
  );
  return await replayModules(modules, options);
}

/**
 * The one line a replay prints: `match`, or `mismatch <kind>` (wasm-reduce
 * keeps a reduction when this line and the exit code stay the same, so it
 * names the kind only, not values that shrink with the module).
 */
export function replayLine(c: Comparison): string {
  if (c.rejected) return "rejected";
  return c.mismatch ? `mismatch ${c.mismatch.kind}` : "match";
}
