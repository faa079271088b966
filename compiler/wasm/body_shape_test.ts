import assert from "node:assert/strict";
import { decodeModule } from "../decode/decoder.ts";
import { shortCountedLoops } from "./body_shape.ts";

/** The `loop`s of function 0 of `funcs` (WAT), in order: polled or not. */
function polled(funcs: string): boolean[] {
  const dir = Deno.makeTempDirSync({ prefix: "godwit-polls-" });
  try {
    Deno.writeTextFileSync(
      `${dir}/m.wat`,
      `(module (memory 1) (func $f (param i32)) ${funcs})`,
    );
    const r = new Deno.Command("wat2wasm", {
      args: [`${dir}/m.wat`, "-o", `${dir}/m.wasm`],
    }).outputSync();
    assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
    const body = decodeModule(Deno.readFileSync(`${dir}/m.wasm`)).codes[1]
      .body;
    const skip = shortCountedLoops(body);
    return body.flatMap((ins, k) => ins.op === 0x03 ? [!skip.has(k)] : []);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

const fn = (body: string) =>
  `(func (param $n i32) (param $p i32) (local $i i32) (local $j i32) ${body})`;

Deno.test("a counted call-free innermost loop has no poll", () => {
  // for (i = 0; i != n; i++) mem[i] = i
  assert.deepEqual(
    polled(fn(`(loop $l
      (i32.store8 (local.get $i) (local.get $i))
      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                        (local.get $n))))`)),
    [false],
  );
  // Stepped by a loop-invariant local (sieve: j += i; j <= n).
  assert.deepEqual(
    polled(fn(`(loop $l
      (i32.store8 (local.get $j) (i32.const 1))
      (br_if $l (i32.le_s (local.tee $j (i32.add (local.get $i) (local.get $j)))
                          (local.get $n))))`)),
    [false],
  );
  // Bound first, constant bound, i64 counter, exit branch to a block.
  assert.deepEqual(
    polled(fn(`(loop $l
      (br_if $l (i32.lt_u (i32.const 100)
        (local.tee $i (i32.add (local.get $i) (i32.const 4))))))`)),
    [false],
  );
  assert.deepEqual(
    polled(
      `(func (local $k i64) (loop $l
        (br_if $l (i64.lt_s (local.tee $k (i64.add (i64.const 1) (local.get $k)))
                            (i64.const 1000)))))`,
    ),
    [false],
  );
  assert.deepEqual(
    polled(fn(`(block $done (loop $l
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l)))`)),
    [false],
  );
});

Deno.test("a two-pointer loop (i++, j-- while i < j) has no poll", () => {
  // fannkuch's flip loop as clang emits it: the test is kept in a local.
  assert.deepEqual(
    polled(fn(`(loop $l
      (local.set $n (i32.load (local.get $p)))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (local.set $n (i32.lt_s (local.get $i)
        (local.tee $j (i32.sub (local.get $j) (i32.const 1)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (local.get $n)))`)),
    [false],
  );
  // Both moving up: not obviously bounded.
  assert.deepEqual(
    polled(fn(`(loop $l
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br_if $l (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                          (local.get $j))))`)),
    [true],
  );
  // The test's local set in a branch that may not run.
  assert.deepEqual(
    polled(fn(`(loop $l
      (if (local.get $p) (then (local.set $n (i32.lt_s (local.get $i)
        (local.tee $j (i32.sub (local.get $j) (i32.const 1)))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (local.get $n)))`)),
    [true],
  );
});

Deno.test("a count-down loop testing the counter itself has no poll", () => {
  assert.deepEqual(
    polled(fn(`(loop $l
      (i32.store (local.get $p) (local.get $n))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))`)),
    [false],
  );
});

Deno.test("a loop without a back edge has no poll", () => {
  assert.deepEqual(
    polled(fn(`(loop (local.set $i (i32.load (local.get $p))))`)),
    [false],
  );
});

Deno.test("loops that may run long or hold other points keep their poll", () => {
  // Exit depends on memory (a scan).
  assert.deepEqual(
    polled(fn(`(loop $l
      (br_if $l (i32.load8_u (local.tee $p (i32.add (local.get $p) (i32.const 1))))))`)),
    [true],
  );
  // A call, memory.grow, a bulk operation in the body.
  for (
    const op of [
      "(call $f (local.get $i))",
      "(drop (memory.grow (i32.const 0)))",
      "(memory.fill (i32.const 0) (i32.const 0) (local.get $n))",
    ]
  ) {
    assert.deepEqual(
      polled(fn(`(loop $l ${op}
        (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                          (local.get $n))))`)),
      [true],
      op,
    );
  }
  // Nested: the outer loop holds a loop; the inner one is counted.
  assert.deepEqual(
    polled(fn(`(loop $o
      (local.set $j (i32.const 0))
      (loop $l (br_if $l (i32.ne (local.tee $j (i32.add (local.get $j) (i32.const 1)))
                                 (i32.const 8))))
      (br_if $o (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                        (local.get $n))))`)),
    [true, false],
  );
  // The bound is written in the loop.
  assert.deepEqual(
    polled(fn(`(loop $l
      (local.set $n (i32.load (local.get $p)))
      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                        (local.get $n))))`)),
    [true],
  );
  // The step is written in the loop.
  assert.deepEqual(
    polled(fn(`(loop $l
      (local.set $j (i32.load (local.get $p)))
      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (local.get $j)))
                        (local.get $n))))`)),
    [true],
  );
  // The counter is also written otherwise.
  assert.deepEqual(
    polled(fn(`(loop $l
      (local.set $i (i32.load (local.get $p)))
      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                        (local.get $n))))`)),
    [true],
  );
  // The step is conditional.
  assert.deepEqual(
    polled(fn(`(loop $l
      (if (local.get $p) (then (local.set $i (i32.add (local.get $i) (i32.const 1)))))
      (br_if $l (i32.ne (local.get $i) (local.get $n))))`)),
    [true],
  );
  // A `continue` can skip the step.
  assert.deepEqual(
    polled(fn(`(loop $l
      (br_if $l (i32.load (local.get $p)))
      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                        (local.get $n))))`)),
    [true],
  );
});
