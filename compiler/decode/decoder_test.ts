import assert from "node:assert/strict";
import { decodeModule } from "./decoder.ts";
import { WasmError } from "./errors.ts";
import { opcodeName } from "../wasm/module_info.ts";
import type { Instr } from "../wasm/types.ts";

// ---- A tiny binary-format writer, straight from the spec's grammar. ----

function u32(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}
function str(s: string): number[] {
  const b = [...new TextEncoder().encode(s)];
  return [...u32(b.length), ...b];
}
function vec(items: number[][]): number[] {
  return [...u32(items.length), ...items.flat()];
}
function section(id: number, content: number[]): number[] {
  return [id, ...u32(content.length), ...content];
}
const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
function wasm(...sections: number[][]): Uint8Array {
  return new Uint8Array([...HEADER, ...sections.flat()]);
}
/** Type section with `() -> ()`. */
const TYPE_VOID = section(1, vec([[0x60, 0, 0]]));
/** One function of type 0 with `body` (locals vector included). */
function oneFunc(body: number[]): number[][] {
  return [
    section(3, vec([[0]])),
    section(10, vec([[...u32(body.length), ...body]])),
  ];
}

function malformed(bytes: Uint8Array): WasmError {
  try {
    decodeModule(bytes);
  } catch (e) {
    assert.ok(e instanceof WasmError, `not a WasmError: ${e}`);
    assert.equal(e.kind, "malformed", e.message);
    return e;
  }
  assert.fail("module decoded but is malformed");
}

Deno.test("the empty module decodes to empty index spaces", () => {
  const m = decodeModule(wasm());
  assert.deepEqual(m.types, []);
  assert.deepEqual(m.codes, []);
  assert.equal(m.start, undefined);
  assert.equal(m.dataCount, undefined);
  assert.equal(m.funcNames.size, 0);
});

Deno.test("header errors use the spec's reasons", () => {
  assert.match(malformed(new Uint8Array([])).reason, /^unexpected end/);
  assert.equal(
    malformed(new Uint8Array([0x61, 0x73, 0x6d, 0])).reason,
    "magic header not detected",
  );
  assert.equal(
    malformed(new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0])).reason,
    "unknown binary version",
  );
});

Deno.test("every section decodes into the AST", () => {
  const bytes = wasm(
    section(1, vec([[0x60, 1, 0x7f, 1, 0x7e], [0x60, 0, 0]])),
    section(
      2,
      vec([
        [...str("env"), ...str("f"), 0, 0],
        [...str("env"), ...str("t"), 1, 0x6f, 1, 2, 9],
        [...str("env"), ...str("m"), 2, 0, 1],
        [...str("env"), ...str("g"), 3, 0x7d, 1],
      ]),
    ),
    section(3, vec([[1]])),
    section(4, vec([[0x70, 0, 3]])),
    section(6, vec([[0x7f, 0, 0x41, ...u32(0x3f), 0x0b]])),
    section(7, vec([[...str("run"), 0, 1], [...str("mem"), 2, 0]])),
    section(8, [1]),
    section(9, vec([[0, 0x41, 0, 0x0b, ...vec([[1]])]])),
    section(12, [1]),
    section(10, vec([[4, 1, 2, 0x7c, 0x0b]])),
    section(11, vec([[1, ...str("hi")]])),
    section(0, [...str("extra"), 1, 2, 3]),
  );
  const m = decodeModule(bytes);
  assert.deepEqual(m.types, [{ params: [0x7f], results: [0x7e] }, {
    params: [],
    results: [],
  }]);
  assert.deepEqual(m.imports, [
    { module: "env", name: "f", kind: 0, typeIndex: 0 },
    {
      module: "env",
      name: "t",
      kind: 1,
      table: { elemType: 0x6f, limits: { min: 2, max: 9 } },
    },
    { module: "env", name: "m", kind: 2, memory: { limits: { min: 1 } } },
    {
      module: "env",
      name: "g",
      kind: 3,
      global: { type: 0x7d, mutable: true },
    },
  ]);
  assert.deepEqual(m.functions, [1]);
  assert.deepEqual(m.tables, [{ elemType: 0x70, limits: { min: 3 } }]);
  assert.deepEqual(m.globals, [{
    type: { type: 0x7f, mutable: false },
    init: { kind: "i32", value: 63 },
  }]);
  assert.deepEqual(m.exports, [
    { name: "run", kind: 0, index: 1 },
    { name: "mem", kind: 2, index: 0 },
  ]);
  assert.equal(m.start, 1);
  assert.deepEqual(m.elems, [{
    mode: "active",
    table: 0,
    offset: { kind: "i32", value: 0 },
    elemType: 0x70,
    init: [{ kind: "ref.func", index: 1 }],
  }]);
  assert.equal(m.dataCount, 1);
  assert.equal(m.codes.length, 1);
  assert.deepEqual(m.codes[0].locals, [0x7c, 0x7c]);
  assert.deepEqual(m.codes[0].body.map((i) => i.op), [0x0b]);
  assert.deepEqual(m.datas, [{
    mode: "passive",
    bytes: new Uint8Array([0x68, 0x69]),
  }]);
  assert.equal(m.customs[0].name, "extra");
  assert.deepEqual(m.customs[0].bytes, new Uint8Array([1, 2, 3]));
  // FuncBody.offset is the offset of the body's size field.
  const codeStart = bytes.indexOf(10, bytes.length - 30);
  assert.equal(bytes[m.codes[0].offset], 4);
  assert.ok(m.codes[0].offset > codeStart);
});

