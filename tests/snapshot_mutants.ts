/**
 * Hostile snapshots: mutants of a real snapshot (docs/snapshot.md), for
 * tests/hostile_snapshot_test.ts. Every mutant is an edit of the base
 * file that runtime/tests/mutant_harness.c applies: a splice of the JSON
 * text (a value replaced, deleted, or an entry repeated), byte patches of
 * the whole file, a truncation, and whether the CRC is re-sealed after the
 * edits (most are: the CRC alone would catch them otherwise).
 *
 * The JSON is parsed here with a small parser that keeps each value's
 * byte span, because the edits are splices of the original text (a
 * JSON.parse / JSON.stringify round trip would rewrite every number and
 * string). Snapshot JSON is ASCII-only in practice, but spans are byte
 * offsets of the UTF-8 text either way.
 *
 * @module
 */

/** One parsed JSON value and its byte span [start, end). */
export type Node =
  | {
    kind: "null" | "bool" | "number" | "string";
    start: number;
    end: number;
    text: string;
  }
  | { kind: "array"; start: number; end: number; items: Node[] }
  | {
    kind: "object";
    start: number;
    end: number;
    members: { key: string; keyStart: number; value: Node }[];
  };

/** Parses UTF-8 JSON bytes into nodes with byte spans; throws on bad JSON. */
export function parseWithSpans(bytes: Uint8Array): Node {
  let p = 0;
  const dec = new TextDecoder();
  const ws = () => {
    while (
      p < bytes.length && " \n\r\t".includes(String.fromCharCode(bytes[p]))
    ) p++;
  };
  const fail = (msg: string): never => {
    throw new Error(`JSON: ${msg} at byte ${p}`);
  };
  const value = (): Node => {
    ws();
    const start = p;
    const c = String.fromCharCode(bytes[p]);
    if (c === "{") {
      p++;
      const members: { key: string; keyStart: number; value: Node }[] = [];
      ws();
      if (bytes[p] === 0x7d) {
        p++;
        return { kind: "object", start, end: p, members };
      }
      for (;;) {
        ws();
        const keyStart = p;
        const k = value();
        if (k.kind !== "string") fail("expected a key");
        ws();
        if (bytes[p] !== 0x3a) fail("expected ':'");
        p++;
        const v = value();
        members.push({
          key: JSON.parse((k as { text: string }).text),
          keyStart,
          value: v,
        });
        ws();
        if (bytes[p] === 0x2c) {
          p++;
          continue;
        }
        if (bytes[p] === 0x7d) {
          p++;
          return { kind: "object", start, end: p, members };
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === "[") {
      p++;
      const items: Node[] = [];
      ws();
      if (bytes[p] === 0x5d) {
        p++;
        return { kind: "array", start, end: p, items };
      }
      for (;;) {
        items.push(value());
        ws();
        if (bytes[p] === 0x2c) {
          p++;
          continue;
        }
        if (bytes[p] === 0x5d) {
          p++;
          return { kind: "array", start, end: p, items };
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') {
      p++;
      while (p < bytes.length && bytes[p] !== 0x22) {
        p += bytes[p] === 0x5c ? 2 : 1;
      }
      if (p >= bytes.length) fail("unterminated string");
      p++;
      return {
        kind: "string",
        start,
        end: p,
        text: dec.decode(bytes.subarray(start, p)),
      };
    }
    for (
      const [word, kind] of [["null", "null"], ["true", "bool"], [
        "false",
        "bool",
      ]] as const
    ) {
      if (dec.decode(bytes.subarray(p, p + word.length)) === word) {
        p += word.length;
        return { kind, start, end: p, text: word };
      }
    }
    if (c === "-" || (c >= "0" && c <= "9")) {
      p++;
      while (
        p < bytes.length && /[0-9.eE+-]/.test(String.fromCharCode(bytes[p]))
      ) p++;
      return {
        kind: "number",
        start,
        end: p,
        text: dec.decode(bytes.subarray(start, p)),
      };
    }
    return fail("unexpected character");
  };
  const root = value();
  ws();
  if (p !== bytes.length) fail("trailing characters");
  return root;
}

/** A mutant: edits of the base file (see runtime/tests/mutant_harness.c). */
export interface Mutant {
  /** What was done, for messages ("frames[0].locals[2].type: wrong type null"). */
  what: string;
  /** Category, for the counts. */
  category: string;
  /** JSON splice: bytes [start, end) of the JSON replaced by text x repeat. */
  splice?: { start: number; end: number; text: string; repeat: number };
  /** Byte patches of the whole file (after the splice): offset, xor mask. */
  patches?: [number, number][];
  /** Truncate the file to this many bytes. */
  truncate?: number;
  /** Re-seal the CRC after the edits (default true). */
  reseal?: boolean;
  /** Time limit in ms, instead of the harness's default. */
  timeoutMs?: number;
}

/** Serializes mutants as the harness's stdin records. */
export function encodeMutants(
  mutants: { id: number; m: Mutant }[],
): Uint8Array {
  const enc = new TextEncoder();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const MAX = 0xffffffffffffffffn;
  for (const { id, m } of mutants) {
    const text = enc.encode(m.splice?.text ?? "");
    const patches = m.patches ?? [];
    const buf = new Uint8Array(
      28 + 8 + text.length + 4 + 9 * patches.length + 8,
    );
    const v = new DataView(buf.buffer);
    v.setUint32(0, id, true);
    v.setUint32(
      4,
      (m.reseal === false ? 0 : 1) | ((m.timeoutMs ?? 0) << 8),
      true,
    );
    v.setBigUint64(8, m.splice ? BigInt(m.splice.start) : MAX, true);
    v.setBigUint64(16, m.splice ? BigInt(m.splice.end) : MAX, true);
    v.setUint32(24, m.splice?.repeat ?? 1, true);
    v.setBigUint64(28, BigInt(text.length), true);
    buf.set(text, 36);
    let at = 36 + text.length;
    v.setUint32(at, patches.length, true);
    at += 4;
    for (const [off, x] of patches) {
      v.setBigUint64(at, BigInt(off), true);
      v.setUint8(at + 8, x);
      at += 9;
    }
    v.setBigUint64(
      at,
      m.truncate === undefined ? MAX : BigInt(m.truncate),
      true,
    );
    chunks.push(buf);
    size += buf.length;
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return all;
}

/** A deterministic PRNG (32-bit LCG), so that every run tries the same mutants. */
export class Rng {
  constructor(private s: number) {}
  /** An integer in [0, n). */
  next(n: number): number {
    this.s = (Math.imul(this.s, 1103515245) + 12345) >>> 0;
    return Math.floor((this.s / 2 ** 32) * n);
  }
}

const WRONG_TYPES = [
  "null",
  "true",
  '"x"',
  "[]",
  "{}",
  "-1",
  "1.5",
  "18446744073709551616",
  "1e400",
];
const VALUE_TYPES = [
  "i32",
  "i64",
  "f32",
  "f64",
  "v128",
  "funcref",
  "externref",
];
/** A well-formed value of each type, to pair with a type that disagrees. */
const SAMPLE_VALUES: Record<string, string> = {
  i32: "7",
  i64: '"7"',
  f32: '"0x3f800000"',
  f64: '"0x3ff0000000000000"',
  v128: '"000102030405060708090a0b0c0d0e0f"',
  funcref: "0",
  externref: "null",
};

function kindOf(text: string): string {
  if (text === "null") return "null";
  if (text === "true" || text === "false") return "bool";
  if (text.startsWith('"')) return "string";
  if (text.startsWith("[")) return "array";
  if (text.startsWith("{")) return "object";
  return "number";
}

/** The value nudged by one (numbers, decimal and hex strings, booleans). */
function nudges(n: Node): string[] {
  if (n.kind === "number" && /^-?\d+$/.test(n.text)) {
    const v = BigInt(n.text);
    return [String(v + 1n), String(v - 1n)];
  }
  if (n.kind === "bool") return [n.text === "true" ? "false" : "true"];
  if (n.kind === "null") return ["0"];
  if (n.kind === "string") {
    const s = JSON.parse(n.text) as string;
    if (/^-?\d+$/.test(s)) {
      const v = BigInt(s);
      return [JSON.stringify(String(v + 1n)), JSON.stringify(String(v - 1n))];
    }
    if (/^(0x)?[0-9a-f]+$/.test(s) && s.length > 1) {
      const last = parseInt(s[s.length - 1], 16);
      return [
        JSON.stringify(s.slice(0, -1) + ((last + 1) % 16).toString(16)),
        JSON.stringify(s.slice(0, -1)),
        JSON.stringify(s + "0"),
      ];
    }
    return [JSON.stringify(s + "x"), JSON.stringify(s.slice(0, -1)), '""'];
  }
  return [];
}

/** Span of `items[i]` with one adjacent comma, for deleting it. */
function deletionSpan(
  json: Uint8Array,
  spans: { start: number; end: number }[],
  i: number,
) {
  if (spans.length === 1) return { start: spans[0].start, end: spans[0].end };
  if (i + 1 < spans.length) {
    return { start: spans[i].start, end: spans[i + 1].start };
  }
  // The last one: from just after the previous item (its comma included).
  let s = spans[i - 1].end;
  while (json[s] !== 0x2c) s++;
  return { start: s, end: spans[i].end };
}

/** Which entries of an array get the per-value mutations: a few, not all. */
function sampleIndices(len: number, rng: Rng): number[] {
  if (len <= 4) return [...Array(len).keys()];
  return [...new Set([0, 1, 1 + rng.next(len - 2), len - 1])].sort((a, b) =>
    a - b
  );
}

/**
 * Every mutant of a base snapshot: the generic JSON ones (each sampled
 * value replaced by a wrong type, nudged by one, deleted; each list's
 * first entry repeated 100,000 times), the snapshot-specific ones (frames
 * at offsets that are not points, types that disagree, memory above its
 * maximum, overlapping ranges, corrupted compressed memory), truncations
 * and raw bit flips.
 */
export function mutantsOf(file: Uint8Array, seed: number): Mutant[] {
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const jsonLen = Number(v.getBigUint64(16, true));
  const blobLen = Number(v.getBigUint64(24, true));
  const json = file.subarray(32, 32 + jsonLen);
  const root = parseWithSpans(json);
  const rng = new Rng(seed);
  const out: Mutant[] = [];
  const text = (n: Node) =>
    new TextDecoder().decode(json.subarray(n.start, n.end));
  const replace = (n: Node, t: string, what: string, category: string) =>
    out.push({
      what,
      category,
      splice: { start: n.start, end: n.end, text: t, repeat: 1 },
    });
  const repeated = new Set<string>();

  const walk = (n: Node, path: string, schema: string) => {
    // Wrong types: two of them, other than the value's own kind.
    const wrong = WRONG_TYPES.filter((t) => kindOf(t) !== n.kind);
    for (let k = 0; k < 2; k++) {
      const t = wrong[rng.next(wrong.length)];
      replace(n, t, `${path}: wrong type ${t}`, "wrong type");
    }
    for (const t of nudges(n)) {
      replace(n, t, `${path}: nudged to ${t}`, "nudged by one");
    }
    if (n.kind === "array") {
      const sampled = sampleIndices(n.items.length, rng);
      for (const i of sampled) {
        const del = deletionSpan(json, n.items, i);
        out.push({
          what: `${path}[${i}]: deleted`,
          category: "deleted",
          splice: { ...del, text: "", repeat: 1 },
        });
      }
      if (n.items.length > 0 && !repeated.has(schema)) {
        repeated.add(schema);
        const first = n.items[0];
        out.push({
          what: `${path}[0]: repeated 100000 times`,
          category: "entry repeated 100,000 times",
          // Up to 30 MB of JSON: a few seconds under ASan, more on a
          // loaded machine; still a refusal, not a hang.
          timeoutMs: 180_000,
          splice: {
            start: first.end,
            end: first.end,
            text: "," + text(first),
            repeat: 100000,
          },
        });
      }
      for (const i of sampled) {
        walk(n.items[i], `${path}[${i}]`, `${schema}[]`);
      }
    } else if (n.kind === "object") {
      const spans = n.members.map((m) => ({
        start: m.keyStart,
        end: m.value.end,
      }));
      n.members.forEach((m, i) => {
        out.push({
          what: `${path}.${m.key}: deleted`,
          category: "deleted",
          splice: { ...deletionSpan(json, spans, i), text: "", repeat: 1 },
        });
        walk(m.value, `${path}.${m.key}`, `${schema}.${m.key}`);
      });
    }
  };
  walk(root, "$", "$");

  const get = (n: Node | undefined, key: string): Node | undefined =>
    n?.kind === "object"
      ? n.members.find((m) => m.key === key)?.value
      : undefined;
  const frames = get(root, "frames");
  const frameList = frames?.kind === "array" ? frames.items : [];

  // Frames at offsets that are not points, in the wrong function, of the
  // wrong kind, out of order.
  for (const i of sampleIndices(frameList.length, rng)) {
    const f = frameList[i];
    const off = get(f, "offset"), func = get(f, "func"), kind = get(f, "kind");
    for (
      const t of [
        "0",
        "1",
        "4294967295",
        "4294967296",
        "18446744073709551615",
        "18446744073709551616",
      ]
    ) {
      if (off) {
        replace(off, t, `frames[${i}].offset = ${t}`, "frame not at a point");
      }
    }
    for (const t of ["0", "1", "2", "3", "4294967295"]) {
      if (func) {
        replace(func, t, `frames[${i}].func = ${t}`, "frame not at a point");
      }
    }
    for (
      const t of ['"entry"', '"loop"', '"call"', '"import_call"', '"Entry"']
    ) {
      if (kind && text(kind) !== t) {
        replace(kind, t, `frames[${i}].kind = ${t}`, "frame not at a point");
      }
    }
    // Types that disagree with the function: each saved value's type
    // swapped for every other type (with a well-formed value of that type).
    for (const part of ["locals", "stack"]) {
      const vals = get(f, part);
      if (vals?.kind !== "array") {
        continue;
      }
      for (const k of sampleIndices(vals.items.length, rng)) {
        const own = get(vals.items[k], "type");
        for (const t of VALUE_TYPES) {
          if (own && text(own) === `"${t}"`) {
            continue;
          }
          replace(
            vals.items[k],
            `{"type":"${t}","value":${SAMPLE_VALUES[t]}}`,
            `frames[${i}].${part}[${k}] as ${t}`,
            "type disagrees with the function",
          );
        }
      }
      // One value too many / too few.
      if (vals.items.length > 0) {
        const last = vals.items[vals.items.length - 1];
        out.push({
          what: `frames[${i}].${part}: one value more`,
          category: "type disagrees with the function",
          splice: {
            start: last.end,
            end: last.end,
            text: "," + text(last),
            repeat: 1,
          },
        });
      }
    }
    // Another frame's point in this frame's place.
    if (frameList.length > 1) {
      const j = (i + 1) % frameList.length;
      replace(
        f,
        text(frameList[j]),
        `frames[${i}] = frames[${j}]`,
        "frame not at a point",
      );
    }
  }
  if (frames && frameList.length > 2) {
    // A frame in the middle of a recursion repeated: a consistent call
    // chain, deeper than any call-depth limit of the restore.
    const mid = frameList[frameList.length >> 1];
    out.push({
      what: `frames[${
        frameList.length >> 1
      }] (mid-stack) repeated 100000 times`,
      category: "entry repeated 100,000 times",
      splice: {
        start: mid.end,
        end: mid.end,
        text: "," + text(mid),
        repeat: 100000,
      },
      timeoutMs: 180_000,
    });
  }
  if (frames && frameList.length > 1) {
    const rev = [...frameList].reverse().map(text).join(",");
    replace(frames, `[${rev}]`, "frames reversed", "frame not at a point");
    const last = frameList[frameList.length - 1];
    out.push({
      what: "innermost frame twice",
      category: "frame not at a point",
      splice: {
        start: last.end,
        end: last.end,
        text: "," + text(last),
        repeat: 1,
      },
    });
  }

  // Memories: above the maximum, ranges overlapping or beyond the size.
  const memories = get(root, "memories");
  for (
    const [mi, mem] of (memories?.kind === "array" ? memories.items : [])
      .entries()
  ) {
    const pages = get(mem, "pages");
    const max = get(mem, "max");
    if (pages) {
      const maxPages = max?.kind === "number" ? BigInt(max.text) : 65536n;
      for (
        const t of [maxPages + 1n, 65536n, 65537n, 1n << 32n, 1n << 48n, 0n]
      ) {
        replace(
          pages,
          String(t),
          `memories[${mi}].pages = ${t}`,
          "memory above its maximum",
        );
      }
    }
    if (max) {
      replace(max, "0", `memories[${mi}].max = 0`, "memory above its maximum");
    }
    const ranges = get(mem, "ranges");
    if (ranges?.kind !== "array" || ranges.items.length === 0) continue;
    const rs = ranges.items;
    const r0 = rs[0];
    out.push({
      what: `memories[${mi}].ranges[0] twice`,
      category: "overlapping ranges",
      splice: { start: r0.end, end: r0.end, text: "," + text(r0), repeat: 1 },
    });
    for (let i = 0; i < rs.length; i++) {
      const page = get(rs[i], "page"), count = get(rs[i], "count");
      const offset = get(rs[i], "offset"), length = get(rs[i], "length");
      if (i > 0 && page) {
        const prev = get(rs[i - 1], "page")!;
        replace(
          page,
          text(prev),
          `memories[${mi}].ranges[${i}].page = previous page`,
          "overlapping ranges",
        );
      }
      if (count && pages) {
        replace(
          count,
          text(pages),
          `memories[${mi}].ranges[${i}].count = all pages`,
          "overlapping ranges",
        );
      }
      if (page && pages) {
        replace(
          page,
          text(pages),
          `memories[${mi}].ranges[${i}].page = pages`,
          "overlapping ranges",
        );
      }
      if (offset && length) {
        replace(
          offset,
          String(blobLen),
          `memories[${mi}].ranges[${i}].offset = blob end`,
          "compressed memory corrupted",
        );
        replace(
          length,
          String(blobLen + 1),
          `memories[${mi}].ranges[${i}].length = blob + 1`,
          "compressed memory corrupted",
        );
        if (i > 0) {
          const po = get(rs[i - 1], "offset")!, pl = get(rs[i - 1], "length")!;
          replace(
            offset,
            text(po),
            `memories[${mi}].ranges[${i}] reads range ${i - 1}'s stream`,
            "compressed memory corrupted",
          );
          replace(
            length,
            text(pl),
            `memories[${mi}].ranges[${i}] length of range ${i - 1}`,
            "compressed memory corrupted",
          );
        }
      }
    }
  }

  // Compressed memory corrupted (CRC re-sealed): bytes of the blob.
  const blobAt = 32 + jsonLen;
  for (let k = 0; k < 200 && blobLen > 0; k++) {
    const at = blobAt + rng.next(blobLen);
    const edits: [number, number][] = [[at, 1 << rng.next(8)]];
    if (k % 4 === 3) edits.push([blobAt + rng.next(blobLen), 0xff]);
    out.push({
      what: `blob byte ${at - blobAt} flipped`,
      category: "compressed memory corrupted",
      patches: edits,
    });
  }
  for (const at of [0, 1, 2, blobLen - 4, blobLen - 1]) {
    if (at >= 0 && at < blobLen) {
      out.push({
        what: `blob byte ${at} zeroed`,
        category: "compressed memory corrupted",
        patches: [[blobAt + at, file[blobAt + at] || 1]],
      });
    }
  }

  // Header fields (re-sealed): version, flags, lengths.
  for (const at of [8, 12, 16, 19, 23, 24, 31]) {
    for (const x of [1, 0x80, 0xff]) {
      out.push({
        what: `header byte ${at} ^ ${x}`,
        category: "header",
        patches: [[at, x]],
      });
    }
  }

  // Truncations, with and without a re-sealed CRC.
  const total = file.length;
  const cuts = [
    0,
    1,
    7,
    8,
    12,
    31,
    32,
    35,
    33 + (jsonLen >> 1),
    32 + jsonLen - 1,
    32 + jsonLen,
    32 + jsonLen + (blobLen >> 1),
    total - 5,
    total - 4,
    total - 1,
  ];
  for (let k = 0; k < 20; k++) cuts.push(rng.next(total));
  for (const cut of cuts) {
    out.push({
      what: `truncated to ${cut} bytes`,
      category: "truncated",
      truncate: cut,
      reseal: false,
    });
    out.push({
      what: `truncated to ${cut} bytes, CRC re-sealed`,
      category: "truncated",
      truncate: cut,
      reseal: true,
    });
  }

  // Raw bit flips anywhere (the CRC not re-sealed).
  for (let k = 0; k < 150; k++) {
    const at = rng.next(total);
    out.push({
      what: `bit flip at ${at}`,
      category: "raw bit flip",
      patches: [[at, 1 << rng.next(8)]],
      reseal: false,
    });
  }
  return out;
}
