import assert from "node:assert/strict";
import { parseNameSection } from "./names.ts";
import { decodeModule } from "./decoder.ts";
import { watToWasm } from "../frontend/wat.ts";

/** The bytes of the `name` custom section's contents that wabt writes. */
async function wabtNameSection(text: string): Promise<Uint8Array> {
  const m = decodeModule(await watToWasm(text));
  const custom = m.customs.find((c) => c.name === "name");
  assert.ok(custom, "wabt wrote no name section");
  return custom.bytes;
}

Deno.test("function names written by wabt are read back", async () => {
  const names = parseNameSection(
    await wabtNameSection(
      `(module (import "env" "ext" (func $imported))
        (func $first (local $x i32)) (func) (func $last))`,
    ),
  );
  // Locals subsections are skipped; unnamed functions are absent.
  assert.deepEqual([...names], [
    [0, "imported"],
    [1, "first"],
    [3, "last"],
  ]);
});

Deno.test("a damaged name section yields what came before the damage", () => {
  // Subsection 1 with two names, the second's length running off the end.
  const bytes = new Uint8Array([1, 9, 2, 0, 2, 0x68, 0x69, 1, 9, 0x61, 0x62]);
  assert.deepEqual([...parseNameSection(bytes)], [[0, "hi"]]);
  assert.deepEqual([...parseNameSection(new Uint8Array([1, 0xff]))], []);
  // UTF-8 names decode; a malformed one ends the reading.
  const utf8 = [...new TextEncoder().encode("\u00e9\u{1F600}")];
  const sub = [2, 0, 1, 0x61, 1, utf8.length, ...utf8];
  assert.deepEqual(
    [...parseNameSection(new Uint8Array([1, sub.length, ...sub]))],
    [[0, "a"], [1, "\u00e9\u{1F600}"]],
  );
  assert.deepEqual([...parseNameSection(new Uint8Array([]))], []);
});
