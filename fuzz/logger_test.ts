import {
  deepStrictEqual as assertEquals,
  notDeepStrictEqual as assertNotEquals,
} from "node:assert/strict";
import { hashBytes, loggerModule, readerModule } from "./logger.ts";
import { quietNanAround } from "./godwit_runner.ts";

type Fn = (...a: unknown[]) => unknown;

async function logger(): Promise<Record<string, Fn>> {
  const bytes = await loggerModule();
  return new WebAssembly.Instance(
    new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>),
  ).exports as Record<string, Fn>;
}

/** Logs one f32 given by its bits through a Wasm caller (NaN bits intact). */
async function logF32Bits(
  log: Record<string, Fn>,
  bits: number,
): Promise<bigint> {
  const { watToWasm } = await import("../spec/toolchain.ts");
  const caller = await watToWasm(`(module
    (import "l" "log-f32" (func $log (param f32)))
    (func (export "go") (param i32) (call $log (f32.reinterpret_i32 (local.get 0)))))`);
  const x = new WebAssembly.Instance(
    new WebAssembly.Module(caller as Uint8Array<ArrayBuffer>),
    { l: { "log-f32": log["log-f32"] as WebAssembly.ImportValue } },
  ).exports as Record<string, Fn>;
  log.reset();
  x.go(bits);
  return log.hash() as bigint;
}

Deno.test("logger stores entries and hashes them", async () => {
  const log = await logger();
  log.reset();
  log["log-i32"](-1);
  log["log-i64"](5n);
  assertEquals(log.count(), 2);
  assertEquals(log.tag(0), 0);
  assertEquals(log.bits(0), 0xffffffffn);
  assertEquals(log.tag(1), 1);
  assertEquals(log.bits(1), 5n);
  const h = log.hash();
  log.reset();
  log["log-i32"](-1);
  log["log-i64"](6n);
  assertNotEquals(log.hash(), h);
});

Deno.test("logger's hash: quiet NaNs alike, signaling NaN payloads kept", async () => {
  const log = await logger();
  const quietA = await logF32Bits(log, 0x7fc00000);
  const quietB = await logF32Bits(log, 0xffc00123 | 0);
  assertEquals(quietA, quietB);
  const sigA = await logF32Bits(log, 0x7fa00000);
  const sigB = await logF32Bits(log, 0x7f900000);
  assertNotEquals(sigA, sigB);
  assertEquals(await logF32Bits(log, 0xffa00000 | 0), sigA); // sign ignored
  assertNotEquals(await logF32Bits(log, 0x3f800000), quietA);
});

Deno.test("reader hashes memory ranges", async () => {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const bytes = await readerModule();
  const r = new WebAssembly.Instance(
    new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>),
    { "gw$fuzzed": { "gw$memory": memory } },
  ).exports as Record<string, Fn>;
  assertEquals(r.pages(), 1);
  const before = r.hash(0, 65536);
  new Uint8Array(memory.buffer)[65535] = 1; // in the last word
  assertNotEquals(r.hash(0, 65536), before);
  const tail = r.hash(0, 13);
  new Uint8Array(memory.buffer)[12] = 9; // a byte of the tail loop
  assertNotEquals(r.hash(0, 13), tail);
});

Deno.test("hashBytes computes the reader's hash", async () => {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const bytes = new Uint8Array(memory.buffer);
  for (let i = 0; i < 100; i++) bytes[i] = (i * 37) & 0xff;
  const r = new WebAssembly.Instance(
    new WebAssembly.Module((await readerModule()) as Uint8Array<ArrayBuffer>),
    { "gw$fuzzed": { "gw$memory": memory } },
  ).exports as Record<string, Fn>;
  for (const [at, len] of [[0, 65536], [3, 29], [8, 0], [1, 7]]) {
    assertEquals(
      BigInt.asUintN(64, r.hash(at, len) as bigint),
      hashBytes(bytes.subarray(at, at + len)),
    );
  }
  assertEquals(r.load8(5), bytes[5]);
});

Deno.test("quietNanAround finds a quiet NaN in both, at any alignment", () => {
  const a = new Uint8Array([1, 0, 0, 0xc0, 0x7f, 2, 3, 4, 5, 6, 7, 8]);
  const b = new Uint8Array([1, 0, 0, 0xc0, 0xff, 2, 3, 4, 5, 6, 7, 8]);
  assertEquals(quietNanAround(a, b, 4), { type: "f32", at: 1 });
  const c = new Uint8Array([1, 0, 0, 0xc0, 0x00, 2, 3, 4, 5, 6, 7, 8]);
  assertEquals(quietNanAround(a, c, 4), undefined);
  const sig = new Uint8Array([1, 0, 0, 0xa0, 0x7f, 2, 3, 4, 5, 6, 7, 8]);
  assertEquals(quietNanAround(sig, b, 4), undefined); // signaling: not explained
});

Deno.test("logger: a v128 is two entries, low half first", async () => {
  const log = await logger();
  const { watToWasm } = await import("../spec/toolchain.ts");
  const caller = await watToWasm(`(module
    (import "l" "log-v128" (func $log (param v128)))
    (func (export "go")
      (call $log (v128.const i64x2 0x0102030405060708 0x1112131415161718))))`);
  const x = new WebAssembly.Instance(
    new WebAssembly.Module(caller as Uint8Array<ArrayBuffer>),
    { l: { "log-v128": log["log-v128"] as WebAssembly.ImportValue } },
  ).exports as Record<string, Fn>;
  log.reset();
  x.go();
  assertEquals(log.count(), 2);
  assertEquals([log.tag(0), log.bits(0)], [4, 0x0102030405060708n]);
  assertEquals([log.tag(1), log.bits(1)], [5, 0x1112131415161718n]);
});
