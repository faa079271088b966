import assert from "node:assert/strict";
import llvm from "npm:llvm-bindings@0.4.2";
import { constF32, constF64, constI32, constI64 } from "./constants.ts";

function constantText(make: (b: llvm.IRBuilder) => llvm.Value): string {
  const ctx = new llvm.LLVMContext();
  const m = new llvm.Module("t", ctx);
  const b = new llvm.IRBuilder(ctx);
  const v = make(b);
  const f = llvm.Function.Create(
    llvm.FunctionType.get(v.getType(), [], false),
    llvm.Function.LinkageTypes.ExternalLinkage,
    "f",
    m,
  );
  b.SetInsertPoint(llvm.BasicBlock.Create(ctx, "entry", f));
  b.CreateRet(make(b));
  return m.print().split("\n").find((l) => l.includes("ret "))!.trim();
}

Deno.test("i64 constants are exact above 2^53", () => {
  assert.equal(
    constantText((b) => constI64(b, 0x8000000000000001n)),
    "ret i64 -9223372036854775807",
  );
  assert.equal(constantText((b) => constI64(b, -2n)), "ret i64 -2");
  assert.equal(
    constantText((b) => constI64(b, 0x0123456789abcdefn)),
    "ret i64 81985529216486895",
  );
});

Deno.test("i32 constants keep the sign bit", () => {
  assert.equal(
    constantText((b) => constI32(b, 0x80000001)),
    "ret i32 -2147483647",
  );
  assert.equal(constantText((b) => constI32(b, -1)), "ret i32 -1");
});

Deno.test("float constants keep NaN payloads", () => {
  // LLVM prints floats as the hex of the equivalent double.
  assert.equal(
    constantText((b) => constF32(b, 0x7fa00001)),
    "ret float 0x7FF4000020000000",
  );
  assert.equal(
    constantText((b) => constF64(b, 0xfff4000000003210n)),
    "ret double 0xFFF4000000003210",
  );
});
