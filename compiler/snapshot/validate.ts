/**
 * Validates a snapshot against the module it claims to come from: the
 * same checks the runtime makes before it restores (docs/snapshot.md),
 * done in TypeScript for `inspect` and for tests.
 *
 * @module
 */

import { createHash } from "node:crypto";
import type { Module, ValType } from "../wasm/types.ts";
import {
  funcTypeOf,
  globalTypeOf,
  memoryTypeOf,
  numImportedFuncs,
  numImportedGlobals,
  numImportedMemories,
  numImportedTables,
  tableTypeOf,
} from "../wasm/module_info.ts";
import {
  type PointKind,
  type Snapshot,
  SnapshotError,
  type SnapshotType,
  type SnapshotValue,
} from "./read.ts";

/** A migration point: where a frame can be suspended. */
export interface MigrationPoint {
  /** Function index (imports counted). */
  func: number;
  /** Byte offset of the instruction in the module. */
  offset: number;
  /** Function entry, loop header, call or import call. */
  kind: PointKind;
  /** Operand-stack types saved there, when known (from the validator). */
  stack?: ValType[];
}

const TYPE_NAMES: Record<number, SnapshotType> = {
  0x7f: "i32",
  0x7e: "i64",
  0x7d: "f32",
  0x7c: "f64",
  0x7b: "v128",
  0x70: "funcref",
  0x6f: "externref",
};

/** The snapshot spelling of a value type. */
export function typeName(t: ValType): SnapshotType {
  return TYPE_NAMES[t];
}

const OP_LOOP = 0x03;
const OP_CALL = 0x10;
const OP_CALL_INDIRECT = 0x11;

/**
 * The migration points of a module as the code generator places them:
 * every defined function's entry (its first instruction), every `loop`,
 * every `call` and `call_indirect`.
 */
export function migrationPoints(m: Module): MigrationPoint[] {
  const points: MigrationPoint[] = [];
  const imported = numImportedFuncs(m);
  m.codes.forEach((code, i) => {
    const func = imported + i;
    points.push({ func, offset: code.body[0].offset, kind: "entry" });
    for (const ins of code.body) {
      if (ins.op === OP_LOOP) {
        points.push({ func, offset: ins.offset, kind: "loop" });
      }
      if (ins.op === OP_CALL || ins.op === OP_CALL_INDIRECT) {
        points.push({ func, offset: ins.offset, kind: "call" });
      }
      // A blocking host call abandoned for a checkpoint (godwit.h).
      if (ins.op === OP_CALL && (ins.index ?? Infinity) < imported) {
        points.push({ func, offset: ins.offset, kind: "import_call" });
      }
    }
  });
  return points;
}

