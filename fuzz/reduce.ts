/**
 * Reduces a reproducer with binaryen's wasm-reduce, keeping the replay's
 * verdict (`mismatch <kind>`) unchanged, within a time limit (the best
 * module so far is kept when it runs out).
 *
 * @module
 */

import { TTF_FEATURES } from "./generate.ts";

/** How a reduction runs. */
export interface ReduceOptions {
  /** The replay command, without the file (e.g. `deno run -A fuzz/main.ts -O 2 --replay`). */
  replay: string[];
  /** Give up after this many seconds (the best module so far is kept). */
  timeoutSeconds: number;
}

/** What came out of a reduction. */
export interface Reduction {
  /** The reduced module (binary), when wasm-reduce produced one. */
  path?: string;
  /** Its text (wasm2wat), when small enough to read. */
  watPath?: string;
  bytes?: number;
  message: string;
}

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** Reduces `input` (a .wasm) to `<input minus .wasm>.reduced.wasm`. */
export async function reduceReproducer(
  input: string,
  options: ReduceOptions,
): Promise<Reduction> {
  const base = input.replace(/\.wasm$/, "");
  const output = `${base}.reduced.wasm`;
  const work = await Deno.makeTempDir({ prefix: "godwit-reduce-" });
  const test = `${work}/test.wasm`;
  const command = [...options.replay, test].map(quote).join(" ");
  const child = new Deno.Command("wasm-reduce", {
    args: [
      input,
      `--command=${command}`,
      "-t",
      test,
      "-w",
      output,
      "--timeout",
      "60",
      `--extra-flags=${TTF_FEATURES.join(" ")}`,
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already done.
    }
  }, options.timeoutSeconds * 1000);
  const status = await child.status;
  clearTimeout(timer);
  await Deno.remove(work, { recursive: true }).catch(() => {});
  let size: number;
  try {
    size = (await Deno.stat(output)).size;
  } catch {
    return { message: `wasm-reduce produced nothing (exit ${status.code})` };
  }
  const watPath = `${base}.reduced.wat`;
  const wat = await new Deno.Command("wasm2wat", {
    args: [output, "-o", watPath],
    stderr: "null",
  }).output();
  return {
    path: output,
    watPath: wat.success ? watPath : undefined,
    bytes: size,
    message: status.success
      ? `reduced to ${size} bytes`
      : `reduction stopped after ${options.timeoutSeconds} s at ${size} bytes`,
  };
}
