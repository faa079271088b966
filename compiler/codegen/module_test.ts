import assert from "node:assert/strict";
import { decodeModule } from "../decode/decoder.ts";
import { translateModule } from "./module.ts";
import { type OracleCall, runAgainstV8 } from "../../spec/oracle.ts";
import { formatReport } from "../../spec/report.ts";

const WAT = `(module
  (memory 1)
  (data (i32.const 16) "\\01\\00\\00\\00\\02\\00\\00\\00\\03\\00\\00\\00\\ff\\ff\\ff\\7f")
  (global $g (mut i64) (i64.const 0x8000000000000001))
  (table 2 funcref)
  (elem (i32.const 0) $sum $div)
  (type $binop (func (param i32 i32) (result i32)))
  (func $sum (export "sum") (param $p i32) (param $n i32) (result i32) (local $s i32)
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $s (i32.add (local.get $s) (i32.load (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l)))
    (local.get $s))
  (func $div (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "g") (result i64) (global.set $g (i64.add (global.get $g) (i64.const 1))) (global.get $g))
  (func $mv (param i32) (result i32 i64)
    (local.get 0) (i64.const -1)
    (if (param i32 i64) (result i32 i64) (local.get 0) (then) (else drop drop (i32.const 7) (i64.const 8))))
  (func (export "mv") (param i32) (result i64) (local i64)
    (call $mv (local.get 0)) (local.set 1) (i64.extend_i32_u) (local.get 1) (i64.add))
  (func (export "bt") (param i32) (result i32)
    (block (block (block (br_table 0 1 2 (local.get 0))) (return (i32.const 10))) (return (i32.const 11)))
    (i32.const 12))
  (func (export "indirect") (param i32 i32 i32) (result i32)
    (call_indirect (type $binop) (local.get 1) (local.get 2) (local.get 0)))
  (func (export "unaligned") (param i32) (result i64) (i64.load offset=1 (local.get 0)))
  (func $rec (export "rec") (param i32) (result i32)
    (if (result i32) (local.get 0) (then (call $rec (i32.sub (local.get 0) (i32.const 1)))) (else (i32.const 0))))
)`;

function wat2wasm(dir: string, text: string): Uint8Array {
  Deno.writeTextFileSync(`${dir}/m.wat`, text);
  const r = new Deno.Command("wat2wasm", {
    args: [`${dir}/m.wat`, "-o", `${dir}/m.wasm`],
  }).outputSync();
  assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
  return Deno.readFileSync(`${dir}/m.wasm`);
}

function withDir(fn: (dir: string) => void | Promise<void>) {
  return async () => {
    const dir = Deno.makeTempDirSync({ prefix: "godwit-cg-" });
    try {
      await fn(dir);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  };
}

// Through the real compiler, runtime and spec driver: every call's result
// or trap, and the exported globals after it, as Deno's engine computes them.
Deno.test({
  name: "native code agrees with Deno's WebAssembly engine",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const calls: OracleCall[] = [
      ["sum", [16, 3]],
      ["sum", [16, 4]],
      ["div", [7, -2]],
      ["div", [-2147483648, -1]],
      ["div", [1, 0]],
      ["g", []],
      ["g", []],
      ["mv", [5]],
      ["mv", [0]],
      ["bt", [0]],
      ["bt", [1]],
      ["bt", [2]],
      ["bt", [100]],
      ["indirect", [0, 16, 2]],
      ["indirect", [1, 9, 2]],
      ["indirect", [2, 9, 2]],
      ["unaligned", [16]],
      ["unaligned", [65530]],
      ["rec", [1000]],
      ["rec", [1000000]],
    ];
    const cacheDir = await Deno.makeTempDir({ prefix: "godwit-cg-" });
    try {
      const r = await runAgainstV8(WAT, calls, { cacheDir, jobs: 1 });
      const report = formatReport(r.files, r.records, 0);
      assert.equal(r.failed, 0, report);
      assert.equal(r.skipped, 0, report);
      // Every call and the module: nothing was left out.
      assert.equal(r.passed, calls.length + 1, report);
      // V8 trapped where the spec says (the messages are the spec's).
      const traps = r.records.filter((x) => x.command !== "assert_return");
      assert.deepEqual(traps.map((x) => x.command), [
        "module",
        "assert_trap",
        "assert_trap",
        "assert_trap",
        "assert_trap",
        "assert_exhaustion",
      ]);
    } finally {
      await Deno.remove(cacheDir, { recursive: true });
    }
  },
});

for (
  const [cr, allLoops] of [[false, false], [true, false], [true, true]]
) {
  Deno.test(
    `-O2 output of a memory loop is tight: no calls, base loaded once (cr: ${cr}${
      allLoops ? ", poll all loops" : ""
    })`,
    withDir((dir) => tightLoop(dir, cr, allLoops)),
  );
}

