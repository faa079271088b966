/**
 * Replaces the host functions and globals that npm binaryen 132's
 * translate-to-fuzz imports, besides the `log-*` ones, with definitions in
 * the module itself, so that both engines run the very same code and need
 * no host but the logger.
 *
 * binaryen's own fuzz shell implements them in JavaScript, some by calling
 * back into the module and catching its traps; a Wasm 2.0 module cannot
 * catch a trap, and Godwit's spec driver has no host functions that call
 * back. So the definitions here keep what Wasm can do and are documented
 * as such (docs/fuzzing.md):
 *
 * - `call-export(i)`: calls the module's `i`-th export with zero (null)
 *   arguments and drops its results; traps when that export is not a
 *   function. `call-export-catch(i)` does the same and returns 0: a trap is
 *   not caught, it ends the exported call that made it, in both engines.
 * - `table-get(i)` / `table-set(i, r)`: `table.get`/`table.set` of table 0
 *   when its element type fits, else `unreachable`.
 * - `call-ref(r)` / `call-ref-catch(r)`: the reference is dropped (calling a
 *   reference of unknown type needs Wasm 3.0's `call_ref`); the catch form
 *   returns 0.
 * - `sleep(ms, id)`: returns `id`.
 * - any other: returns zeros.
 * - imported globals (`__fuzz_import`): defined, zero or null.
 *
 * binaryen names functions and globals, not indices, so a definition keeps
 * the import's name and every use of it stays valid.
 *
 * @module
 */

import type binaryenModule from "npm:binaryen@132.0.0";
import { LOGGER_MODULE } from "./logger.ts";

type Binaryen = typeof binaryenModule;
type BModule = InstanceType<Binaryen["Module"]>;

/** What {@link defineHostImports} replaced. */
export interface DefinedImports {
  /** The module without the replaced imports. */
  bytes: Uint8Array;
  /** `module.name` of each replaced import, in import order. */
  replaced: string[];
}

/** The features binaryen reads and writes the module with. */
function features(b: Binaryen): number {
  const f = b.Features;
  return f.SignExt | f.MutableGlobals | f.NontrappingFPToInt | f.BulkMemory |
    f.BulkMemoryOpt | f.Multivalue | f.SIMD128 | f.ReferenceTypes;
}

/** The zero (null) value of a single type. */
function zero(b: Binaryen, m: BModule, t: number): number {
  switch (t) {
    case b.i32:
      return m.i32.const(0);
    case b.i64:
      return m.i64.const(0n);
    case b.f32:
      return m.f32.const(0);
    case b.f64:
      return m.f64.const(0);
    case b.v128:
      return m.v128.const(new Array(16).fill(0));
    default:
      return m.ref.null(t);
  }
}

/** Zeros of each of `types` (a tuple when several). */
function zeros(b: Binaryen, m: BModule, types: number): number | undefined {
  const ts = b.expandType(types);
  if (ts.length === 0) return undefined;
  if (ts.length === 1) return zero(b, m, ts[0]);
  return m.tuple.make(ts.map((t) => zero(b, m, t)));
}

/** Calls export `exp` (a function) with zeros and drops its results. */
function callWithZeros(b: Binaryen, m: BModule, fn: string): number {
  const info = b.getFunctionInfo(m.getFunction(fn));
  const args = b.expandType(info.params).map((t) => zero(b, m, t));
  const call = m.call(fn, args, info.results);
  return info.results === b.none ? call : m.drop(call);
}

/** `call-export(i)`: a chain of `if (i == k) call export k`. */
function callExportBody(b: Binaryen, m: BModule): number {
  let body = m.unreachable();
  for (let k = m.getNumExports() - 1; k >= 0; k--) {
    const e = b.getExportInfo(m.getExportByIndex(k));
    if (e.kind !== b.ExternalFunction) continue;
    body = m.if(
      m.i32.eq(m.local.get(0, b.i32), m.i32.const(k)),
      callWithZeros(b, m, e.value),
      body,
    );
  }
  return body;
}

/** The table-0 name and element type, if any. */
function table0(
  b: Binaryen,
  m: BModule,
): { name: string; type: number } | undefined {
  if (m.getNumTables() === 0) return undefined;
  const t = m.getTableByIndex(0);
  // deno-lint-ignore no-explicit-any
  const raw = b as any;
  return { name: b.getTableInfo(t).name, type: raw._BinaryenTableGetType(t) };
}

