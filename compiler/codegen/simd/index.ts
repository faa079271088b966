/**
 * The SIMD prelude: the helper of every SIMD instruction (helper.ts says how
 * they are written), gathered from the group files, and the IR text a module
 * needs: all helpers, the `i8x16.shuffle` helper of each mask it uses, the
 * and the declarations.
 *
 * @module
 */
import { BITWISE_HELPERS } from "./bitwise.ts";
import { FLOAT_HELPERS } from "./float.ts";
import {
  helperBody,
  helperIR,
  type SimdHelper,
  type SimdTarget,
} from "./helper.ts";
import { INTEGER_HELPERS } from "./integer.ts";
import { LANE_HELPERS, shuffleIR } from "./lanes.ts";
import { MEMORY_HELPERS } from "./memory.ts";

/** Every SIMD instruction's helper, by text name (`i8x16.shuffle` aside). */
export const SIMD_HELPERS: Readonly<Record<string, SimdHelper>> = {
  ...MEMORY_HELPERS,
  ...LANE_HELPERS,
  ...BITWISE_HELPERS,
  ...INTEGER_HELPERS,
  ...FLOAT_HELPERS,
};

const helpersText = new Map<SimdTarget, string>();

/** The SIMD prelude on `target` for a module using the shuffle masks `masks`. */
export function simdPreludeIR(
  masks: Iterable<Uint8Array>,
  target: SimdTarget = "x86_64",
): string {
  let text = helpersText.get(target);
  if (text === undefined) {
    const decls = new Set<string>();
    const defs: string[] = [];
    for (const [name, h] of Object.entries(SIMD_HELPERS)) {
      defs.push(helperIR(name, h, target));
      for (const d of helperBody(h, target).decls ?? []) decls.add(d);
    }
    text = [
      "; SIMD helpers (compiler/codegen/simd/)",
      ...defs,
      ...decls,
    ].join("\n\n");
    helpersText.set(target, text);
  }
  return [text, ...[...masks].map(shuffleIR)].join("\n\n") + "\n";
}
