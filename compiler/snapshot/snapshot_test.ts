/**
 * Tests of the TypeScript snapshot reader, validator and inspector on
 * snapshots written by the C runtime (runtime/tests/cr_test.c running
 * runtime/tests/cr_module.wasm), with Deno's engine and node:zlib as oracles.
 */
import assert from "node:assert/strict";
import { decodeModule } from "../decode/decoder.ts";
import { crModuleBytes, crTestRun } from "../../runtime/tests/cr_build.ts";
import { crc32, memoryBytes, readSnapshot, SnapshotError } from "./read.ts";
import { migrationPoints, moduleHash, validateSnapshot } from "./validate.ts";
import { inspectCommand, inspectSnapshot } from "./inspect.ts";

async function snapshotFile(name: string): Promise<Uint8Array> {
  const { dir } = await crTestRun();
  return await Deno.readFile(`${dir}/${name}`);
}

/** Rewrites the JSON metadata and fixes the lengths and checksum. */
function patchJson(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLen = Number(view.getBigUint64(16, true));
  const json = new TextDecoder().decode(bytes.subarray(32, 32 + jsonLen));
  assert.ok(json.includes(from), `pattern ${from} not in metadata`);
  const newJson = new TextEncoder().encode(json.replace(from, to));
  const out = new Uint8Array(bytes.length - jsonLen + newJson.length);
  out.set(bytes.subarray(0, 32));
  out.set(newJson, 32);
  out.set(bytes.subarray(32 + jsonLen, bytes.length - 4), 32 + newJson.length);
  const ov = new DataView(out.buffer);
  ov.setBigUint64(16, BigInt(newJson.length), true);
  ov.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

Deno.test("every snapshot the C runtime wrote reads and validates", async () => {
  const { dir } = await crTestRun();
  const bytes = crModuleBytes();
  const module = decodeModule(bytes);
  let count = 0;
  for (const entry of Deno.readDirSync(dir)) {
    if (!entry.name.endsWith(".snapshot")) continue;
    const s = readSnapshot(await Deno.readFile(`${dir}/${entry.name}`));
    validateSnapshot(s, module, undefined, { moduleBytes: bytes });
    assert.equal(s.moduleHash, moduleHash(bytes));
    for (const m of s.memories) {
      assert.equal(memoryBytes(s, m.index).length, m.pages * 65536);
    }
    count++;
  }
  assert.ok(count >= 6, `only ${count} snapshots`);
});

Deno.test("a snapshot at the first point holds the initial state (Deno as oracle)", async () => {
  const s = readSnapshot(await snapshotFile("countdown-1.snapshot"));
  assert.equal(s.frames.length, 1);
  assert.deepEqual(
    {
      func: s.frames[0].func,
      offset: s.frames[0].offset,
      kind: s.frames[0].kind,
    },
    { func: 1, offset: 141, kind: "entry" },
  );
  assert.deepEqual(s.frames[0].locals[0], { type: "i32", value: 300 });
  const instance = new WebAssembly.Instance(
    new WebAssembly.Module(crModuleBytes() as Uint8Array<ArrayBuffer>),
  );
  const memory = (instance.exports.memory as WebAssembly.Memory).buffer;
  assert.deepEqual(memoryBytes(s, 0), new Uint8Array(memory));
  assert.deepEqual(s.tables[0].elements, [0, null]);
  assert.deepEqual(s.globals.map((g) => g.value), [
    { type: "i32", value: 0 },
    { type: "f64", bits: 0n },
    { type: "i32", value: 7 },
  ]);
});

Deno.test("frames are outermost first, with the stack below a call's arguments", async () => {
  const s = readSnapshot(await snapshotFile("countdown-3.snapshot"));
  // run entry (1), loop (2), call (3: deferred to the callee's entry).
  assert.deepEqual(s.frames.map((f) => [f.func, f.offset, f.kind]), [
    [1, 153, "call"],
    [0, 107, "entry"],
  ]);
  assert.deepEqual(s.frames[0].stack, [{ type: "i64", value: 0n }]);
  assert.equal(s.frames[0].locals[5].type, "v128");
  assert.deepEqual(s.frames[1].locals, [{ type: "i32", value: 0 }]);
});

Deno.test("migrationPoints finds entries, loops and calls by offset", () => {
  const points = migrationPoints(decodeModule(crModuleBytes()));
  assert.deepEqual(points, [
    { func: 0, offset: 107, kind: "entry" },
    { func: 0, offset: 123, kind: "call" },
    { func: 1, offset: 141, kind: "entry" },
    { func: 1, offset: 141, kind: "loop" },
    { func: 1, offset: 153, kind: "call" },
  ]);
});

Deno.test("truncated, bit-flipped and foreign snapshots give clear errors", async () => {
  const good = await snapshotFile("countdown-3.snapshot");
  for (const cut of [0, 5, 31, 36, 100, good.length - 1]) {
    assert.throws(
      () => readSnapshot(good.subarray(0, cut)),
      (e) =>
        e instanceof SnapshotError &&
        /truncated|magic|checksum/.test(e.message),
      `cut ${cut}`,
    );
  }
  for (let pos = 0; pos < good.length; pos += 37) {
    const bad = good.slice();
    bad[pos] ^= 4;
    assert.throws(() => readSnapshot(bad), SnapshotError, `flip at ${pos}`);
  }
  const s = readSnapshot(good);
  const module = decodeModule(crModuleBytes());
  const other = crModuleBytes().slice();
  other[other.length - 1] ^= 1; // inside the name section: same code
  assert.throws(
    () => validateSnapshot(s, module, undefined, { moduleBytes: other }),
    /another module/,
  );
});

Deno.test("well-formed snapshots that do not fit the module are rejected", async () => {
  const good = await snapshotFile("countdown-3.snapshot");
  const module = decodeModule(crModuleBytes());
  const cases: [string, string, RegExp][] = [
    ['"func":1,', '"func":9,', /bad function index/],
    ['"offset":153', '"offset":154', /not a call migration point/],
    ['"kind":"entry"', '"kind":"loop"', /not a loop migration point/],
    [
      '{"type":"i32","value":300}',
      '{"type":"i64","value":"300"}',
      /does not match/,
    ],
    ['"pages":1', '"pages":9', /limits/],
    ['"elements":[0,null]', '"elements":[5,null]', /function index/],
    ['"mutable":false', '"mutable":true', /mutability/],
  ];
  for (const [from, to, want] of cases) {
    const bad = patchJson(good, from, to);
    assert.throws(
      () => validateSnapshot(readSnapshot(bad), module),
      want,
      from,
    );
  }
  // Shape errors are caught by the reader itself.
  assert.throws(
    () => readSnapshot(patchJson(good, '"value":"0"', '"value":0')),
    /i64 must be a decimal string/,
  );
  assert.throws(
    () => readSnapshot(patchJson(good, '"version":1', '"version":3')),
    /bad version/,
  );
});

Deno.test("inspect names functions, positions and instructions", async () => {
  const { dir } = await crTestRun();
  const file = `${dir}/countdown-3.snapshot`;
  const plain = inspectSnapshot(readSnapshot(await Deno.readFile(file)));
  assert.match(plain, /#0 sum \(func 0\) at offset 107 \(entry\)/);
  assert.match(plain, /#1 run \(func 1\) at offset 153 \(call\)/);
  const wasmPath =
    new URL("../../runtime/tests/cr_module.wasm", import.meta.url).pathname;
  const text = await inspectCommand(file, wasmPath);
  assert.match(text, /#0 sum \(func 0\) at offset 107 \(entry: local\.get\)/);
  assert.match(text, /#1 run \(func 1\) at offset 153 \(call: call 0\)/);
  assert.match(
    text,
    /locals: i32 300, i32 0, i64 0, f64 0 \(0x0000000000000000\), f32 0/,
  );
  assert.match(
    text,
    /memory 0: 1 pages \(64 KiB\) of at most 8, 1 non-zero pages/,
  );
  assert.match(text, /table 0: funcref, 2 elements, 1 non-null/);
  await assert.rejects(
    () => inspectCommand(`${dir}/missing.snapshot`),
    /cannot read/,
  );
});
