/**
 * The host imports of npm binaryen 132's fuzz modules, defined in the module
 * (host_imports.ts): no import but the logger's remains, and each definition
 * does what the module comment says, run in V8.
 */

import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { watToWasm } from "../spec/toolchain.ts";
import { defineHostImports } from "./host_imports.ts";

const WAT = `(module
  (import "fuzzing-support" "log-i32" (func $log (param i32)))
  (import "fuzzing-support" "call-export" (func $callExport (param i32)))
  (import "fuzzing-support" "call-export-catch" (func $callExportCatch (param i32) (result i32)))
  (import "fuzzing-support" "table-get" (func $tableGet (param i32) (result funcref)))
  (import "fuzzing-support" "table-set" (func $tableSet (param i32 funcref)))
  (import "fuzzing-support" "call-ref" (func $callRef (param funcref)))
  (import "fuzzing-support" "sleep" (func $sleep (param i32 i32) (result i32)))
  (import "__fuzz_import" "extern$" (global $ext externref))
  (import "__fuzz_import" "global$_1" (global $imported i32))
  (global $fromImport (mut i32) (global.get $imported))
  (global $count (mut i32) (i32.const 0))
  (table $t 2 funcref)
  (elem (i32.const 0) func $bump)
  (func $bump (export "bump") (param i64) (result i32)
    (global.set $count (i32.add (global.get $count) (i32.const 1)))
    (global.get $count))
  (func (export "viaCallExport") (result i32)
    (call $callExport (i32.const 0))
    (drop (call $callExportCatch (i32.const 0)))
    (global.get $count))
  (func (export "callExportCatchResult") (result i32)
    (call $callExportCatch (i32.const 0)))
  (func (export "callExportNotAFunction")
    (call $callExport (i32.const 9)))
  (func (export "tableRoundTrip") (result i32)
    (call $tableSet (i32.const 1) (call $tableGet (i32.const 0)))
    (ref.is_null (table.get $t (i32.const 1))))
  (func (export "tableOutOfBounds")
    (call $tableSet (i32.const 5) (ref.null func)))
  (func (export "sleepReturnsId") (result i32)
    (call $sleep (i32.const 100) (i32.const 42)))
  (func (export "callRefIsDropped") (result i32)
    (call $callRef (ref.func $bump))
    (global.get $count))
  (func (export "importedGlobals") (result i32)
    (i32.add (global.get $fromImport) (ref.is_null (global.get $ext))))
  (memory (export "mem") 1))`;

Deno.test("binaryen 132's host imports become definitions that do what they say", async () => {
  const { bytes, replaced } = await defineHostImports(
    await watToWasm(WAT, "fuzz.wat"),
  );
  assertEquals(replaced, [
    "fuzzing-support.call-export",
    "fuzzing-support.call-export-catch",
    "fuzzing-support.table-get",
    "fuzzing-support.table-set",
    "fuzzing-support.call-ref",
    "fuzzing-support.sleep",
    "__fuzz_import.extern$",
    "__fuzz_import.global$_1",
  ]);
  const module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  assertEquals(
    WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}`),
    ["fuzzing-support.log-i32"],
  );
  const logged: number[] = [];
  const { exports } = new WebAssembly.Instance(module, {
    "fuzzing-support": { "log-i32": (v: number) => logged.push(v) },
  });
  const fn = (name: string) => exports[name] as () => unknown;
  const trap = (name: string) => {
    try {
      fn(name)();
      return "returned";
    } catch (e) {
      return (e as Error).constructor.name;
    }
  };
  // Export 0 is "bump": called twice with a zero argument; export 9 is the
  // memory.
  assertEquals(fn("viaCallExport")(), 2);
  assertEquals(fn("callExportCatchResult")(), 0);
  // The catch form called it too.
  assertEquals((exports.bump as (x: bigint) => number)(0n), 4);
  assertEquals(trap("callExportNotAFunction"), "RuntimeError");
  assertEquals(fn("tableRoundTrip")(), 0);
  assertEquals(trap("tableOutOfBounds"), "RuntimeError");
  assertEquals(fn("sleepReturnsId")(), 42);
  assertEquals(fn("callRefIsDropped")(), 4);
  assertEquals(fn("importedGlobals")(), 1);
  assertEquals(logged, []);
});
