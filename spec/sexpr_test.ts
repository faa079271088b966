import assert from "node:assert/strict";
import {
  LineMap,
  readSExprs,
  type SList,
  stringBytes,
  WastSyntaxError,
} from "./sexpr.ts";

Deno.test("reads lists, atoms and strings with positions, skipping comments", () => {
  const src = `;; line comment
(module $m (; block (; nested ;) ;) (func "a\\"b")) ;; tail
(x)`;
  const top = readSExprs(src);
  assert.equal(top.length, 2);
  const m = top[0] as SList;
  assert.equal(m.kind, "list");
  assert.deepEqual(m.items.map((i) => i.kind === "list" ? "(list)" : i.text), [
    "module",
    "$m",
    "(list)",
  ]);
  const func = m.items[2] as SList;
  assert.equal(func.items[1].kind, "string");
  assert.equal(
    src.slice(m.start, m.end),
    `(module $m (; block (; nested ;) ;) (func "a\\"b"))`,
  );
  assert.equal(new LineMap(src).lineOf(top[1].start), 3);
});

Deno.test('identifiers may embed strings (3.0 $"name")', () => {
  const [list] = readSExprs(`(func $"a b" (param))`) as SList[];
  assert.equal(list.items[1].kind, "atom");
  assert.equal((list.items[1] as { text: string }).text, `$"a b"`);
});

Deno.test("syntax errors carry the line", () => {
  assert.throws(
    () => readSExprs("(a\n(b)"),
    (e) => e instanceof WastSyntaxError && e.line === 1,
  );
  assert.throws(
    () => readSExprs("(a)\n)"),
    (e) => e instanceof WastSyntaxError && e.line === 2,
  );
  assert.throws(() => readSExprs(`(a "x`), WastSyntaxError);
  assert.throws(() => readSExprs(`(; open`), WastSyntaxError);
});

Deno.test("string escapes decode to bytes", () => {
  assert.deepEqual([...stringBytes(`"\\00asm\\n\\t\\\\\\'\\""`)], [
    0,
    0x61,
    0x73,
    0x6d,
    10,
    9,
    92,
    39,
    34,
  ]);
  assert.deepEqual([...stringBytes(`"\\u{1F600}é"`)], [
    0xf0,
    0x9f,
    0x98,
    0x80,
    0xc3,
    0xa9,
  ]);
  assert.deepEqual([...stringBytes(`"\\ff\\FE"`)], [0xff, 0xfe]);
  assert.throws(() => stringBytes(`"\\q"`));
});