Deno.test("element segment encodings 0 to 7", () => {
  const end = 0x0b;
  const i32c = (v: number) => [0x41, v, end];
  const segs = [
    [0, ...i32c(1), ...vec([[0]])],
    [1, 0, ...vec([[0]])],
    [2, 1, ...i32c(2), 0, ...vec([[0]])],
    [3, 0, ...vec([[0]])],
    [4, ...i32c(3), ...vec([[0xd2, 0, end], [0xd0, 0x70, end]])],
    [5, 0x6f, ...vec([[0xd0, 0x6f, end]])],
    [6, 1, ...i32c(4), 0x70, ...vec([[0xd2, 0, end]])],
    [7, 0x70, ...vec([[0xd2, 0, end]])],
  ];
  const m = decodeModule(
    wasm(
      TYPE_VOID,
      section(3, vec([[0]])),
      section(9, vec(segs)),
      section(10, vec([[2, 0, end]])),
    ),
  );
  const summary = m.elems.map((s) => [
    s.mode,
    s.table,
    s.offset && s.offset.kind === "i32" ? s.offset.value : undefined,
    s.elemType,
    s.init.map((e) => e.kind),
  ]);
  assert.deepEqual(summary, [
    ["active", 0, 1, 0x70, ["ref.func"]],
    ["passive", undefined, undefined, 0x70, ["ref.func"]],
    ["active", 1, 2, 0x70, ["ref.func"]],
    ["declarative", undefined, undefined, 0x70, ["ref.func"]],
    ["active", 0, 3, 0x70, ["ref.func", "ref.null"]],
    ["passive", undefined, undefined, 0x6f, ["ref.null"]],
    ["active", 1, 4, 0x70, ["ref.func"]],
    ["declarative", undefined, undefined, 0x70, ["ref.func"]],
  ]);
  assert.equal(
    malformed(wasm(section(9, vec([[8, 0]])))).reason,
    "malformed elements segment kind",
  );
});

Deno.test("data segment encodings 0 to 2 and the data count", () => {
  const segs = [
    [0, 0x41, 7, 0x0b, ...str("a")],
    [1, ...str("bc")],
    [2, 0, 0x41, 8, 0x0b, ...str("")],
  ];
  const m = decodeModule(
    wasm(section(5, vec([[0, 1]])), section(12, [3]), section(11, vec(segs))),
  );
  assert.deepEqual(m.datas.map((d) => [d.mode, d.memory, d.bytes.length]), [
    ["active", 0, 1],
    ["passive", undefined, 2],
    ["active", 0, 0],
  ]);
  assert.equal(
    malformed(wasm(section(12, [3]), section(11, vec(segs.slice(1))))).reason,
    "data count and data section have inconsistent lengths",
  );
});

Deno.test("section order, ids and sizes are enforced", () => {
  assert.equal(
    malformed(wasm(section(3, vec([])), section(1, vec([])))).reason,
    "unexpected content after last section",
  );
  assert.equal(
    malformed(wasm(section(10, vec([])), section(12, [0]))).reason,
    "unexpected content after last section",
  );
  assert.equal(
    malformed(wasm(section(13, []))).reason,
    "malformed section id",
  );
  assert.equal(
    malformed(wasm([1, 3, 0, 0, 0])).reason,
    "section size mismatch",
  );
  // Custom sections may appear anywhere, also between ordered sections.
  const m = decodeModule(
    wasm(section(0, str("a")), TYPE_VOID, section(0, str("b"))),
  );
  assert.deepEqual(m.customs.map((c) => c.name), ["a", "b"]);
});

