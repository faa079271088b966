import assert from "node:assert/strict";
import { decodeModule } from "../decode/decoder.ts";
import { accumulatingLoops } from "./load_keeping.ts";

/** The `loop`s of the function `func` (WAT), in order: accumulating or not. */
function accumulating(func: string): boolean[] {
  const dir = Deno.makeTempDirSync({ prefix: "godwit-keep-" });
  try {
    Deno.writeTextFileSync(`${dir}/m.wat`, `(module (memory 1) ${func})`);
    const r = new Deno.Command("wat2wasm", {
      args: [`${dir}/m.wat`, "-o", `${dir}/m.wasm`],
    }).outputSync();
    assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
    const body = decodeModule(Deno.readFileSync(`${dir}/m.wasm`)).codes[0]
      .body;
    const acc = accumulatingLoops(body);
    return body.flatMap((ins) => ins.op === 0x03 ? [acc.has(ins)] : []);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

const fn = (body: string) =>
  `(func (param $n i32) (local $i i32) (local $s i32) ${body})`;
/** s += mem[4i] for i < n, then `tail` in the loop body. */
const sum = (tail = "") =>
  `(loop $l
     (local.set $s (i32.add (local.get $s)
       (i32.load (i32.shl (local.get $i) (i32.const 2)))))
     ${tail}
     (local.set $i (i32.add (local.get $i) (i32.const 1)))
     (br_if $l (i32.lt_u (local.get $i) (local.get $n))))`;

Deno.test("a counted loop left only through its end accumulates", () => {
  assert.deepEqual(accumulating(fn(sum())), [true]);
  // Branches to blocks inside the loop do not leave it.
  assert.deepEqual(
    accumulating(fn(sum("(block $b (br_if $b (local.get $s)))"))),
    [true],
  );
});

Deno.test("a loop with another way out keeps each load with an asm", () => {
  assert.deepEqual(
    accumulating(fn(`(block $out ${sum("(br_if $out (local.get $s))")})`)),
    [false],
  );
  assert.deepEqual(
    accumulating(fn(sum("(if (local.get $s) (then (return)))"))),
    [
      false,
    ],
  );
  // A loop that polls (not counted, or with a call) never accumulates.
  assert.deepEqual(
    accumulating(fn(`(loop $l
      (local.set $i (i32.load (local.get $i)))
      (br_if $l (local.get $i)))`)),
    [false],
  );
  // A trap on the way (the division's check would move above the load).
  assert.deepEqual(
    accumulating(fn(sum("(drop (i32.div_u (local.get $s) (local.get $n)))"))),
    [false],
  );
  // Endless: the end is never reached.
  assert.deepEqual(
    accumulating(fn(`(loop $l (drop (i32.load (local.get $i))) (br $l))`)),
    [false],
  );
});