function tightLoop(dir: string, cr: boolean, allLoops: boolean): void {
  {
    const module = decodeModule(wat2wasm(dir, WAT));
    const t = translateModule(module, {
      targetTriple: "x86_64-pc-linux-gnu",
      cr,
      crPollEverywhere: allLoops,
    });
    assert.equal(t.points.length > 0, cr);
    t.writeBitcode(`${dir}/m.bc`);
    const r = new Deno.Command("opt", {
      args: ["-verify", "-O2", "-S", `${dir}/m.bc`, "-o", "-"],
    }).outputSync();
    assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
    const ir = new TextDecoder().decode(r.stdout);
    const start = ir.search(/define internal i32 @f0[.(]/);
    const sum = ir.slice(start, ir.indexOf("\n}\n", start));
    assert.equal((sum.match(/%mem0 = load/g) ?? []).length, 1);
    // With C/R, only the cold slow paths call the runtime.
    const allowed = cr
      ? /call [^@]*@(?!gw_trap\b|gw_cr_(poll|save_frame|resume)\b|llvm\.)/
      : /call [^@]*@(?!gw_trap\b|llvm\.)/;
    assert.ok(!allowed.test(sum), sum);
    // The loop is innermost, call-free and counted ($n steps by -1 and is
    // tested), so by default it has no poll, and the function, a leaf
    // without a polling loop, no C/R code at all (poll_policy.ts). Polling
    // everywhere, it polls at entry and in the loop.
    assert.equal(/gw_cr_/.test(sum), cr && allLoops);
    assert.equal(
      (sum.match(/load volatile i64/g) ?? []).length,
      cr && allLoops ? 2 : 0,
    );
    // Only the three tables are defined externally; everything else is
    // internal or a runtime import.
    const external = [...ir.matchAll(/^(@\S+) = (?!internal|private)/gm)].map((
      m,
    ) => m[1]);
    assert.deepEqual(external.sort(), [
      "@gw_func_code",
      "@gw_func_resume",
      "@gw_trampolines",
    ]);
    const defined = [...ir.matchAll(/^define (?!internal)\S+ (\S+)\(/gm)];
    assert.deepEqual(defined, []);
    // Every linear-memory access is align 1.
    assert.ok(/load i32, i32\* %\S+, align 1/.test(sum));
  }
}

Deno.test(
  "SIMD: v128 travels as <2 x i64>; each instruction calls its helper; a module without SIMD gets no SIMD prelude",
  withDir((dir) => {
    const simd = wat2wasm(
      dir,
      `(module (func (export "f") (param v128) (result i32)
         (i32x4.extract_lane 1 (i32x4.add (local.get 0) (v128.const i32x4 1 2 3 4)))))`,
    );
    const ir = translateModule(decodeModule(simd), {
      targetTriple: "x86_64-pc-linux-gnu",
      cr: false,
    }).printIR();
    assert.match(
      ir,
      /define internal i32 @"?f0"?\(i8\* %\S+, <2 x i64> %\S+\)/,
    );
    assert.match(ir, /call <2 x i64> @gwp_simd_i32x4_add\(/);
    assert.match(
      ir,
      /call i32 @gwp_simd_i32x4_extract_lane\(<2 x i64> %\S+, i32 1\)/,
    );
    const plain = wat2wasm(dir, `(module (func (result i32) (i32.const 1)))`);
    const plainIR = translateModule(decodeModule(plain), {
      targetTriple: "x86_64-pc-linux-gnu",
    }).printIR();
    assert.doesNotMatch(plainIR, /gwp_simd_/);
  }),
);

Deno.test(
  "functions are tuned like clang's default (rotates are ROL, not SHLD); leaves skip the depth counter",
  withDir((dir) => {
    const module = decodeModule(wat2wasm(
      dir,
      `(module
  (func $rot (export "rot") (param i32) (result i32)
    (i32.xor (i32.rotl (local.get 0) (i32.const 7)) (i32.rotr (local.get 0) (i32.const 3))))
  (func $rec (export "rec") (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (call $rec (i32.sub (local.get 0) (i32.const 1)))) (else (call $rot (i32.const 5)))))
  (func $pair (param f64 externref) (result i64 funcref) (i64.const 1) (ref.null func)))`,
    ));
    const ir = (tuneCpu?: string) =>
      translateModule(module, {
        targetTriple: "x86_64-pc-linux-gnu",
        cr: false,
        tuneCpu,
      });
    // Every defined function (any signature) carries the tuning attribute.
    const text = ir().printIR();
    const defs = [
      ...text.matchAll(/^define internal .*? @"?(f\d+)[^#]*#(\d+)/gm),
    ]
      .filter((m) => /^f\d+$/.test(m[1]));
    assert.deepEqual(defs.map((m) => m[1]), ["f0", "f1", "f2"]);
    for (const m of defs) {
      const group = text.match(
        new RegExp(`^attributes #${m[2]} = \\{.*\\}`, "m"),
      );
      assert.match(group?.[0] ?? "", /"tune-cpu"="generic"/, m[1]);
    }
    assert.match(ir("znver3").printIR(), /"tune-cpu"="znver3"/);
    // Only the function that calls counts call depth.
    const body = (name: string) => {
      const start = text.search(
        new RegExp(`^define internal .*? @"?${name}"?\\(`, "m"),
      );
      return text.slice(start, text.indexOf("\n}\n", start));
    };
    assert.ok(!/@gwp_enter/.test(body("f0")));
    assert.ok(/@gwp_enter/.test(body("f1")));
    assert.ok(!/@gwp_enter/.test(body("f2")));
    // llc with the driver's default -mcpu would otherwise emit SHLD for rotates.
    ir().writeBitcode(`${dir}/m.bc`);
    const r = new Deno.Command("sh", {
      args: [
        "-c",
        `opt -O2 ${dir}/m.bc | llc -O2 -mtriple=x86_64-pc-linux-gnu -mcpu=x86-64-v2 -o -`,
      ],
    }).outputSync();
    assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
    const asm = new TextDecoder().decode(r.stdout);
    assert.ok(/\t(rol|ror)l\t/.test(asm), asm);
    assert.ok(!/\tshld/.test(asm), asm);
  }),
);