Deno.test("function and code counts must agree", () => {
  assert.equal(
    malformed(wasm(TYPE_VOID, section(3, vec([[0]])))).reason,
    "function and code section have inconsistent lengths",
  );
  assert.equal(
    malformed(wasm(TYPE_VOID, section(10, vec([[2, 0, 0x0b]])))).reason,
    "function and code section have inconsistent lengths",
  );
});

Deno.test("too many locals is malformed, before any allocation", () => {
  const body = [2, ...u32(0xffffffff), 0x7f, ...u32(2), 0x7e, 0x0b];
  assert.equal(
    malformed(wasm(TYPE_VOID, ...oneFunc(body))).reason,
    "too many locals",
  );
});

Deno.test("reserved bytes, illegal opcodes and memory flags", () => {
  const mem = section(5, vec([[0, 1]]));
  const withBody = (body: number[]) =>
    wasm(
      TYPE_VOID,
      section(3, vec([[0]])),
      mem,
      section(10, vec([[...u32(body.length), ...body]])),
    );
  assert.equal(
    malformed(withBody([0, 0x3f, 1, 0x1a, 0x0b])).reason,
    "zero byte expected",
  );
  assert.equal(
    malformed(withBody([0, 0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 10, 0, 1, 0x0b]))
      .reason,
    "zero byte expected",
  );
  assert.equal(malformed(withBody([0, 0x06, 0x0b])).reason, "illegal opcode");
  assert.equal(
    malformed(withBody([0, 0xfc, 18, 0x0b])).reason,
    "illegal opcode",
  );
  assert.equal(
    malformed(withBody([0, 0xfd, ...u32(154), 0x0b])).reason,
    "illegal opcode",
  );
  assert.equal(
    malformed(withBody([0, 0x41, 0, 0x28, 0x40, 0, 0x1a, 0x0b])).reason,
    "malformed memop flags",
  );
  // memory.init without a data count section while data segments exist.
  assert.equal(
    malformed(
      wasm(
        TYPE_VOID,
        section(3, vec([[0]])),
        mem,
        section(10, vec([[5, 0, 0xfc, 9, 0, 0x0b]])),
        section(11, vec([[1, 0]])),
      ),
    ).reason,
    "data count section required",
  );
});

Deno.test("a missing end runs into the next bytes, as in the spec", () => {
  assert.match(
    malformed(wasm(TYPE_VOID, ...oneFunc([0, 0x41, 1, 0x1a]))).reason,
    /^unexpected end/,
  );
});

Deno.test("instructions keep offsets and immediates", () => {
  const body = [
    1,
    1,
    0x7f, // one i32 local
    0x02,
    0x40, // block
    0x41,
    0x7f, // i32.const -1
    0x42,
    0x80,
    0x80,
    0x80,
    0x80,
    0x80,
    0x80,
    0x80,
    0x80,
    0x80,
    0x7f, // i64.const min
    0x43,
    0,
    0,
    0xc0,
    0x7f, // f32.const nan
    0x44,
    1,
    0,
    0,
    0,
    0,
    0,
    0xf8,
    0x7f, // f64.const nan:0x8000000000001
    0x0e,
    2,
    0,
    1,
    0, // br_table 0 1 0
    0x0b, // end
    0xfd,
    0x0c,
    ...Array.from({ length: 16 }, (_, i) => i), // v128.const
    0xfd,
    0x54,
    3,
    8,
    15, // v128.load8_lane align=3 offset=8 lane 15
    0x1a,
    0x1a,
    0x1a,
    0x1a,
    0x1a,
    0x1c,
    1,
    0x7f, // select (result i32)
    0xd0,
    0x6f, // ref.null extern
    0x0b,
  ];
  const bytes = wasm(TYPE_VOID, ...oneFunc(body));
  const m = decodeModule(bytes);
  const instrs = m.codes[0].body;
  const bodyStart = m.codes[0].offset + 1;
  const at = (i: number) => instrs[i].offset - bodyStart;
  const strip = (i: Instr) => {
    const { offset: _, ...rest } = i;
    return rest;
  };
  assert.deepEqual(strip(instrs[0]), {
    op: 0x02,
    blockType: { kind: "empty" },
  });
  assert.equal(at(1), 5);
  assert.deepEqual(strip(instrs[1]), { op: 0x41, value: -1 });
  assert.deepEqual(strip(instrs[2]), { op: 0x42, value: -(2n ** 63n) });
  assert.deepEqual(strip(instrs[3]), { op: 0x43, value: 0x7fc00000 });
  assert.deepEqual(strip(instrs[4]), { op: 0x44, value: 0x7ff8000000000001n });
  assert.deepEqual(strip(instrs[5]), { op: 0x0e, labels: [0, 1, 0] });
  assert.equal(at(5), 5 + 2 + 11 + 5 + 9);
  assert.equal(instrs[7].op, 0xfd000c);
  assert.deepEqual([...instrs[7].bytes!], [...Array(16).keys()]);
  assert.deepEqual(strip(instrs[8]), {
    op: 0xfd0054,
    align: 3,
    memOffset: 8,
    lane: 15,
  });
  assert.deepEqual(strip(instrs[14]), { op: 0x1c, valTypes: [0x7f] });
  assert.deepEqual(strip(instrs[15]), { op: 0xd0, refType: 0x6f });
  assert.equal(instrs.at(-1)!.op, 0x0b);
});

