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

/** Runs each file in both engines and compares; results in file order. */
export async function replayFiles(
  paths: string[],
  options: RunOptions = {},
): Promise<Comparison[]> {
  const ctx = await openContext(options);
  const v8 = new V8Runner();
  try {
    const out: Comparison[] = [];
    for (const p of paths) {
      out.push((await runModule(await Deno.readFile(p), ctx, v8)).comparison);
    }
    return out;
  } finally {
    v8.close();
    await closeContext(ctx);
  }
}

/**
 * The one line a replay prints: `match`, or `mismatch <kind>` (wasm-reduce
 * keeps a reduction when this line and the exit code stay the same, so it
 * names the kind only, not values that shrink with the module).
 */
export function replayLine(c: Comparison): string {
  return c.mismatch ? `mismatch ${c.mismatch.kind}` : "match";
}
