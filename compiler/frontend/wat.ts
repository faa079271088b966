/**
 * Text-format input: `.wat` (or single-module `.wast`) text to binary bytes
 * through the `wabt` npm package, so that everything after the front end
 * sees bytes only.
 *
 * @module
 */

import { WasmError } from "../decode/errors.ts";

/** Every Wasm 2.0 proposal, as wabt names them. */
const WASM_2_0_FEATURES = {
  multi_value: true,
  bulk_memory: true,
  reference_types: true,
  simd: true,
  sign_extension: true,
  sat_float_to_int: true,
  mutable_globals: true,
};

/** Which proposals module text may use: Wasm 2.0's, or 3.0's too. */
export type TextFeatures = "2.0" | "3.0";

/** wabt's names of the proposals merged into Wasm 3.0, besides 2.0's. */
const WASM_3_0_FEATURES = {
  ...WASM_2_0_FEATURES,
  exceptions: true,
  function_references: true,
  tail_call: true,
  gc: true,
  memory64: true,
  multi_memory: true,
  extended_const: true,
  relaxed_simd: true,
  annotations: true,
};

/** The part of wabt's parsed-module API used here. */
interface WabtModule {
  resolveNames(): void;
  toBinary(options: { write_debug_names?: boolean }): { buffer: Uint8Array };
  destroy(): void;
}

/** The part of wabt's API used here. */
interface Wabt {
  parseWat(
    filename: string,
    text: string | Uint8Array,
    features: Record<string, boolean>,
  ): WabtModule;
}

let wabtInstance: Promise<Wabt> | undefined;

function loadWabt(): Promise<Wabt> {
  wabtInstance ??= import("npm:wabt@1.0.39").then((mod) =>
    (mod.default as unknown as () => Promise<Wabt>)()
  );
  return wabtInstance;
}

/** The binary magic number "\0asm". */
const MAGIC = [0x00, 0x61, 0x73, 0x6d];

/**
 * Converts WebAssembly text to a binary module, with a `name` section for
 * the text's identifiers. A syntax or name error becomes a
 * {@link WasmError} of kind "malformed" whose reason is wabt's message.
 * `features` "3.0" lets wabt accept 3.0 syntax too (GC types, memory
 * indices, tags, ...), so that such a module reaches Godwit's own decoder.
 */
export async function watToWasm(
  text: string,
  filename = "input.wat",
  features: TextFeatures = "2.0",
): Promise<Uint8Array<ArrayBuffer>> {
  const wabt = await loadWabt();
  let parsed: WabtModule | undefined;
  try {
    // wabt garbles non-ASCII characters of a JS string: give it UTF-8 bytes.
    const utf8 = new TextEncoder().encode(text);
    parsed = wabt.parseWat(
      filename,
      utf8,
      features === "3.0" ? WASM_3_0_FEATURES : WASM_2_0_FEATURES,
    );
    parsed.resolveNames();
    const { buffer } = parsed.toBinary({ write_debug_names: true });
    return new Uint8Array(buffer);
  } catch (e) {
    throw textError(e, filename);
  } finally {
    parsed?.destroy();
  }
}

/** Turns wabt's "parseWat failed:\nFILE:L:C: error: ..." into a WasmError. */
function textError(e: unknown, filename: string): WasmError {
  const raw = e instanceof Error ? e.message : String(e);
  const lines = raw.split("\n").filter((l) => l.trim() !== "");
  if (lines[0]?.endsWith("failed:")) lines.shift();
  const reason = lines[0] ?? `cannot parse ${filename}`;
  const context = lines.slice(1).join("\n");
  return new WasmError("malformed", reason, {
    section: "text",
    detail: context ? `\n${context}\n` : undefined,
  });
}

function hasMagic(bytes: Uint8Array): boolean {
  return MAGIC.every((b, i) => bytes[i] === b);
}

/**
 * The bytes of a module file: a `.wasm` file as is, a `.wat`/`.wast` file
 * (or any file not starting with "\0asm") converted from text. A file that
 * cannot be read gives the error "cannot read FILE: REASON".
 */
export async function readModuleFile(
  path: string,
): Promise<Uint8Array<ArrayBuffer>> {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(`cannot read ${path}: ${why}`);
  }
  const lower = path.toLowerCase();
  const isText = lower.endsWith(".wat") || lower.endsWith(".wast") ||
    (!lower.endsWith(".wasm") && !hasMagic(bytes));
  if (!isText) return bytes;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new WasmError(
      "malformed",
      `${path} is neither binary nor UTF-8 text`,
    );
  }
  return await watToWasm(text, path);
}