/** Lowercase hex SHA-256 of bytes (the module identity snapshots record). */
export function moduleHash(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function fail(message: string): never {
  throw new SnapshotError(message);
}

function checkValue(v: SnapshotValue, t: ValType, m: Module, what: string) {
  if (v.type !== typeName(t)) {
    fail(`${what}: type ${v.type} does not match the module's ${typeName(t)}`);
  }
  if (v.type === "funcref" && v.value !== null) {
    const total = numImportedFuncs(m) + m.functions.length;
    if (v.value >= total) {
      fail(`${what}: funcref is not a function index of the module`);
    }
  }
}

/** Options of {@link validateSnapshot}. */
export interface ValidateOptions {
  /** The module's bytes: when given, the snapshot's hash must match. */
  moduleBytes?: Uint8Array;
}

/**
 * Throws {@link SnapshotError} unless the snapshot fits the module: hash
 * (when the bytes are given), every frame at a migration point of a defined
 * function with locals of the function's types, outer frames at calls whose
 * direct callee is the next frame's function, the innermost not at a call,
 * globals, tables and memories matching in number, type and limits.
 */
export function validateSnapshot(
  s: Snapshot,
  m: Module,
  points: MigrationPoint[] = migrationPoints(m),
  options: ValidateOptions = {},
): void {
  if (options.moduleBytes) {
    const hash = moduleHash(options.moduleBytes);
    if (hash !== s.moduleHash) {
      fail(
        `snapshot was taken from another module (hash ${
          s.moduleHash.slice(0, 16)
        }..., this module is ${hash.slice(0, 16)}...)`,
      );
    }
  }
  const imported = numImportedFuncs(m);
  const total = imported + m.functions.length;
  const byKey = new Map<string, MigrationPoint>();
  for (const p of points) byKey.set(`${p.func}:${p.offset}:${p.kind}`, p);

  s.frames.forEach((f, i) => {
    const what = `frame ${i}`;
    if (f.func >= total) fail(`${what}: bad function index ${f.func}`);
    if (f.func < imported) fail(`${what}: function ${f.func} is an import`);
    const point = byKey.get(`${f.func}:${f.offset}:${f.kind}`);
    if (point === undefined) {
      fail(
        `${what}: offset ${f.offset} is not a ${f.kind} migration point of function ${f.func}`,
      );
    }
    const innermost = i === s.frames.length - 1;
    if (!innermost && f.kind !== "call") {
      fail(`${what}: a frame that is not the innermost must be at a call`);
    }
    if (innermost && f.kind === "call") {
      fail(`${what}: the innermost frame cannot be at a call`);
    }
    const code = m.codes[f.func - imported];
    const localTypes = [...funcTypeOf(m, f.func).params, ...code.locals];
    if (f.locals.length !== localTypes.length) {
      fail(`${what}: expected ${localTypes.length} locals`);
    }
    f.locals.forEach((v, k) =>
      checkValue(v, localTypes[k], m, `${what} local ${k}`)
    );
    if (point.stack) {
      if (f.stack.length !== point.stack.length) {
        fail(`${what}: expected ${point.stack.length} operand-stack values`);
      }
      f.stack.forEach((v, k) =>
        checkValue(v, point.stack![k], m, `${what} stack value ${k}`)
      );
    }
    if (!innermost) {
      const ins = code.body.find((x) => x.offset === f.offset);
      const callee = s.frames[i + 1].func;
      if (ins?.op === OP_CALL && ins.index !== callee) {
        fail(
          `${what}: calls function ${ins.index}, but the next frame is in function ${callee}`,
        );
      }
    }
  });

  const numGlobals = numImportedGlobals(m) + m.globals.length;
  if (s.globals.length !== numGlobals) {
    fail(`snapshot has ${s.globals.length} globals, the module ${numGlobals}`);
  }
  s.globals.forEach((g, i) => {
    const t = globalTypeOf(m, i);
    if (g.mutable !== t.mutable) {
      fail(`global ${i}: mutability does not match the module`);
    }
    checkValue(g.value, t.type, m, `global ${i}`);
  });

  const numTables = numImportedTables(m) + m.tables.length;
  if (s.tables.length !== numTables) {
    fail(`snapshot has ${s.tables.length} tables, the module ${numTables}`);
  }
  s.tables.forEach((t, i) => {
    const tt = tableTypeOf(m, i);
    if (t.type !== typeName(tt.elemType)) {
      fail(`table ${i}: element type does not match the module`);
    }
    if (
      t.size < tt.limits.min ||
      (tt.limits.max !== undefined && t.size > tt.limits.max)
    ) {
      fail(`table ${i}: size outside the table's limits`);
    }
    t.elements.forEach((e, k) => {
      if (e !== null && (t.type !== "funcref" || e >= total)) {
        fail(`table ${i} element ${k}: not null or a function index`);
      }
    });
  });

  const numMemories = numImportedMemories(m) + m.memories.length;
  if (s.memories.length !== numMemories) {
    fail(
      `snapshot has ${s.memories.length} memories, the module ${numMemories}`,
    );
  }
  s.memories.forEach((mem, i) => {
    const lim = memoryTypeOf(m, i).limits;
    if (
      mem.pages < lim.min || mem.pages > (lim.max ?? 65536) || mem.pages > 65536
    ) fail(`memory ${i}: page count outside the memory's limits`);
  });

  for (const d of s.dropped.data) {
    if (d >= m.datas.length) fail("dropped data segment index out of range");
  }
  for (const e of s.dropped.elem) {
    if (e >= m.elems.length) fail("dropped element segment index out of range");
  }
}
