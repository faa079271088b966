/**
 * Makes a fuzzed module's state observable from outside: appends exports
 * for every global and the memory (binary surgery on the export section, so
 * the code section, and with it every instruction offset, stays untouched),
 * and lists what the harness calls and reads.
 *
 * @module
 */

import { decodeModule } from "../compiler/decode/decoder.ts";
import { ExternKind, ValType } from "../compiler/wasm/types.ts";
import {
  funcTypeOf,
  numImportedGlobals,
} from "../compiler/wasm/module_info.ts";
import { typeLetter } from "../compiler/wasm/module_info.ts";
import { MEMORY_EXPORT } from "./logger.ts";
import type { SnapshotType } from "../compiler/snapshot/read.ts";
import { typeName as snapshotTypeName } from "../compiler/snapshot/validate.ts";

/** The export ttf modules use to reset their hang limit before each call. */
export const HANG_LIMIT_EXPORT = "hangLimitInitializer";

/** Value types by the names the harness uses (the snapshot's names). */
export type TypeName = SnapshotType;

/** An exported function the harness calls (with zero arguments). */
export interface CallableExport {
  name: string;
  params: TypeName[];
  results: TypeName[];
}

/** What {@link exposeState} made of a module. */
export interface InstrumentedModule {
  /** The module with the added exports. */
  bytes: Uint8Array;
  /** Exported functions, in export order, except the hang-limit reset. */
  calls: CallableExport[];
  /** Whether the module exports a hang-limit reset. */
  hangLimit: boolean;
  /** Export names of every global, in index order, with their types. */
  globals: { name: string; type: TypeName }[];
  /** Whether the module has a memory (exported as MEMORY_EXPORT). */
  memory: boolean;
}

function typeName(t: ValType): TypeName {
  const n = snapshotTypeName(t);
  if (!n) throw new Error(`unknown value type ${typeLetter(t)}`);
  return n;
}

/** The export name of global `index`. */
export function globalExportName(index: number): string {
  return `gw$global$${index}`;
}

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

function readLeb(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (;;) {
    const b = bytes[at++];
    value += (b & 0x7f) * scale;
    scale *= 128;
    if (!(b & 0x80)) return [value, at];
  }
}

/** Sections that must follow the export section (start, elem, datacount, code, data). */
const AFTER_EXPORTS = new Set([8, 9, 10, 11, 12]);

/**
 * Adds exports for every global and for memory 0; throws (a WasmError)
 * when the module does not decode.
 */
export function exposeState(bytes: Uint8Array): InstrumentedModule {
  const m = decodeModule(bytes);
  const encoder = new TextEncoder();
  const added: number[][] = [];
  const exportEntry = (name: string, kind: number, index: number) => {
    const n = encoder.encode(name);
    added.push([...leb(n.length), ...n, kind, ...leb(index)]);
  };
  const globals: InstrumentedModule["globals"] = [];
  const importedGlobals = m.imports.filter((i) => i.kind === ExternKind.Global);
  const numGlobals = numImportedGlobals(m) + m.globals.length;
  for (let i = 0; i < numGlobals; i++) {
    const type = i < importedGlobals.length
      ? (importedGlobals[i] as { global: { type: ValType } }).global.type
      : m.globals[i - importedGlobals.length].type.type;
    // JS cannot read a v128 global (V8 throws): compared through logs only.
    if (type !== ValType.V128) {
      globals.push({ name: globalExportName(i), type: typeName(type) });
    }
    exportEntry(globalExportName(i), ExternKind.Global, i);
  }
  const memory = m.memories.length > 0 ||
    m.imports.some((i) => i.kind === ExternKind.Memory);
  if (memory) exportEntry(MEMORY_EXPORT, ExternKind.Memory, 0);

  const calls: CallableExport[] = [];
  let hangLimit = false;
  for (const e of m.exports) {
    if (e.kind !== ExternKind.Func) continue;
    if (e.name === HANG_LIMIT_EXPORT) {
      hangLimit = true;
      continue;
    }
    const t = funcTypeOf(m, e.index);
    // JS cannot pass or receive a v128: such exports run through the
    // module's own invokers, which log their results.
    if ([...t.params, ...t.results].includes(ValType.V128)) continue;
    calls.push({
      name: e.name,
      params: t.params.map(typeName),
      results: t.results.map(typeName),
    });
  }

  // Splice: rewrite the export section, or insert one where it belongs.
  const out: number[] = [...bytes.subarray(0, 8)];
  let at = 8;
  let done = false;
  const newSection = (existing: Uint8Array | undefined) => {
    let count = 0;
    let rest: Uint8Array = new Uint8Array();
    if (existing) {
      const [c, p] = readLeb(existing, 0);
      count = c;
      rest = existing.subarray(p);
    }
    const payload = [
      ...leb(count + added.length),
      ...rest,
      ...added.flat(),
    ];
    out.push(7, ...leb(payload.length), ...payload);
    done = true;
  };
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, start] = readLeb(bytes, at + 1);
    const end = start + size;
    if (!done && id === 7) {
      newSection(bytes.subarray(start, end));
    } else {
      if (!done && AFTER_EXPORTS.has(id)) newSection(undefined);
      for (let i = at; i < end; i++) out.push(bytes[i]);
    }
    at = end;
  }
  if (!done) newSection(undefined);
  return { bytes: new Uint8Array(out), calls, hangLimit, globals, memory };
}
