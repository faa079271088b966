import assert from "node:assert/strict";
import { decodeModule } from "../decode/decoder.ts";
import {
  buildNative,
  instantiationScript,
} from "../codegen/testing/spec_runner.ts";
import { translateModule } from "../codegen/module.ts";
import { type Module, ValType } from "../wasm/types.ts";
import { type PointInfo, PointKind } from "./points.ts";

// Checkpoint at every migration point a call reaches, restore in-process
// (the test harness's countdown stand-in for the runtime, see
// compiler/codegen/testing/harness.c), and compare with the uninterrupted
// run and with Deno's WebAssembly engine: results, memory and globals.

const WAT = new URL("./testdata/cr_torture.wat", import.meta.url).pathname;

function wat2wasm(dir: string): Uint8Array {
  const r = new Deno.Command("wat2wasm", {
    args: [WAT, "-o", `${dir}/t.wasm`],
  }).outputSync();
  assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
  return Deno.readFileSync(`${dir}/t.wasm`);
}

const f32Bits = (x: number) => {
  const v = new DataView(new ArrayBuffer(4));
  v.setFloat32(0, x, true);
  return v.getUint32(0, true);
};

/** name, arguments as Wasm values (f32 arguments as numbers). */
const CASES: [string, number[]][] = [
  ["fib", [9]],
  ["grid", [4, 3]],
  ["multi", [3]],
  ["indirect_sum", [6]],
  ["keep_load", [16]],
  ["keep_load", [65534]],
  ["fsum", [12, 1.5]],
  ["inner", [5]],
];

function fnv(bytes: Uint8Array): string {
  let h = 0xcbf29ce484222325n;
  for (const b of bytes) {
    h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
  }
  return h.toString(16);
}

interface Outcome {
  result: string;
  state: string;
}

/** The uninterrupted run in Deno's engine, in the harness's output format. */
function oracle(bytes: Uint8Array, m: Module, name: string, args: number[]) {
  const inst = new WebAssembly.Instance(
    new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>),
  );
  const ex = inst.exports as Record<string, unknown>;
  const fn = ex[name] as (...a: number[]) => number | bigint;
  const type = m.types[m.functions[exportIndex(m, name) - 0]];
  let result: string;
  try {
    const r = fn(...args);
    const t = type.results[0];
    result = "R " +
      (t === ValType.F32
        ? f32Bits(r as number).toString(16)
        : t === ValType.I64
        ? BigInt.asUintN(64, r as bigint).toString(16)
        : ((r as number) >>> 0).toString(16));
  } catch {
    result = "T";
  }
  const mem = new Uint8Array((ex.mem as WebAssembly.Memory).buffer);
  const acc = BigInt.asUintN(64, (ex.acc as WebAssembly.Global).value);
  const calls = (ex.calls as WebAssembly.Global).value >>> 0;
  return {
    result,
    state: `S ${fnv(mem)} ${acc.toString(16)} ${calls.toString(16)}`,
  };
}

function exportIndex(m: Module, name: string): number {
  return m.exports.find((e) => e.name === name && e.kind === 0)!.index;
}

function argBits(m: Module, name: string, args: number[]): string {
  const t = m.types[m.functions[exportIndex(m, name)]];
  return args.map((a, i) =>
    (t.params[i] === ValType.F32 ? f32Bits(a) : a >>> 0).toString(16)
  ).join(" ");
}

async function run(exe: string, script: string): Promise<string[]> {
  const child = new Deno.Command(exe, { stdin: "piped", stdout: "piped" })
    .spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(script));
  await w.close();
  const o = await child.output();
  return new TextDecoder().decode(o.stdout).trim().split("\n");
}

/** Parses `R ...` / `T k`, `P polls checkpoints frames bad_depth`, `S ...`. */
function parse(lines: string[], resultWords: number) {
  const [r, p, s] = lines;
  assert.ok(r && p && s, `harness output: ${lines.join(" | ")}`);
  const result = r.startsWith("T")
    ? "T"
    : r.split(" ").slice(0, 1 + resultWords).join(" ");
  const [, polls, checkpoints, frames, badDepth] = p.split(" ").map(Number);
  return { result, state: s, polls, checkpoints, frames, badDepth };
}

