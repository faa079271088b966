import assert from "node:assert/strict";
import { WasmError } from "./errors.ts";

Deno.test("messages carry kind, reason, detail and the known location", () => {
  const full = new WasmError("invalid", "type mismatch", {
    section: "code",
    func: 3,
    offset: 0x1a2,
    detail: "in i32.add",
  });
  assert.equal(
    full.message,
    "invalid module: type mismatch in i32.add (section code, function 3, offset 0x1a2)",
  );
  assert.equal(full.reason, "type mismatch");
  assert.equal(full.kind, "invalid");
  assert.equal(full.func, 3);
  assert.ok(full instanceof Error);

  const bare = new WasmError("malformed", "unexpected end");
  assert.equal(bare.message, "malformed module: unexpected end");
  assert.equal(bare.section, undefined);
  assert.equal(bare.offset, undefined);

  const partial = new WasmError("malformed", "zero byte expected", {
    offset: 0,
  });
  assert.equal(
    partial.message,
    "malformed module: zero byte expected (offset 0x0)",
  );
});
