/**
 * Random valid modules from binaryen's translate-to-fuzz (`wasm-opt -ttf`,
 * Debian's binaryen 108): random bytes, derived from a seed, steer its
 * generator. The features are those Godwit implements, minus reference
 * types: binaryen 108's fuzzer still uses the pre-standard subtyping of
 * funcref under externref, so with reference types every module it emits is
 * invalid (checked with wabt's wasm-validate on 40 of them).
 *
 * With `binaryen: 132`, npm binaryen's wasm-opt (run with Node.js) generates
 * instead, with reference types, and the host functions its modules import
 * are defined in the module (host_imports.ts).
 *
 * binaryen 108's `--denan` leaves v128 values alone, so SIMD modules are made
 * without it and denanned by npm binaryen 132's pass instead, which also
 * covers v128 (see {@link denanAll}).
 *
 * @module
 */

import { defineHostImports } from "./host_imports.ts";
import { checkModule } from "../spec/toolchain.ts";

/** wasm-opt's feature flags for the modules we generate. */
export const TTF_FEATURES = [
  "--mvp-features",
  "--enable-sign-ext",
  "--enable-mutable-globals",
  "--enable-nontrapping-float-to-int",
  "--enable-bulk-memory",
  "--enable-multivalue",
];

/** The flag that adds fixed-width SIMD to {@link TTF_FEATURES}. */
export const TTF_SIMD = "--enable-simd";

/**
 * Debian's wasm-opt (binaryen 108), by absolute path: under `deno task`,
 * node_modules/.bin comes first in PATH, and its wasm-opt is npm binaryen
 * 132's, whose modules import host functions (`call-export`, `sleep`) that
 * neither engine here provides.
 */
export const DEBIAN_WASM_OPT = "/usr/bin/wasm-opt";

/** How a module is generated. */
export interface GenerateOptions {
  /** Also generate fixed-width SIMD (v128) code. */
  simd?: boolean;
  /**
   * Instrument floats so no NaN appears (default true): wasm-opt --denan, or
   * with `simd`, {@link denanAll}.
   */
  denan?: boolean;
  /** The wasm-opt executable (default {@link DEBIAN_WASM_OPT}). */
  wasmOpt?: string;
  /**
   * Which binaryen generates (default 108, Debian's). 132 (npm binaryen,
   * run with Node) also generates reference types, and its host imports
   * are defined in the module ({@link defineHostImports}).
   */
  binaryen?: 108 | 132;
}

/** npm binaryen 132's wasm-opt, a Node.js script. */
export function npmWasmOpt(): string {
  return new URL("../node_modules/binaryen/bin/wasm-opt", import.meta.url)
    .pathname;
}

/** SplitMix64: a small, well-mixed PRNG, enough to derive fuzz input bytes. */
export function splitMix64(seed: bigint): () => bigint {
  let state = BigInt.asUintN(64, seed);
  return () => {
    state = BigInt.asUintN(64, state + 0x9e3779b97f4a7c15n);
    let z = state;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return z ^ (z >> 31n);
  };
}

/** Input sizes: ttf's module size grows with its input (1 KiB: ~1 KB module). */
const MIN_INPUT = 256;
const MAX_INPUT = 12288;

/** The random input bytes for module `seed` (the same seed, the same bytes). */
export function fuzzInput(seed: number, attempt = 0): Uint8Array {
  const next = splitMix64(
    BigInt(seed) * 0x2545f4914f6cdd1dn + 1n + (BigInt(attempt) << 48n),
  );
  const size = MIN_INPUT + Number(next() % BigInt(MAX_INPUT - MIN_INPUT));
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 8) {
    let w = next();
    for (let j = i; j < Math.min(size, i + 8); j++) {
      bytes[j] = Number(w & 0xffn);
      w >>= 8n;
    }
  }
  return bytes;
}

/** Runs translate-to-fuzz on the input of `seed`; returns the module. */
export async function generateModule(
  seed: number,
  options: GenerateOptions = {},
): Promise<Uint8Array> {
  if (options.binaryen !== 132) return await generateOnce(seed, 0, options);
  // binaryen 132 sometimes emits a Wasm 3.0 instruction even with only 2.0
  // features enabled (`ref.as_non_null`, as its IR types `ref.func` as
  // non-null); V8 accepts it, Godwit does not implement it yet. Such a
  // module is made again from the seed's next input (deterministic).
  let last = "";
  for (let attempt = 0; attempt < 8; attempt++) {
    const bytes = await generateOnce(seed, attempt, options);
    const op = wasm3Opcode(bytes);
    if (op === undefined) return bytes;
    last = op;
  }
  throw new Error(`seed ${seed}: 8 inputs in a row made ${last} (Wasm 3.0)`);
}

