/**
 * Human-readable rendering of a snapshot (`godwit inspect FILE [--module
 * IN]`): the call stack with function names and positions (with the
 * instruction's mnemonic when the module is known), locals and operand
 * stacks, globals, tables, memory in use and the host's open files.
 *
 * @module
 */

import type { Module } from "../wasm/types.ts";
import { numImportedFuncs, opcodeName } from "../wasm/module_info.ts";
import { decodeModule } from "../decode/decoder.ts";
import { Op } from "../wasm/instructions.ts";
import { readModuleFile } from "../frontend/wat.ts";
import {
  memoryPages,
  PAGE_SIZE,
  readSnapshot,
  type Snapshot,
  SnapshotError,
  type SnapshotValue,
} from "./read.ts";
import { validateSnapshot } from "./validate.ts";

function hex(bits: bigint, digits: number): string {
  return "0x" + bits.toString(16).padStart(digits, "0");
}

/** One value as text: the number, plus the bits for floats. */
export function formatValue(v: SnapshotValue): string {
  switch (v.type) {
    case "i32":
      return `i32 ${v.value}`;
    case "i64":
      return `i64 ${v.value}`;
    case "f32": {
      const f = new Float32Array(new Uint32Array([v.bits]).buffer)[0];
      return `f32 ${f} (${hex(BigInt(v.bits), 8)})`;
    }
    case "f64": {
      const f = new Float64Array(new BigUint64Array([v.bits]).buffer)[0];
      return `f64 ${f} (${hex(v.bits, 16)})`;
    }
    case "v128":
      return `v128 ${
        Array.from(v.bytes, (b) => b.toString(16).padStart(2, "0")).join("")
      }`;
    case "funcref":
    case "externref":
      return `${v.type} ${v.value === null ? "null" : v.value}`;
  }
}

function funcLabel(s: Snapshot, func: number, module?: Module): string {
  const name = module?.funcNames.get(func) ??
    s.frames.find((f) => f.func === func && f.name !== undefined)?.name;
  return name !== undefined ? `${name} (func ${func})` : `func ${func}`;
}

function mnemonic(
  module: Module | undefined,
  func: number,
  offset: number,
): string {
  if (!module) return "";
  const imported = numImportedFuncs(module);
  const ins = module.codes[func - imported]?.body.find((x) =>
    x.offset === offset
  );
  if (!ins) return "";
  const suffix = ins.index !== undefined && ins.op === Op.Call
    ? ` ${ins.index}`
    : "";
  return `: ${opcodeName(ins.op)}${suffix}`;
}

function describeHost(host: unknown, lines: string[]) {
  if (host === null || host === undefined) {
    lines.push("host state: none");
    return;
  }
  const wasi = (host as Record<string, unknown>).wasi as
    | Record<string, unknown>
    | undefined;
  if (wasi && typeof wasi === "object") {
    if (Array.isArray(wasi.args)) {
      lines.push(`arguments: ${JSON.stringify(wasi.args)}`);
    }
    if (Array.isArray(wasi.env)) {
      lines.push(`environment: ${wasi.env.length} variables`);
    }
    if (Array.isArray(wasi.preopens)) {
      for (const p of wasi.preopens as Record<string, unknown>[]) {
        // The host path is informational: a restore opens only what its
        // --dir HOST::GUEST grants (docs/security.md).
        lines.push(
          `preopen: fd ${p.fd} ${p.guest} (was ${p.host}; restore with --dir HOST::${p.guest})`,
        );
      }
    }
    if (Array.isArray(wasi.fds)) {
      lines.push(`open files: ${wasi.fds.length}`);
      for (const f of wasi.fds as Record<string, unknown>[]) {
        lines.push(
          `  fd ${f.fd}: ${f.path ?? "?"}` +
            (f.offset !== undefined ? ` at offset ${f.offset}` : "") +
            (f.flags !== undefined ? ` flags ${JSON.stringify(f.flags)}` : ""),
        );
      }
    }
    return;
  }
  lines.push(`host state: ${JSON.stringify(host)}`);
}

/**
 * Renders a snapshot as text. With the module, frames show function names
 * from its name section and the instruction at each position.
 */
export function inspectSnapshot(s: Snapshot, module?: Module): string {
  const lines: string[] = [];
  lines.push(
    `Godwit snapshot, format version ${s.version}, written on ${
      s.arch || "?"
    } (${s.reason || "?"}, after ${s.pointsReached} migration points)`,
  );
  lines.push(`module: ${s.moduleName || "(unnamed)"} sha256:${s.moduleHash}`);
  lines.push(`call stack (${s.frames.length} frames, innermost first):`);
  for (let i = s.frames.length - 1; i >= 0; i--) {
    const f = s.frames[i];
    const depth = s.frames.length - 1 - i;
    lines.push(
      `  #${depth} ${
        funcLabel(s, f.func, module)
      } at offset ${f.offset} (${f.kind}${mnemonic(module, f.func, f.offset)})`,
    );
    if (f.locals.length) {
      lines.push(`       locals: ${f.locals.map(formatValue).join(", ")}`);
    }
    if (f.stack.length) {
      lines.push(`       stack:  ${f.stack.map(formatValue).join(", ")}`);
    }
  }
  if (s.globals.length) {
    lines.push("globals:");
    for (const g of s.globals) {
      lines.push(
        `  ${g.index}: ${g.mutable ? "mut " : ""}${formatValue(g.value)}`,
      );
    }
  }
  for (const t of s.tables) {
    const used = t.elements.filter((e) => e !== null).length;
    lines.push(
      `table ${t.index}: ${t.type}, ${t.size} elements, ${used} non-null`,
    );
  }
  for (const m of s.memories) {
    let nonZero = 0;
    try {
      nonZero = memoryPages(s, m.index).size;
    } catch (e) {
      if (!(e instanceof SnapshotError)) throw e;
      nonZero = -1;
    }
    lines.push(
      `memory ${m.index}: ${m.pages} pages (${(m.pages * PAGE_SIZE /
        1024)} KiB)${m.max !== null ? ` of at most ${m.max}` : ""}, ${
        nonZero < 0 ? "CORRUPT contents" : `${nonZero} non-zero pages`
      }`,
    );
  }
  if (s.dropped.data.length || s.dropped.elem.length) {
    lines.push(
      `dropped segments: data [${s.dropped.data.join(", ")}], elem [${
        s.dropped.elem.join(", ")
      }]`,
    );
  }
  describeHost(s.host, lines);
  return lines.join("\n") + "\n";
}

/**
 * The `inspect` command: reads and renders a snapshot file; with
 * `modulePath` (.wasm or .wat), also validates the snapshot against that
 * module (hash, points, types, limits) and names functions and instructions.
 * Errors are {@link SnapshotError}s (or the module reader's) with clear
 * messages.
 */
export async function inspectCommand(
  file: string,
  modulePath?: string,
): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(file);
  } catch (e) {
    throw new SnapshotError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const snapshot = readSnapshot(bytes);
  if (modulePath === undefined) return inspectSnapshot(snapshot);
  const moduleBytes = await readModuleFile(modulePath);
  const module = decodeModule(moduleBytes);
  validateSnapshot(snapshot, module, undefined, { moduleBytes });
  return inspectSnapshot(snapshot, module);
}
