/**
 * Reads a Godwit snapshot file (docs/snapshot.md): the 32-byte header, the
 * JSON metadata, the blob of zlib-compressed memory page ranges and the
 * CRC-32 trailer. Everything is checked for shape here; checking against a
 * module is `validate.ts`'s job.
 *
 * @module
 */

import { inflateSync } from "node:zlib";

/** A snapshot that cannot be read or does not fit its module. */
export class SnapshotError extends Error {
  /** An error whose message is one line for the user. */
  constructor(message: string) {
    super(message);
    this.name = "SnapshotError";
  }
}

/** The magic bytes every snapshot starts with. */
export const SNAPSHOT_MAGIC: Uint8Array = new Uint8Array([
  0x89,
  0x47,
  0x57,
  0x53,
  0x4e,
  0x41,
  0x50,
  0x0a,
]);
/** The format version this reader understands. */
export const SNAPSHOT_VERSION = 1;
/** Bytes of the fixed header (magic, version, lengths). */
export const SNAPSHOT_HEADER_SIZE = 32;
/** Bytes of the trailer (the CRC-32). */
export const SNAPSHOT_TRAILER_SIZE = 4;
/** Bytes in a Wasm page. */
export const PAGE_SIZE = 65536;

/** A value type name as snapshots spell it. */
export type SnapshotType =
  | "i32"
  | "i64"
  | "f32"
  | "f64"
  | "v128"
  | "funcref"
  | "externref";

/**
 * One Wasm value, lossless: i64 as bigint, floats as bit patterns, v128 as
 * 16 bytes (memory order), references as a function index or null.
 */
export type SnapshotValue =
  | { type: "i32"; value: number }
  | { type: "i64"; value: bigint }
  | { type: "f32"; bits: number }
  | { type: "f64"; bits: bigint }
  | { type: "v128"; bytes: Uint8Array }
  | { type: "funcref"; value: number | null }
  | { type: "externref"; value: null };

/** Where a frame is suspended. */
export type PointKind = "entry" | "loop" | "call" | "import_call";

/** One suspended frame. */
export interface SnapshotFrame {
  /** Function index (imports counted). */
  func: number;
  /** The function's name when the writer knew it. */
  name?: string;
  /** Byte offset of the instruction in the original module. */
  offset: number;
  /** What kind of migration point the frame is suspended at. */
  kind: PointKind;
  /** Parameters then declared locals. */
  locals: SnapshotValue[];
  /** Operand stack, bottom first (for a call: below the arguments). */
  stack: SnapshotValue[];
}

/** One global (imports first). */
export interface SnapshotGlobal {
  /** Global index. */
  index: number;
  /** Whether the global is mutable. */
  mutable: boolean;
  /** Its value. */
  value: SnapshotValue;
}

/** One table; elements are function indices or null. */
export interface SnapshotTable {
  /** Table index. */
  index: number;
  /** Element type. */
  type: "funcref" | "externref";
  /** Current size in elements. */
  size: number;
  /** Per element: a function index, or null. */
  elements: (number | null)[];
}

/** A run of non-zero pages, still compressed. */
export interface SnapshotMemoryRange {
  /** First page of the run. */
  page: number;
  /** Pages in the run. */
  count: number;
  /** The zlib stream (inflates to count * 64 KiB). */
  data: Uint8Array;
}

/** One memory; pages not in any range are all zero. */
export interface SnapshotMemory {
  /** Memory index. */
  index: number;
  /** Current size in pages. */
  pages: number;
  /** Declared maximum in pages, or null. */
  max: number | null;
  /** The non-zero pages. */
  ranges: SnapshotMemoryRange[];
}

/** A parsed snapshot. */
export interface Snapshot {
  /** Format version ({@link SNAPSHOT_VERSION}). */
  version: number;
  /** The program that wrote it ("godwit 0.1.0"). */
  producer: string;
  /** CPU of the writer (informational: snapshots are CPU-independent). */
  arch: string;
  /** Why it was taken: "signal", "countdown", "timer", ... */
  reason: string;
  /** Migration points the program had reached when it was taken. */
  pointsReached: number;
  /** SHA-256 of the module's bytes, lowercase hex. */
  moduleHash: string;
  /** The module's name (name section), or "". */
  moduleName: string;
  /** Outermost first. */
  frames: SnapshotFrame[];
  /** Every global, imports first. */
  globals: SnapshotGlobal[];
  /** Every table. */
  tables: SnapshotTable[];
  /** Every memory. */
  memories: SnapshotMemory[];
  /** Indices of the dropped data and element segments. */
  dropped: { data: number[]; elem: number[] };
  /** Host (WASI) state as the host wrote it, or null. */
  host: unknown;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE, as zlib's) of bytes. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) {
    c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}

type Json = unknown;

function fail(message: string): never {
  throw new SnapshotError(message);
}

function obj(v: Json, what: string): Record<string, Json> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    fail(`${what}: expected an object`);
  }
  return v as Record<string, Json>;
}

function arr(v: Json, what: string): Json[] {
  if (!Array.isArray(v)) fail(`${what}: expected an array`);
  return v;
}