function withDir(fn: (dir: string) => Promise<void>) {
  return async () => {
    const dir = Deno.makeTempDirSync({ prefix: "godwit-cr-" });
    try {
      await fn(dir);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  };
}

for (
  const [optLevel, allLoops] of [[2, false], [0, false], [2, true]] as const
) {
  Deno.test(
    `checkpoint at every reached point and restore gives the uninterrupted outcome (-O${optLevel}${
      allLoops ? ", polls in all loops" : ""
    })`,
    withDir(async (dir) => {
      const bytes = wat2wasm(dir);
      const m = decodeModule(bytes);
      const points: PointInfo[] = [];
      const exe = buildNative(m, dir, "t", {
        cr: true,
        optLevel,
        points,
        crPollEverywhere: allLoops,
      });
      const prelude = instantiationScript(m)! +
        points.map((p) => `pt ${p.func} ${p.numLocals + p.numStack}\n`).join(
          "",
        );
      let sweeps = 0;
      for (const [name, args] of CASES) {
        const expected: Outcome = oracle(bytes, m, name, args);
        const f = exportIndex(m, name);
        const a = argBits(m, name, args);
        const call = (first: number, every: number) =>
          run(
            exe,
            `${prelude}crcall ${f} ${first} ${every} ${args.length} ${a}\nstate\n`,
          ).then((l) => parse(l, 1));
        const plain = await call(0, 0);
        const what = `${name}(${args})`;
        assert.equal(plain.result, expected.result, what);
        assert.equal(plain.state, expected.state, what);
        assert.equal(plain.checkpoints, 0);
        assert.ok(plain.polls > 0, `${what} reached no point`);
        // One checkpoint at each poll, restored right away.
        for (let n = 1; n <= plain.polls; n += 2) {
          const batch = [n, n + 1].filter((k) => k <= plain.polls);
          const outs = await Promise.all(batch.map((k) => call(k, 0)));
          outs.forEach((o, i) => {
            const at = `${what} checkpointed at poll ${batch[i]}`;
            assert.equal(o.result, expected.result, at);
            assert.equal(o.state, expected.state, at);
            assert.equal(
              o.checkpoints,
              expected.result === "T" ? o.checkpoints : 1,
              at,
            );
            assert.equal(o.badDepth, 0, `${at}: call depth not restored`);
            sweeps++;
          });
        }
        // Repeated checkpoints: again every k polls after each restore.
        for (const every of [2, 3, 7]) {
          const o = await call(1, every);
          const at = `${what} checkpointed every ${every} polls`;
          assert.equal(o.result, expected.result, at);
          assert.equal(o.state, expected.state, at);
          assert.ok(o.checkpoints > 1 || expected.result === "T", at);
          assert.equal(o.badDepth, 0, at);
        }
      }
      assert.ok(sweeps > 200, `only ${sweeps} checkpoints tested`);
    }),
  );
}

Deno.test("the point table names every entry, loop and call by its offset", () => {
  const dir = Deno.makeTempDirSync({ prefix: "godwit-cr-" });
  try {
    Deno.writeTextFileSync(
      `${dir}/i.wat`,
      `(module
        (import "wasi" "clock" (func $clock (param i32 i64) (result i64)))
        (type $t (func (param i32) (result i32)))
        (table 1 funcref)
        (func $f (param i32) (result i32) (local f64)
          (i64.const 5)
          (loop (result i32)
            (call $clock (local.get 0) (i64.const 9))
            (drop)
            (call_indirect (type $t) (local.get 0) (i32.const 0)))
          (drop) (drop) (local.get 0)))`,
    );
    const r = new Deno.Command("wat2wasm", {
      args: [`${dir}/i.wat`, "-o", `${dir}/i.wasm`],
    }).outputSync();
    assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
    const m = decodeModule(Deno.readFileSync(`${dir}/i.wasm`));
    const body = m.codes[0].body;
    const at = (op: number) => body.find((i) => i.op === op)!.offset;
    const t = translateModule(m, { targetTriple: "x86_64-pc-linux-gnu" });
    assert.deepEqual(t.points, [
      {
        func: 1,
        offset: body[0].offset,
        kind: PointKind.Entry,
        numLocals: 2,
        numStack: 0,
        types: "iF",
      },
      {
        func: 1,
        offset: at(0x03),
        kind: PointKind.Loop,
        numLocals: 2,
        numStack: 1,
        types: "iFI",
      },
      // The import's arguments are saved (it is issued again on restore).
      {
        func: 1,
        offset: at(0x10),
        kind: PointKind.ImportCall,
        numLocals: 2,
        numStack: 3,
        types: "iFIiI",
      },
      // call_indirect: the stack below the arguments, then the callee.
      {
        func: 1,
        offset: at(0x11),
        kind: PointKind.Call,
        numLocals: 2,
        numStack: 2,
        types: "iFIr",
      },
    ]);
    const none = translateModule(m, {
      targetTriple: "x86_64-pc-linux-gnu",
      cr: false,
    });
    assert.deepEqual(none.points, []);
    // The --no-cr build calls nothing of the C/R runtime.
    assert.doesNotMatch(none.printIR(), /call \S+ @gw_cr_/);
    assert.match(t.printIR(), /call \S+ @gw_cr_resume/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
