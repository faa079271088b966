/**
 * Replays the regression modules of fuzz/regress/ (reduced reproducers of
 * mismatches the fuzzer found): each must run the same in Godwit (x86-64 at
 * -O0 and -O2, aarch64 under qemu at -O2) and V8,
 * except those of KNOWN_MISMATCHES, which must still mismatch the stated way
 * (a fix is noticed: its entry must then leave the table).
 */

import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { replayFiles } from "./replay.ts";

/**
 * Reproducers of bugs not fixed yet (none now): file -> expected mismatch
 * kind, and why. A listed file must still mismatch that way.
 */
export const KNOWN_MISMATCHES: Record<
  string,
  { kind: string; reason: string }
> = {};

const dir = new URL("./regress/", import.meta.url).pathname;

Deno.test("fuzz regressions replay the same in Godwit and V8", async () => {
  const files = [...Deno.readDirSync(dir)]
    .filter((e) => e.isFile && /\.(wat|wasm)$/.test(e.name))
    .map((e) => e.name)
    .sort();
  assertEquals(files.length > 0, true, "no regression modules");
  // aarch64 (under qemu) at -O2 too: its codegen differs (e.g. scheduling).
  const runs = [
    { optLevel: 0, target: "x86_64" },
    { optLevel: 2, target: "x86_64" },
    { optLevel: 2, target: "aarch64" },
  ] as const;
  for (const { optLevel, target } of runs) {
    const results = await replayFiles(files.map((f) => dir + f), {
      optLevel,
      target,
    });
    const got = files.map((f, i) => {
      const m = results[i].mismatch;
      return {
        file: f,
        verdict: results[i].rejected
          ? `rejected: ${results[i].rejected}`
          : m
          ? `mismatch ${m.kind}: ${m.call} ${m.detail}`
          : "match",
      };
    });
    const want = files.map((f) => ({
      file: f,
      verdict: KNOWN_MISMATCHES[f]
        ? `mismatch ${KNOWN_MISMATCHES[f].kind}`
        : "match",
    }));
    // Known ones: only the kind is fixed (the detail names values).
    for (const g of got) {
      if (
        KNOWN_MISMATCHES[g.file] &&
        g.verdict.startsWith(
          want.find((w) => w.file === g.file)!.verdict + ":",
        )
      ) {
        g.verdict = `mismatch ${KNOWN_MISMATCHES[g.file].kind}`;
      }
    }
    assertEquals(got, want, `at -O${optLevel} on ${target}`);
  }
});
