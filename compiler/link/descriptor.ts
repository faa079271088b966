/**
 * Emits the C source of the module descriptor `gw_module` (a
 * `gw_module_desc`, see runtime/godwit.h): everything the runtime needs to
 * instantiate a compiled module besides its code. The generated code provides
 * `gw_func_code` and `gw_trampolines`; this file's output points at them.
 *
 * Data segments can be megabytes: their bytes are emitted as C string
 * literals (one escape per byte at most), which compilers parse far faster
 * than an initializer list of numbers.
 *
 * @module
 */

import type { PointInfo } from "../instrument/points.ts";
import { typeLetter } from "../wasm/module_info.ts";
import {
  type ConstExpr,
  ExternKind,
  type Limits,
  type Module,
  ValType,
} from "../wasm/types.ts";

/** The signature string of a function type: "params:results" ("ii:I"). */
export function typeSignature(
  type: { params: readonly number[]; results: readonly number[] },
): string {
  const letters = (types: readonly number[]) =>
    types.map((t) => typeLetter(t as ValType)).join("");
  return `${letters(type.params)}:${letters(type.results)}`;
}

/** SHA-256 of a module's bytes (the identity snapshots and caches use). */
export async function moduleHash(bytes: Uint8Array): Promise<Uint8Array> {
  // Copy into a plain ArrayBuffer: subtle.digest rejects shared buffers.
  const digest = await crypto.subtle.digest("SHA-256", bytes.slice());
  return new Uint8Array(digest);
}

/** The module name from the `name` custom section (subsection 0), or "". */
export function moduleNameOf(module: Module): string {
  const section = module.customs.find((c) => c.name === "name");
  if (!section) return "";
  try {
    return parseModuleName(section.bytes) ?? "";
  } catch {
    // A malformed name section is not an error; the name is just unknown.
    return "";
  }
}

function parseModuleName(bytes: Uint8Array): string | undefined {
  let pos = 0;
  const u32 = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (pos >= bytes.length || shift > 28) throw new Error("bad LEB128");
      const b = bytes[pos++];
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
  };
  while (pos < bytes.length) {
    const id = bytes[pos++];
    const size = u32();
    const end = pos + size;
    if (end > bytes.length) throw new Error("truncated subsection");
    if (id === 0) {
      const len = u32();
      if (pos + len > end) throw new Error("truncated name");
      return new TextDecoder("utf-8", { fatal: true }).decode(
        bytes.subarray(pos, pos + len),
      );
    }
    pos = end;
  }
  return undefined;
}

/** Escape of every byte value inside a C string literal, as ASCII codes. */
const BYTE_ESCAPES: Uint8Array[] = (() => {
  const encoder = new TextEncoder();
  const table: Uint8Array[] = [];
  for (let b = 0; b < 256; b++) {
    let text: string;
    if (b === 0x22) text = '\\"';
    else if (b === 0x5c) text = "\\\\";
    // `?` is escaped so that no trigraph can form.
    else if (b === 0x3f) text = "\\?";
    else if (b >= 0x20 && b < 0x7f) text = String.fromCharCode(b);
    // Always three octal digits: a following digit is never absorbed.
    else text = "\\" + b.toString(8).padStart(3, "0");
    table.push(encoder.encode(text));
  }
  return table;
})();

/** Bytes per C string literal line (keeps lines a readable length). */
const LITERAL_CHUNK = 64;

/**
 * `bytes` as a sequence of adjacent C string literals, one per line, to
 * initialize an array of exactly `bytes.length` elements. Built as ASCII
 * codes in one buffer: megabytes of data take milliseconds.
 */