function uint(v: Json, what: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
    fail(`${what}: expected a non-negative integer`);
  }
  return v;
}

function str(v: Json, what: string): string {
  if (typeof v !== "string") fail(`${what}: expected a string`);
  return v;
}

function hexBits(v: Json, digits: number, what: string): bigint {
  if (
    typeof v !== "string" || !new RegExp(`^0x[0-9a-fA-F]{${digits}}$`).test(v)
  ) {
    fail(`${what}: expected "0x" and ${digits} hex digits`);
  }
  return BigInt(v);
}

/** Parses one {"type", "value"} object. */
export function parseValue(v: Json, what: string): SnapshotValue {
  const o = obj(v, what);
  const value = o.value;
  switch (o.type) {
    case "i32":
      if (
        typeof value !== "number" || !Number.isInteger(value) ||
        value < -0x80000000 || value > 0x7fffffff
      ) fail(`${what}: bad i32`);
      return { type: "i32", value };
    case "i64": {
      if (typeof value !== "string" || !/^-?[0-9]+$/.test(value)) {
        fail(`${what}: i64 must be a decimal string`);
      }
      const x = BigInt(value);
      if (x < -(1n << 63n) || x >= 1n << 63n) fail(`${what}: i64 out of range`);
      return { type: "i64", value: x };
    }
    case "f32":
      return { type: "f32", bits: Number(hexBits(value, 8, what)) };
    case "f64":
      return { type: "f64", bits: hexBits(value, 16, what) };
    case "v128": {
      if (typeof value !== "string" || !/^[0-9a-fA-F]{32}$/.test(value)) {
        fail(`${what}: v128 must be 32 hex digits`);
      }
      const bytes = new Uint8Array(16);
      for (let i = 0; i < 16; i++) {
        bytes[i] = parseInt(value.slice(2 * i, 2 * i + 2), 16);
      }
      return { type: "v128", bytes };
    }
    case "funcref":
      if (value === null) return { type: "funcref", value: null };
      return { type: "funcref", value: uint(value, what) };
    case "externref":
      if (value !== null) fail(`${what}: externref must be null`);
      return { type: "externref", value: null };
    default:
      fail(`${what}: unknown value type ${JSON.stringify(o.type)}`);
  }
}

function parseFrame(v: Json, i: number): SnapshotFrame {
  const what = `frame ${i}`;
  const o = obj(v, what);
  const kind = o.kind;
  if (
    kind !== "entry" && kind !== "loop" && kind !== "call" &&
    kind !== "import_call"
  ) {
    fail(`${what}: bad kind ${JSON.stringify(kind)}`);
  }
  const frame: SnapshotFrame = {
    func: uint(o.func, `${what} func`),
    offset: uint(o.offset, `${what} offset`),
    kind,
    locals: arr(o.locals, `${what} locals`).map((x, k) =>
      parseValue(x, `${what} local ${k}`)
    ),
    stack: arr(o.stack, `${what} stack`).map((x, k) =>
      parseValue(x, `${what} stack value ${k}`)
    ),
  };
  if (o.name !== undefined) frame.name = str(o.name, `${what} name`);
  return frame;
}

/**
 * Parses a snapshot file. Throws {@link SnapshotError} with a clear message
 * when the bytes are not a snapshot, are truncated or corrupt (checksum), or
 * have metadata of the wrong shape.
 */