/** A definition of host function `base` with the import's signature. */
function hostBody(
  b: Binaryen,
  m: BModule,
  base: string,
  params: number[],
  results: number,
): number {
  const resultTypes = b.expandType(results);
  const table = table0(b, m);
  switch (base) {
    case "call-export":
    case "call-export-catch":
      if (params[0] !== b.i32) break;
      return m.block(null, [
        callExportBody(b, m),
        ...(resultTypes.length ? [zeros(b, m, results)!] : []),
      ], results);
    case "table-get":
      if (
        table && params.length === 1 && params[0] === b.i32 &&
        resultTypes.length === 1 && resultTypes[0] === table.type
      ) {
        return m.table.get(table.name, m.local.get(0, b.i32), table.type);
      }
      return m.unreachable();
    case "table-set":
      if (
        table && params.length === 2 && params[0] === b.i32 &&
        params[1] === table.type && resultTypes.length === 0
      ) {
        return m.table.set(
          table.name,
          m.local.get(0, b.i32),
          m.local.get(1, table.type),
        );
      }
      return m.unreachable();
    case "sleep":
      if (
        params.length === 2 && resultTypes.length === 1 &&
        resultTypes[0] === params[1]
      ) return m.local.get(1, params[1]);
      break;
  }
  return zeros(b, m, results) ?? m.nop();
}

/**
 * Defines every imported function outside {@link LOGGER_MODULE}'s `log-*`
 * ones and every imported global (see the module comment).
 */
export async function defineHostImports(
  bytes: Uint8Array,
): Promise<DefinedImports> {
  const b = (await import("npm:binaryen@132.0.0")).default;
  const m = b.readBinary(bytes);
  try {
    m.setFeatures(features(b));
    const replaced: string[] = [];
    const funcs: {
      name: string;
      base: string;
      params: number;
      results: number;
    }[] = [];
    for (let i = 0; i < m.getNumFunctions(); i++) {
      const f = b.getFunctionInfo(m.getFunctionByIndex(i));
      if (!f.module) continue;
      if (f.module === LOGGER_MODULE && f.base?.startsWith("log-")) continue;
      funcs.push({
        name: f.name,
        base: f.base ?? "",
        params: f.params,
        results: f.results,
      });
      replaced.push(`${f.module}.${f.base}`);
    }
    // Removed first: a body may call an export that calls another import.
    for (const f of funcs) m.removeFunction(f.name);
    for (const f of funcs) {
      m.addFunction(f.name, f.params, f.results, [], m.unreachable());
    }
    for (const f of funcs) {
      const params = b.expandType(f.params);
      m.removeFunction(f.name);
      m.addFunction(
        f.name,
        f.params,
        f.results,
        [],
        hostBody(b, m, f.base, params, f.results),
      );
    }
    const globals: {
      name: string;
      type: number;
      mutable: boolean;
      what: string;
    }[] = [];
    for (let i = 0; i < m.getNumGlobals(); i++) {
      const g = b.getGlobalInfo(m.getGlobalByIndex(i));
      if (!g.module) continue;
      globals.push({
        name: g.name,
        type: g.type,
        mutable: g.mutable,
        what: `${g.module}.${g.base}`,
      });
    }
    for (const g of globals) {
      m.removeGlobal(g.name);
      m.addGlobal(g.name, g.type, g.mutable, zero(b, m, g.type));
      replaced.push(g.what);
    }
    // A constant expression may read only imported globals: a global
    // initialized from a replaced one gets that one's value, its zero.
    const defined = new Set(globals.map((g) => g.name));
    const fromDefined = [];
    for (let i = 0; i < m.getNumGlobals(); i++) {
      const g = b.getGlobalInfo(m.getGlobalByIndex(i));
      if (
        b.getExpressionId(g.init) === b.GlobalGetId &&
        defined.has(
          (b.getExpressionInfo(g.init) as unknown as { name: string }).name,
        )
      ) fromDefined.push(g);
    }
    for (const g of fromDefined) {
      m.removeGlobal(g.name);
      m.addGlobal(g.name, g.type, g.mutable, zero(b, m, g.type));
    }
    // Read back before validating: a `ref.func` of a former import keeps the
    // import's (inexact) type in binaryen's IR until it is parsed again.
    const out = m.emitBinary();
    const again = b.readBinary(out);
    try {
      again.setFeatures(features(b));
      if (!again.validate()) {
        throw new Error("defining the host imports made an invalid module");
      }
    } finally {
      again.dispose();
    }
    return { bytes: out, replaced };
  } finally {
    m.dispose();
  }
}