export function cBytesLiteral(bytes: Uint8Array): string {
  if (bytes.length === 0) return '""';
  const lines = Math.ceil(bytes.length / LITERAL_CHUNK);
  // At most 4 characters per byte, plus `"`, `"`, `\n` and 2 spaces per line.
  const out = new Uint8Array(bytes.length * 4 + lines * 5);
  let pos = 0;
  const QUOTE = 0x22, NEWLINE = 0x0a, SPACE = 0x20;
  for (let start = 0; start < bytes.length; start += LITERAL_CHUNK) {
    if (start > 0) {
      out[pos++] = NEWLINE;
      out[pos++] = SPACE;
      out[pos++] = SPACE;
    }
    out[pos++] = QUOTE;
    const end = Math.min(start + LITERAL_CHUNK, bytes.length);
    for (let i = start; i < end; i++) {
      const escape = BYTE_ESCAPES[bytes[i]];
      if (escape.length === 1) out[pos++] = escape[0];
      else {
        out.set(escape, pos);
        pos += escape.length;
      }
    }
    out[pos++] = QUOTE;
  }
  return new TextDecoder().decode(out.subarray(0, pos));
}

/** A string as a C string literal of its UTF-8 bytes. */
export function cStringLiteral(text: string): string {
  return cBytesLiteral(new TextEncoder().encode(text)).replaceAll("\n  ", " ");
}

/** A u64 as a C constant; `undefined` (no maximum) is UINT64_MAX. */
function maxLiteral(limits: Limits): string {
  return limits.max === undefined ? "UINT64_MAX" : `${limits.max}u`;
}

function constExprLiteral(expr: ConstExpr): string {
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  let kind: string;
  let index = 0;
  switch (expr.kind) {
    case "i32":
      kind = "GW_CONST_I32";
      view.setInt32(0, expr.value, true);
      break;
    case "i64":
      kind = "GW_CONST_I64";
      view.setBigInt64(0, BigInt.asIntN(64, expr.value), true);
      break;
    case "f32":
      kind = "GW_CONST_F32";
      view.setUint32(0, expr.bits >>> 0, true);
      break;
    case "f64":
      kind = "GW_CONST_F64";
      view.setBigUint64(0, BigInt.asUintN(64, expr.bits), true);
      break;
    case "v128":
      kind = "GW_CONST_V128";
      bytes.set(expr.bytes.subarray(0, 16));
      break;
    case "global.get":
      kind = "GW_CONST_GLOBAL_GET";
      index = expr.index;
      break;
    case "ref.null":
      kind = "GW_CONST_REF_NULL";
      index = expr.type;
      break;
    case "ref.func":
      kind = "GW_CONST_REF_FUNC";
      index = expr.index;
      break;
  }
  return `{${kind}, ${index}u, {${bytes.join(",")}}}`;
}

const ZERO_CONST = "{0, 0u, {0}}";

/**
 * Emits a named static array of `items` and returns the expression that
 * points at it (`NULL` when there are none: C has no empty arrays).
 */
function staticArray(
  out: string[],
  type: string,
  name: string,
  items: string[],
): string {
  if (items.length === 0) return "NULL";
  out.push(
    `static ${type} ${name}[${items.length}] = {\n  ${
      items.join(",\n  ")
    },\n};\n`,
  );
  return name;
}

/**
 * The C source defining `const gw_module_desc gw_module` for `module`,
 * whose original bytes hashed to `hash` (see {@link moduleHash}). Compile it
 * with `-I<runtime dir>` (it includes godwit.h) and link it with the object
 * that defines `gw_func_code` and `gw_trampolines`.
 */