Deno.test("a non-constant initializer is invalid, but malformedness wins", () => {
  const global = section(6, vec([[0x7f, 0, 0x41, 1, 0x41, 2, 0x6a, 0x0b]]));
  assert.throws(
    () => decodeModule(wasm(global)),
    (e) =>
      e instanceof WasmError && e.kind === "invalid" &&
      e.reason === "constant expression required",
  );
  assert.throws(
    () => decodeModule(wasm(global, section(13, []))),
    (e) => e instanceof WasmError && e.kind === "malformed",
  );
});

Deno.test("function names come from the name section; damage is ignored", () => {
  const names = [
    1,
    ...(() => {
      const sub = vec([[0, ...str("main")], [1, ...str("helper")]]);
      return [...u32(sub.length), ...sub];
    })(),
  ];
  const good = decodeModule(wasm(section(0, [...str("name"), ...names])));
  assert.deepEqual([...good.funcNames], [[0, "main"], [1, "helper"]]);
  // The second name is not UTF-8: the first one survives.
  const bad = [
    1,
    ...(() => {
      const sub = vec([[0, ...str("main")], [1, 2, 0xff, 0xfe]]);
      return [...u32(sub.length), ...sub];
    })(),
  ];
  const damaged = decodeModule(wasm(section(0, [...str("name"), ...bad])));
  assert.deepEqual([...damaged.funcNames], [[0, "main"]]);
});

// ---- Oracle: wasm-objdump (wabt) disassembly of real modules. ----

function hasTool(name: string): boolean {
  try {
    new Deno.Command(name, { args: ["--version"] }).outputSync();
    return true;
  } catch {
    return false;
  }
}

/** What objdump prints after the mnemonic, for the immediates we compare. */
function ourImmediates(i: Instr): string | undefined {
  const name = opcodeName(i.op);
  if (
    /^(local|global)\.|^(br|br_if|call)$/.test(name) ||
    /^table\.(get|set|size|grow|fill)$/.test(name)
  ) return `${i.index}`;
  // objdump prints i32 constants as unsigned, i64 constants as signed.
  if (name === "i32.const") return `${(i.value as number) >>> 0}`;
  if (name === "i64.const") return `${i.value}`;
  if (name === "br_table") return i.labels!.join(" ");
  if (/_lane$/.test(name) && i.align !== undefined) {
    return `${i.align} ${i.memOffset} ${i.lane}`;
  }
  if (/extract_lane|replace_lane/.test(name)) return `${i.lane}`;
  if (i.align !== undefined) return `${i.align} ${i.memOffset}`;
  return undefined;
}

