import assert from "node:assert/strict";
import { ByteReader } from "./reader.ts";
import { WasmError } from "./errors.ts";

/** Reference LEB128 encoder, written from the spec's definition. */
function lebSigned(v: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && (byte & 0x40) === 0) ||
      (v === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}
function lebUnsigned(v: bigint): number[] {
  const out: number[] = [];
  do {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v !== 0n ? byte | 0x80 : byte);
  } while (v !== 0n);
  return out;
}

function reader(bytes: number[]): ByteReader {
  return new ByteReader(new Uint8Array(bytes));
}

function reason(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof WasmError, `not a WasmError: ${e}`);
    assert.equal(e.kind, "malformed");
    return e.reason;
  }
  assert.fail("expected a WasmError");
}

/** Deterministic pseudo-random 64-bit values around interesting edges. */
function* sampleValues(bits: number): Generator<bigint> {
  const edges = [0n, 1n, -1n, 63n, 64n, -64n, -65n, 127n, 128n];
  for (let k = 1n; k < BigInt(bits); k++) edges.push(1n << k, -(1n << k));
  for (const e of edges) {
    yield BigInt.asIntN(bits, e);
    yield BigInt.asIntN(bits, e - 1n);
  }
  let x = 0x9e3779b97f4a7c15n;
  for (let i = 0; i < 500; i++) {
    x = BigInt.asUintN(64, x * 6364136223846793005n + 1442695040888963407n);
    yield BigInt.asIntN(bits, x >> BigInt(i % 60));
  }
}

Deno.test("u32 decodes what the reference encoder produces", () => {
  for (const v of sampleValues(64)) {
    const u = BigInt.asUintN(32, v);
    const r = reader(lebUnsigned(u));
    assert.equal(r.u32(), Number(u));
    assert.ok(r.atEnd());
  }
});

Deno.test("s32, s33 and s64 decode what the reference encoder produces", () => {
  for (const v of sampleValues(64)) {
    const s32 = BigInt.asIntN(32, v);
    assert.equal(reader(lebSigned(s32)).s32(), Number(s32));
    const s33 = BigInt.asIntN(33, v);
    assert.equal(reader(lebSigned(s33)).s33(), Number(s33));
    assert.equal(reader(lebSigned(v)).s64(), v);
  }
});

Deno.test("non-minimal encodings within the byte limit are accepted", () => {
  assert.equal(reader([0x80, 0x80, 0x80, 0x80, 0x00]).u32(), 0);
  assert.equal(reader([0xff, 0xff, 0xff, 0xff, 0x7f]).s32(), -1);
  assert.equal(reader([0x83, 0x80, 0x00]).u32(), 3);
  assert.equal(
    reader([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]).s64(),
    0n,
  );
});

Deno.test("over-long and too-large LEB128 follow the spec's reasons", () => {
  // binary-leb128.wast: 6 bytes for a u32 is too long; unused bits set in
  // the last byte are too large.
  assert.equal(
    reason(() => reader([0x80, 0x80, 0x80, 0x80, 0x80, 0x00]).u32()),
    "integer representation too long",
  );
  assert.equal(
    reason(() => reader([0x80, 0x80, 0x80, 0x80, 0x10]).u32()),
    "integer too large",
  );
  assert.equal(
    reason(() => reader([0x80, 0x80, 0x80, 0x80, 0x70]).s32()),
    "integer too large",
  );
  assert.equal(
    reason(() => reader([0xff, 0xff, 0xff, 0xff, 0x0f]).s32()),
    "integer too large",
  );
  assert.equal(
    reason(() =>
      reader([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02])
        .s64()
    ),
    "integer too large",
  );
  assert.equal(
    reason(() =>
      reader([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0])
        .s64()
    ),
    "integer representation too long",
  );
});

Deno.test("running out of bytes is an unexpected end", () => {
  assert.match(reason(() => reader([0x80]).u32()), /^unexpected end/);
  assert.match(reason(() => reader([1, 2, 3]).fixed32()), /^unexpected end/);
});

Deno.test("fixed-size values are little-endian bit patterns", () => {
  const r = reader([0, 0, 0xc0, 0x7f, 1, 0, 0, 0, 0, 0, 0xf8, 0x7f]);
  assert.equal(r.fixed32(), 0x7fc00000);
  assert.equal(r.fixed64(), 0x7ff8000000000001n);
});

Deno.test("names are UTF-8 checked like the spec's utf8 tests", () => {
  const text = "héllo \u{1F600} \uFEFF";
  const utf8 = [...new TextEncoder().encode(text)];
  assert.equal(reader([utf8.length, ...utf8]).name(), text);
  // Overlong encoding, lone surrogate, byte beyond U+10FFFF.
  for (
    const bad of [[0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80]]
  ) {
    assert.equal(
      reason(() => reader([bad.length, ...bad]).name()),
      "malformed UTF-8 encoding",
    );
  }
  assert.equal(reason(() => reader([5, 0x61]).name()), "length out of bounds");
});