/** Opcodes binaryen 132 was seen to emit that are Wasm 3.0's, by name. */
const WASM3_OPCODES: Record<number, string> = {
  0x12: "return_call",
  0x13: "return_call_indirect",
  0x14: "call_ref",
  0x15: "return_call_ref",
  0xd4: "ref.as_non_null",
  0xd5: "br_on_null",
  0xd6: "br_on_non_null",
};

/** The Wasm 3.0 instruction Godwit's decoder stops at, if it does. */
function wasm3Opcode(bytes: Uint8Array): string | undefined {
  try {
    checkModule(bytes);
    return undefined;
  } catch (e) {
    const m = /illegal opcode 0x([0-9a-f]+)/.exec((e as Error).message);
    return m ? WASM3_OPCODES[parseInt(m[1], 16)] : undefined;
  }
}

async function generateOnce(
  seed: number,
  attempt: number,
  options: GenerateOptions,
): Promise<Uint8Array> {
  const dir = await Deno.makeTempDir({ prefix: "godwit-ttf-" });
  try {
    const input = `${dir}/input.dat`;
    const output = `${dir}/out.wasm`;
    await Deno.writeFile(input, fuzzInput(seed, attempt));
    const args = [input, "-ttf", ...TTF_FEATURES, "-o", output];
    const denan = options.denan ?? true;
    const npm = options.binaryen === 132;
    if (options.simd) args.push(TTF_SIMD);
    if (npm) args.push("--enable-reference-types");
    // 132's --denan covers v128 too; 108's does not (denanAll).
    if (denan && (!options.simd || npm)) args.push("--denan");
    const [command, commandArgs] = npm
      ? ["node", [npmWasmOpt(), ...args]]
      : [options.wasmOpt ?? DEBIAN_WASM_OPT, args];
    let r;
    try {
      r = await new Deno.Command(command, {
        args: commandArgs,
        stdout: "null",
        stderr: "piped",
      }).output();
    } catch (e) {
      throw new Error(
        `cannot run ${command} (${
          npm ? "Node.js, for npm binaryen 132" : "binaryen's wasm-opt"
        }): ${(e as Error).message}`,
      );
    }
    if (!r.success) {
      const err = new TextDecoder().decode(r.stderr).trim().split("\n").pop();
      throw new Error(`wasm-opt -ttf failed for seed ${seed}: ${err}`);
    }
    const bytes = await Deno.readFile(output);
    if (npm) return (await defineHostImports(bytes)).bytes;
    return denan && options.simd ? await denanAll(bytes) : bytes;
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/**
 * binaryen 132's `denan` pass over a module of {@link TTF_FEATURES} plus
 * SIMD: every f32, f64 and v128 value an instruction produces (and every
 * such parameter on entry) that is or holds a NaN becomes 0. For a v128 the
 * check is per f32 lane, and one NaN lane zeroes the whole vector: an f64
 * NaN's high half is an f32 NaN too, so f64x2 lanes are covered, at the cost
 * of also zeroing the few integer vectors whose bits look like one. The
 * spec leaves an arithmetic NaN's sign and payload open, and the logger
 * cannot canonicalize v128 lanes without knowing their shape, so without
 * this a correct engine could mismatch. binaryen 108's `--denan` (Debian's,
 * which generates the modules) passes v128 values through untouched.
 */
export async function denanAll(bytes: Uint8Array): Promise<Uint8Array> {
  // Loaded on first use: only SIMD campaigns need it.
  const binaryen = (await import("npm:binaryen@132.0.0")).default;
  const m = binaryen.readBinary(bytes);
  try {
    const f = binaryen.Features;
    m.setFeatures(
      f.SignExt | f.MutableGlobals | f.NontrappingFPToInt | f.BulkMemory |
        f.BulkMemoryOpt | f.Multivalue | f.SIMD128,
    );
    m.runPasses(["denan"]);
    if (!m.validate()) {
      throw new Error("binaryen's denan made an invalid module");
    }
    return m.emitBinary();
  } finally {
    m.dispose();
  }
}