/** Compares every instruction's offset, mnemonic and some immediates. */
function compareWithObjdump(path: string): number {
  const m = decodeModule(Deno.readFileSync(path));
  const out = new Deno.Command("wasm-objdump", { args: ["-d", path] })
    .outputSync();
  const theirs: [number, string, string][] = [];
  for (const line of new TextDecoder().decode(out.stdout).split("\n")) {
    const match = /^ ([0-9a-f]+): [0-9a-f ]*\|\s+(\S+) ?(.*)$/.exec(line);
    if (match && !match[2].startsWith("local[")) {
      const imm = match[3].replace(/\s*<[^>]*>$/, "").trim();
      theirs.push([parseInt(match[1], 16), match[2], imm]);
    }
  }
  const ours = m.codes.flatMap((c) => c.body);
  assert.equal(ours.length, theirs.length, `${path}: instruction count`);
  ours.forEach((instr, k) => {
    const [offset, name, imm] = theirs[k];
    const where = `${path} at 0x${offset.toString(16)}`;
    assert.equal(instr.offset, offset, where);
    assert.equal(opcodeName(instr.op), name, where);
    const mine = ourImmediates(instr);
    if (mine !== undefined) assert.equal(mine, imm, `${where} ${name}`);
  });
  return ours.length;
}

function wat2wasm(text: string, dir: string, name: string): string {
  const watPath = `${dir}/${name}.wat`;
  const wasmPath = `${dir}/${name}.wasm`;
  Deno.writeTextFileSync(watPath, text);
  const r = new Deno.Command("wat2wasm", {
    args: ["--enable-all", watPath, "-o", wasmPath],
  }).outputSync();
  assert.ok(r.success, new TextDecoder().decode(r.stderr));
  return wasmPath;
}

Deno.test({
  name: "offsets, mnemonics and immediates agree with wasm-objdump",
  ignore: !hasTool("wasm-objdump") || !hasTool("wat2wasm"),
  fn() {
    const dir = Deno.makeTempDirSync();
    try {
      const path = wat2wasm(
        `(module (memory 1)
          (func (param v128 v128 i32) (result v128)
            (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31
              (local.get 0) (local.get 1))
            (v128.load32_lane offset=4 align=2 3 (local.get 2) (local.get 1))
            (v128.store64_lane 1 (local.get 2) (local.get 0))
            (i32x4.extract_lane 3 (local.get 0)) (drop)
            (f64x2.replace_lane 1 (local.get 0) (f64.const 1)) (drop)
            (v128.load64_zero offset=16 (local.get 2)) (drop)
            (i64x2.splat (i64.const -5)) (drop) (drop)))`,
        dir,
        "simd",
      );
      let n = compareWithObjdump(path);
      const suite = "/work/shared/testsuite/wasm-2.0";
      const files = [...Deno.readDirSync(suite)]
        .map((e) => e.name)
        .filter((name) =>
          name.startsWith("simd_") ||
          /^(i64|bulk|br_table|call_indirect|table_copy|select|conversions|ref_func)\.wast$/
            .test(name)
        )
        .map((name) => `${suite}/${name}`);
      for (const f of files) {
        const out = `${dir}/t.json`;
        const r = new Deno.Command("wast2json", {
          args: ["--enable-all", f, "-o", out],
        }).outputSync();
        assert.ok(r.success, f);
        const json = JSON.parse(Deno.readTextFileSync(out));
        for (const cmd of json.commands) {
          if (cmd.type === "module") {
            n += compareWithObjdump(`${dir}/${cmd.filename}`);
          }
        }
      }
      assert.ok(n > 1000, `only ${n} instructions compared`);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "a clang-built wasm32-wasi module agrees with wasm-objdump",
  ignore: !hasTool("clang-14") || !hasTool("wasm-objdump"),
  fn() {
    const dir = Deno.makeTempDirSync();
    try {
      Deno.writeTextFileSync(
        `${dir}/prog.c`,
        `#include <stdio.h>
         #include <stdlib.h>
         #include <string.h>
         static int cmp(const void *a, const void *b) {
           return *(const double *)a < *(const double *)b ? -1 : 1; }
         int main(int argc, char **argv) {
           double v[64]; long long acc = 0;
           for (int i = 0; i < 64; i++) v[i] = (i * 7919) % 64 / 3.0;
           qsort(v, 64, sizeof v[0], cmp);
           for (int i = 0; i < 64; i++) acc += (long long)(v[i] * 1000) ^ i;
           char buf[64]; snprintf(buf, sizeof buf, "%lld %s", acc, argv[0]);
           puts(buf); return (int)strlen(buf) & argc; }`,
      );
      const r = new Deno.Command("clang-14", {
        args: [
          "--target=wasm32-wasi",
          "-O2",
          "-msimd128",
          `${dir}/prog.c`,
          "-o",
          `${dir}/prog.wasm`,
        ],
      }).outputSync();
      assert.ok(r.success, new TextDecoder().decode(r.stderr));
      assert.ok(compareWithObjdump(`${dir}/prog.wasm`) > 1000);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});
