import assert from "node:assert/strict";
import { decodeModule } from "../decode/decoder.ts";
import type { Module } from "../wasm/types.ts";
import { pollPolicy } from "./poll_policy.ts";

/** Decodes a WAT module (through the system wat2wasm). */
function module(wat: string): Module {
  const dir = Deno.makeTempDirSync({ prefix: "godwit-policy-" });
  try {
    Deno.writeTextFileSync(`${dir}/m.wat`, wat);
    const r = new Deno.Command("wat2wasm", {
      args: [`${dir}/m.wat`, "-o", `${dir}/m.wasm`],
    }).outputSync();
    assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
    return decodeModule(Deno.readFileSync(`${dir}/m.wasm`));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

// Function indices: 0 the import, then 1..5 as defined.
const WAT = `(module
  (import "env" "host" (func $host))
  (memory 1)
  ;; 1: a leaf without loops
  (func $add (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  ;; 2: a leaf with a counted call-free loop (no poll)
  (func $fill (param $n i32) (local $i i32)
    (loop $l
      (i32.store8 (local.get $i) (local.get $i))
      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                        (local.get $n)))))
  ;; 3: a leaf with a loop of unknown length (polls)
  (func $chase (param $p i32) (result i32)
    (loop $l (local.set $p (i32.load (local.get $p)))
      (br_if $l (local.get $p)))
    (local.get $p))
  ;; 4: calls the leaves and the host
  (func $main (result i32)
    (call $fill (i32.const 8))
    (call $host)
    (i32.add (call $add (i32.const 1) (i32.const 2)) (call $chase (i32.const 0))))
  ;; 5: recursive
  (func $rec (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (call $rec (i32.sub (local.get 0) (i32.const 1))))
      (else (i32.const 0)))))`;

Deno.test("leaves without a polling loop have no points; others do", () => {
  const p = pollPolicy(module(WAT));
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((f) => p.of(f).instrumented),
    [false, false, true, true, true],
  );
});

Deno.test("only calls of functions with points need an after-call check", () => {
  const p = pollPolicy(module(WAT));
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5].map((f) => p.callMayUnwind(f)),
    [true, false, false, true, true, true],
  );
});

Deno.test("the counted loop has no poll, the pointer chase has one", () => {
  const m = module(WAT);
  const p = pollPolicy(m);
  const loops = (f: number) => m.codes[f - 1].body.filter((i) => i.op === 0x03);
  assert.equal(loops(2).length, 1);
  assert.ok(p.of(2).unpolledLoops.has(loops(2)[0]));
  assert.equal(loops(3).length, 1);
  assert.ok(!p.of(3).unpolledLoops.has(loops(3)[0]));
});

Deno.test("polling everywhere instruments every function and loop", () => {
  const p = pollPolicy(module(WAT), true);
  for (const f of [1, 2, 3, 4, 5]) {
    assert.ok(p.of(f).instrumented);
    assert.equal(p.of(f).unpolledLoops.size, 0);
    assert.ok(p.callMayUnwind(f));
  }
});