export function readSnapshot(bytes: Uint8Array): Snapshot {
  if (
    bytes.length < 8 || !SNAPSHOT_MAGIC.every((b, i) => bytes[i] === b)
  ) fail("not a Godwit snapshot (bad magic bytes)");
  if (bytes.length < SNAPSHOT_HEADER_SIZE + SNAPSHOT_TRAILER_SIZE) {
    fail(`snapshot is truncated (${bytes.length} bytes)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== SNAPSHOT_VERSION) {
    fail(
      `unsupported snapshot version ${version} (this reader reads version ${SNAPSHOT_VERSION})`,
    );
  }
  const jsonLen = view.getBigUint64(16, true);
  const blobLen = view.getBigUint64(24, true);
  const body = BigInt(
    bytes.length - SNAPSHOT_HEADER_SIZE - SNAPSHOT_TRAILER_SIZE,
  );
  if (jsonLen + blobLen > body) {
    fail(
      `snapshot is truncated: header announces ${
        jsonLen + blobLen
      } bytes, file has ${body}`,
    );
  }
  if (jsonLen + blobLen !== body) {
    fail(
      `snapshot has ${body - jsonLen - blobLen} unexpected trailing bytes`,
    );
  }
  const end = bytes.length - SNAPSHOT_TRAILER_SIZE;
  if (view.getUint32(end, true) !== crc32(bytes.subarray(0, end))) {
    fail("snapshot is corrupt: checksum mismatch");
  }
  const jsonEnd = SNAPSHOT_HEADER_SIZE + Number(jsonLen);
  const blob = bytes.subarray(jsonEnd, end);
  let meta: Json;
  try {
    meta = JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(
        bytes.subarray(SNAPSHOT_HEADER_SIZE, jsonEnd),
      ),
    );
  } catch (e) {
    fail(`malformed JSON metadata: ${(e as Error).message}`);
  }
  const root = obj(meta, "metadata");
  if (root.version !== SNAPSHOT_VERSION) {
    fail("snapshot metadata has a bad version");
  }
  const module = obj(root.module, "module");
  const moduleHash = str(module.hash, "module hash");
  if (!/^[0-9a-f]{64}$/.test(moduleHash)) {
    fail("module hash: expected 64 hex digits");
  }
  const frames = arr(root.frames, "frames").map(parseFrame);
  if (frames.length === 0) fail("snapshot has no frames");
  const globals = arr(root.globals, "globals").map((g, i): SnapshotGlobal => {
    const o = obj(g, `global ${i}`);
    if (typeof o.mutable !== "boolean") fail(`global ${i}: bad mutable`);
    return {
      index: uint(o.index, `global ${i} index`),
      mutable: o.mutable,
      value: parseValue(o.value, `global ${i}`),
    };
  });
  const tables = arr(root.tables, "tables").map((t, i): SnapshotTable => {
    const o = obj(t, `table ${i}`);
    if (o.type !== "funcref" && o.type !== "externref") {
      fail(`table ${i}: bad element type`);
    }
    const size = uint(o.size, `table ${i} size`);
    const elements = arr(o.elements, `table ${i} elements`).map((e, k) =>
      e === null ? null : uint(e, `table ${i} element ${k}`)
    );
    if (elements.length !== size) fail(`table ${i}: expected ${size} elements`);
    return {
      index: uint(o.index, `table ${i} index`),
      type: o.type,
      size,
      elements,
    };
  });
  const memories = arr(root.memories, "memories").map(
    (m, i): SnapshotMemory => {
      const o = obj(m, `memory ${i}`);
      if (o.encoding !== "zlib") fail(`memory ${i}: unknown encoding`);
      const pages = uint(o.pages, `memory ${i} pages`);
      let next = 0;
      const ranges = arr(o.ranges, `memory ${i} ranges`).map((r, k) => {
        const ro = obj(r, `memory ${i} range ${k}`);
        const page = uint(ro.page, `memory ${i} range ${k} page`);
        const count = uint(ro.count, `memory ${i} range ${k} count`);
        const offset = uint(ro.offset, `memory ${i} range ${k} offset`);
        const length = uint(ro.length, `memory ${i} range ${k} length`);
        if (page < next || count === 0 || page + count > pages) {
          fail(`memory ${i} range ${k}: pages out of order or beyond the size`);
        }
        if (offset + length > blob.length) {
          fail(`memory ${i} range ${k}: data beyond the end of the file`);
        }
        next = page + count;
        return { page, count, data: blob.subarray(offset, offset + length) };
      });
      return {
        index: uint(o.index, `memory ${i} index`),
        pages,
        max: o.max === null ? null : uint(o.max, `memory ${i} max`),
        ranges,
      };
    },
  );
  const dropped = obj(root.dropped ?? { data: [], elem: [] }, "dropped");
  return {
    version: SNAPSHOT_VERSION,
    producer: typeof root.producer === "string" ? root.producer : "",
    arch: typeof root.arch === "string" ? root.arch : "",
    reason: typeof root.reason === "string" ? root.reason : "",
    pointsReached: typeof root.points_reached === "number"
      ? root.points_reached
      : 0,
    moduleHash,
    moduleName: typeof module.name === "string" ? module.name : "",
    frames,
    globals,
    tables,
    memories,
    dropped: {
      data: arr(dropped.data ?? [], "dropped data").map((d) =>
        uint(d, "dropped data")
      ),
      elem: arr(dropped.elem ?? [], "dropped elem").map((d) =>
        uint(d, "dropped elem")
      ),
    },
    host: root.host ?? null,
  };
}

/**
 * The contents of one memory: its non-zero pages by page index (zero pages
 * are absent). Throws {@link SnapshotError} when a range does not inflate
 * to exactly its size.
 */
export function memoryPages(
  s: Snapshot,
  index: number,
): Map<number, Uint8Array> {
  const mem = s.memories[index];
  if (mem === undefined) fail(`snapshot has no memory ${index}`);
  const pages = new Map<number, Uint8Array>();
  for (const r of mem.ranges) {
    let data: Uint8Array;
    try {
      data = new Uint8Array(inflateSync(r.data));
    } catch (e) {
      fail(
        `memory ${index}: corrupt compressed data (${(e as Error).message})`,
      );
    }
    if (data.length !== r.count * PAGE_SIZE) {
      fail(`memory ${index}: range at page ${r.page} has the wrong length`);
    }
    for (let k = 0; k < r.count; k++) {
      pages.set(r.page + k, data.subarray(k * PAGE_SIZE, (k + 1) * PAGE_SIZE));
    }
  }
  return pages;
}

/** A whole memory as one array (pages * 64 KiB bytes). */
export function memoryBytes(s: Snapshot, index: number): Uint8Array {
  const out = new Uint8Array(s.memories[index].pages * PAGE_SIZE);
  for (const [page, data] of memoryPages(s, index)) {
    out.set(data, page * PAGE_SIZE);
  }
  return out;
}
