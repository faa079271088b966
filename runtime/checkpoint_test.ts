/**
 * Runs the C checkpoint/restore tests (runtime/tests/cr_test.c) and checks
 * their results against Deno's own WebAssembly engine running the same
 * module (runtime/tests/cr_module.wasm), plus the C inflater against
 * node:zlib's compressor.
 */
import assert from "node:assert/strict";
import { deflateSync } from "node:zlib";
import { crc32 } from "../compiler/snapshot/read.ts";
import { crModuleBytes, crTestRun } from "./tests/cr_build.ts";
import { haveSanitizers, SANITIZER_REPORT } from "./tests/sanitized_build.ts";

Deno.test("cr_test: countdown, --continue, chains, signal, timer, corruption", async () => {
  const r = await crTestRun();
  assert.equal(r.code, 0, `cr_test failed:\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /^ok \(0 failures\)$/m);
  const checkpoints = Number(
    /^countdown (\d+) checkpoints$/m.exec(r.stdout)![1],
  );
  assert.ok(checkpoints > 100, `only ${checkpoints} checkpoints tested`);
  assert.match(r.stdout, /^corruption \d+ bit flips rejected$/m);
});

Deno.test("cr_test's hand-written code computes what Deno's engine does", async () => {
  const r = await crTestRun();
  const m = /^result (\d+) (-?\d+) (\d+) (\d+) (-?\d+)$/m.exec(r.stdout);
  assert.ok(m, r.stdout);
  const [, n, value, memCrc, pages, count] = m;
  const instance = new WebAssembly.Instance(
    new WebAssembly.Module(crModuleBytes() as Uint8Array<ArrayBuffer>),
  );
  const ex = instance.exports as {
    run: (n: number) => bigint;
    memory: WebAssembly.Memory;
    count: WebAssembly.Global;
  };
  assert.equal(ex.run(Number(n)), BigInt(value));
  const mem = new Uint8Array(ex.memory.buffer);
  assert.equal(mem.length / 65536, Number(pages));
  assert.equal(crc32(mem), Number(memCrc));
  assert.equal(ex.count.value, Number(count));
});

Deno.test("the C inflater reads node:zlib's streams (dynamic and stored blocks)", async () => {
  const { exe, dir } = await crTestRun();
  const data = new Uint8Array(200000);
  let seed = 7;
  for (let i = 0; i < data.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    data[i] = i % 3000 < 1000 ? 0 : i % 3000 < 2000 ? (seed >>> 24) : i % 13;
  }
  for (const level of [0, 1, 6, 9]) {
    const z = deflateSync(data, { level });
    const file = `${dir}/zlib-${level}.bin`;
    await Deno.writeFile(file, z);
    const out = await new Deno.Command(exe, {
      args: ["inflate", file, String(data.length)],
      stdout: "piped",
    }).output();
    assert.equal(
      new TextDecoder().decode(out.stdout).trim(),
      `crc ${crc32(data)}`,
      `level ${level}`,
    );
    // One byte too few or too many is a clear failure, not a crash.
    const short = await new Deno.Command(exe, {
      args: ["inflate", file, String(data.length - 1)],
      stdout: "piped",
    }).output();
    assert.equal(short.code, 1);
  }
});

for (
  const [sanitizer, name] of [
    ["asan", "AddressSanitizer + UndefinedBehaviorSanitizer"],
    ["tsan", "ThreadSanitizer (signal and timer threads)"],
  ] as const
) {
  Deno.test({
    name: `cr_test under ${name} is clean`,
    ignore: !haveSanitizers(), // reason: needs clang-14 and its sanitizer runtimes
    async fn() {
      const r = await crTestRun(sanitizer);
      assert.doesNotMatch(r.stderr, SANITIZER_REPORT, r.stderr);
      assert.equal(r.code, 0, `cr_test failed:\n${r.stdout}\n${r.stderr}`);
      assert.match(r.stdout, /^ok \(0 failures\)$/m);
      assert.match(r.stdout, /^timer \d+ snapshots$/m);
    },
  });
}