export function emitDescriptor(
  module: Module,
  hash: Uint8Array,
  points: readonly PointInfo[] = [],
): string {
  if (hash.length !== 32) throw new Error("module hash must be 32 bytes");
  const out: string[] = [
    "/* Generated by Godwit: the module descriptor (see runtime/godwit.h). */\n",
    '#include <stdint.h>\n#include <stddef.h>\n#include "godwit.h"\n\n',
    "extern void *const gw_func_code[];\n",
    "extern void *const gw_func_resume[];\n",
    "extern const gw_trampoline gw_trampolines[];\n\n",
  ];

  const typeSigs = staticArray(
    out,
    "const char *const",
    "gw_type_sigs",
    module.types.map((t) => cStringLiteral(typeSignature(t))),
  );

  const funcTypes: number[] = [];
  const imports: string[] = [];
  const tables: string[] = [];
  const memories: string[] = [];
  const globals: string[] = [];
  let importedFuncs = 0,
    importedTables = 0,
    importedMemories = 0,
    importedGlobals = 0;
  for (const imp of module.imports) {
    const names = `${cStringLiteral(imp.module)}, ${cStringLiteral(imp.name)}`;
    switch (imp.kind) {
      case ExternKind.Func:
        imports.push(
          `{${names}, GW_EXTERN_FUNC, ${imp.typeIndex}u, 0u, 0u, 0u}`,
        );
        funcTypes.push(imp.typeIndex);
        importedFuncs++;
        break;
      case ExternKind.Table: {
        const { elemType, limits } = imp.table;
        imports.push(
          `{${names}, GW_EXTERN_TABLE, ${elemType}u, 0u, ${limits.min}u, ${
            maxLiteral(limits)
          }}`,
        );
        tables.push(`{${limits.min}u, ${maxLiteral(limits)}, ${elemType}u}`);
        importedTables++;
        break;
      }
      case ExternKind.Memory: {
        const { limits } = imp.memory;
        imports.push(
          `{${names}, GW_EXTERN_MEMORY, 0u, 0u, ${limits.min}u, ${
            maxLiteral(limits)
          }}`,
        );
        memories.push(`{${limits.min}u, ${maxLiteral(limits)}, 0u}`);
        importedMemories++;
        break;
      }
      case ExternKind.Global: {
        const { type, mutable } = imp.global;
        imports.push(
          `{${names}, GW_EXTERN_GLOBAL, ${type}u, ${mutable ? 1 : 0}u, 0u, 0u}`,
        );
        globals.push(`{${type}u, ${mutable ? 1 : 0}u, ${ZERO_CONST}}`);
        importedGlobals++;
        break;
      }
    }
  }
  funcTypes.push(...module.functions);
  for (const t of module.tables) {
    tables.push(`{${t.limits.min}u, ${maxLiteral(t.limits)}, ${t.elemType}u}`);
  }
  for (const m of module.memories) {
    memories.push(`{${m.limits.min}u, ${maxLiteral(m.limits)}, 0u}`);
  }
  for (const g of module.globals) {
    globals.push(
      `{${g.type.type}u, ${g.type.mutable ? 1 : 0}u, ${
        constExprLiteral(g.init)
      }}`,
    );
  }

  const importsRef = staticArray(
    out,
    "const gw_import_desc",
    "gw_imports",
    imports,
  );
  const funcTypesRef = staticArray(
    out,
    "const uint32_t",
    "gw_func_types",
    funcTypes.map((t) => `${t}u`),
  );
  let funcNamesRef = "NULL";
  if (module.funcNames.size > 0 && funcTypes.length > 0) {
    const names: string[] = [];
    for (let i = 0; i < funcTypes.length; i++) {
      const name = module.funcNames.get(i);
      names.push(name === undefined ? "NULL" : cStringLiteral(name));
    }
    funcNamesRef = staticArray(
      out,
      "const char *const",
      "gw_func_names",
      names,
    );
  }
  const tablesRef = staticArray(
    out,
    "const gw_limits_desc",
    "gw_tables",
    tables,
  );
  const memoriesRef = staticArray(
    out,
    "const gw_limits_desc",
    "gw_memories",
    memories,
  );
  const globalsRef = staticArray(
    out,
    "const gw_global_desc",
    "gw_globals",
    globals,
  );
  const exportsRef = staticArray(
    out,
    "const gw_export_desc",
    "gw_exports",
    module.exports.map((e) =>
      `{${cStringLiteral(e.name)}, ${e.kind}u, ${e.index}u, ${
        new TextEncoder().encode(e.name).length
      }u}`
    ),
  );

  const elems = module.elems.map((seg, i) => {
    const init = staticArray(
      out,
      "const gw_const_expr",
      `gw_elem_init_${i}`,
      seg.init.map(constExprLiteral),
    );
    const mode = seg.mode === "active"
      ? "GW_SEG_ACTIVE"
      : seg.mode === "passive"
      ? "GW_SEG_PASSIVE"
      : "GW_SEG_DECLARATIVE";
    const offset = seg.offset ? constExprLiteral(seg.offset) : ZERO_CONST;
    return `{${mode}, ${
      seg.table ?? 0
    }u, ${offset}, ${seg.elemType}u, ${seg.init.length}u, ${init}}`;
  });
  const elemsRef = staticArray(out, "const gw_elem_desc", "gw_elems", elems);

  const datas = module.datas.map((seg, i) => {
    let bytesRef = "NULL";
    if (seg.bytes.length > 0) {
      bytesRef = `gw_data_${i}`;
      out.push(
        `static const uint8_t ${bytesRef}[${seg.bytes.length}] =\n  ${
          cBytesLiteral(seg.bytes)
        };\n`,
      );
    }
    const mode = seg.mode === "active" ? "GW_SEG_ACTIVE" : "GW_SEG_PASSIVE";
    const offset = seg.offset ? constExprLiteral(seg.offset) : ZERO_CONST;
    return `{${mode}, ${
      seg.memory ?? 0
    }u, ${offset}, ${seg.bytes.length}u, ${bytesRef}}`;
  });
  const datasRef = staticArray(out, "const gw_data_desc", "gw_datas", datas);
  const pointsRef = staticArray(
    out,
    "const gw_point_desc",
    "gw_points",
    points.map((p) =>
      `{${p.func}u, ${p.offset}u, ${p.kind}u, ${p.numLocals}u, ${p.numStack}u, ${
        cStringLiteral(p.types)
      }}`
    ),
  );

  out.push(
    "\nconst gw_module_desc gw_module = {\n",
    `  .name = ${cStringLiteral(moduleNameOf(module))},\n`,
    `  .hash = {${Array.from(hash).join(",")}},\n`,
    `  .num_types = ${module.types.length}u,\n`,
    `  .type_sigs = ${typeSigs},\n`,
    `  .num_imports = ${module.imports.length}u,\n`,
    `  .imports = ${importsRef},\n`,
    `  .num_imported_funcs = ${importedFuncs}u,\n`,
    `  .num_funcs = ${funcTypes.length}u,\n`,
    `  .func_types = ${funcTypesRef},\n`,
    `  .func_names = ${funcNamesRef},\n`,
    "  .func_code = gw_func_code,\n",
    "  .trampolines = gw_trampolines,\n",
    `  .num_imported_tables = ${importedTables}u,\n`,
    `  .num_tables = ${tables.length}u,\n`,
    `  .tables = ${tablesRef},\n`,
    `  .num_imported_memories = ${importedMemories}u,\n`,
    `  .num_memories = ${memories.length}u,\n`,
    `  .memories = ${memoriesRef},\n`,
    `  .num_imported_globals = ${importedGlobals}u,\n`,
    `  .num_globals = ${globals.length}u,\n`,
    `  .globals = ${globalsRef},\n`,
    `  .num_exports = ${module.exports.length}u,\n`,
    `  .exports = ${exportsRef},\n`,
    `  .num_elems = ${module.elems.length}u,\n`,
    `  .elems = ${elemsRef},\n`,
    `  .num_datas = ${module.datas.length}u,\n`,
    `  .datas = ${datasRef},\n`,
    `  .start = ${module.start ?? -1},\n`,
    `  .num_points = ${points.length}u,\n`,
    `  .points = ${pointsRef},\n`,
    "  .func_resume = gw_func_resume,\n",
    "};\n",
  );
  return out.join("");
}
