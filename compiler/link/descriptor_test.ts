import assert from "node:assert/strict";
import {
  cBytesLiteral,
  emitDescriptor,
  moduleHash,
  moduleNameOf,
  typeSignature,
} from "./descriptor.ts";
import { ExternKind, type Module, ValType } from "../wasm/types.ts";

const RUNTIME_DIR = new URL("../../runtime/", import.meta.url).pathname;

/**
 * A C program that prints every field of gw_module, one per line, so the
 * test sees what the C compiler made of the emitted literals.
 */
const DUMP_C = String.raw`
#include <stdio.h>
#include <inttypes.h>
#include "godwit.h"
extern const gw_module_desc gw_module;
void *const gw_func_code[1] = {0};
void *const gw_func_resume[1] = {0};
const gw_trampoline gw_trampolines[1] = {0};
static void hex(const char *label, const uint8_t *p, size_t n) {
  printf("%s ", label);
  for (size_t i = 0; i < n; i++) printf("%02x", p[i]);
  printf("\n");
}
static void str(const char *label, const char *s) {
  if (!s) { printf("%s NULL\n", label); return; }
  hex(label, (const uint8_t *)s, strlen(s));
}
static void cexpr(const char *label, const gw_const_expr *e) {
  printf("%s %u %u ", label, e->kind, e->index);
  hex("", e->bytes, 16);
}
#include <string.h>
int main(void) {
  const gw_module_desc *m = &gw_module;
  str("name", m->name);
  hex("hash", m->hash, 32);
  for (uint32_t i = 0; i < m->num_types; i++) printf("type %s\n", m->type_sigs[i]);
  for (uint32_t i = 0; i < m->num_imports; i++) {
    const gw_import_desc *d = &m->imports[i];
    str("import.module", d->module); str("import.name", d->name);
    printf("import %u %u %u %" PRIu64 " %" PRIu64 "\n", d->kind, d->type, d->mutable_, d->min, d->max);
  }
  printf("funcs %u %u\n", m->num_imported_funcs, m->num_funcs);
  for (uint32_t i = 0; i < m->num_funcs; i++) {
    printf("functype %u\n", m->func_types[i]);
    if (m->func_names) str("funcname", m->func_names[i]);
  }
  printf("code %d tramp %d resume %d\n", m->func_code == gw_func_code, m->trampolines == gw_trampolines, m->func_resume == gw_func_resume);
  printf("tables %u %u\n", m->num_imported_tables, m->num_tables);
  for (uint32_t i = 0; i < m->num_tables; i++)
    printf("table %" PRIu64 " %" PRIu64 " %u\n", m->tables[i].min, m->tables[i].max, m->tables[i].elem_type);
  printf("memories %u %u\n", m->num_imported_memories, m->num_memories);
  for (uint32_t i = 0; i < m->num_memories; i++)
    printf("memory %" PRIu64 " %" PRIu64 "\n", m->memories[i].min, m->memories[i].max);
  printf("globals %u %u\n", m->num_imported_globals, m->num_globals);
  for (uint32_t i = 0; i < m->num_globals; i++) {
    printf("global %u %u\n", m->globals[i].type, m->globals[i].mutable_);
    cexpr("init", &m->globals[i].init);
  }
  for (uint32_t i = 0; i < m->num_exports; i++) {
    str("export.name", m->exports[i].name);
    printf("export %u %u\n", m->exports[i].kind, m->exports[i].index);
  }
  for (uint32_t i = 0; i < m->num_elems; i++) {
    const gw_elem_desc *e = &m->elems[i];
    printf("elem %u %u %u %u\n", e->mode, e->table, e->elem_type, e->count);
    cexpr("offset", &e->offset);
    for (uint32_t j = 0; j < e->count; j++) cexpr("item", &e->init[j]);
  }
  for (uint32_t i = 0; i < m->num_datas; i++) {
    const gw_data_desc *d = &m->datas[i];
    printf("data %u %u %u\n", d->mode, d->memory, d->size);
    cexpr("offset", &d->offset);
    hex("bytes", d->bytes, d->size);
  }
  printf("start %" PRId64 "\n", m->start);
  return 0;
}
`;

async function run(cmd: string, args: string[], cwd?: string): Promise<string> {
  const out = await new Deno.Command(cmd, {
    args,
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.ok(out.success, `${cmd} ${args.join(" ")} failed:\n${stderr}`);
  return new TextDecoder().decode(out.stdout);
}

/** Compiles the descriptor with the dump program and returns its output lines. */
async function dumpDescriptor(
  module: Module,
  hash: Uint8Array,
): Promise<string[]> {
  const dir = await Deno.makeTempDir({ prefix: "godwit-desc-test-" });
  try {
    await Deno.writeTextFile(`${dir}/desc.c`, emitDescriptor(module, hash));
    await Deno.writeTextFile(`${dir}/dump.c`, DUMP_C);
    await run("cc", [
      "-Wall",
      "-Werror",
      "-fsyntax-only",
      "-I",
      RUNTIME_DIR,
      `${dir}/desc.c`,
    ]);
    await run("cc", [
      "-I",
      RUNTIME_DIR,
      `${dir}/desc.c`,
      `${dir}/dump.c`,
      "-o",
      `${dir}/dump`,
    ]);
    return (await run(`${dir}/dump`, [])).trimEnd().split("\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function randomBytes(n: number): Uint8Array {
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) {
    crypto.getRandomValues(bytes.subarray(i, i + 65536));
  }
  return bytes;
}

function hexOf(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function utf8Hex(text: string): string {
  return hexOf(new TextEncoder().encode(text));
}

/** A module exercising every descriptor field, with hostile names. */
function sampleModule(): Module {
  const nasty = 'a"b\\c?\n\t\x00\x7f??=é' + "\u{1F600}";
  const nameSection = new Uint8Array([
    0, // subsection: module name
    6,
    5,
    ...new TextEncoder().encode('m"\\?x'),
  ]);
  return {
    types: [
      { params: [ValType.I32, ValType.I64], results: [ValType.F32] },
      { params: [], results: [] },
      {
        params: [ValType.F64, ValType.V128, ValType.FuncRef, ValType.ExternRef],
        results: [ValType.I32, ValType.I64],
      },
    ],
    imports: [
      { module: "env", name: nasty, kind: ExternKind.Func, typeIndex: 2 },
      {
        module: "spectest",
        name: "table",
        kind: ExternKind.Table,
        table: { elemType: ValType.FuncRef, limits: { min: 10, max: 20 } },
      },
      {
        module: "spectest",
        name: "memory",
        kind: ExternKind.Memory,
        memory: { limits: { min: 1 } },
      },
      {
        module: "spectest",
        name: "g",
        kind: ExternKind.Global,
        global: { type: ValType.I64, mutable: true },
      },
    ],
    functions: [0, 1],
    tables: [{
      elemType: ValType.ExternRef,
      limits: { min: 0, max: 4294967295 },
    }],
    memories: [],
    globals: [
      {
        type: { type: ValType.I32, mutable: false },
        init: { kind: "i32", value: -2 },
      },
      {
        type: { type: ValType.I64, mutable: true },
        init: { kind: "i64", value: -0x7fffffffffffffffn },
      },
      {
        type: { type: ValType.F32, mutable: false },
        init: { kind: "f32", bits: 0x7fa00001 },
      },
      {
        type: { type: ValType.F64, mutable: false },
        init: { kind: "f64", bits: 0xfff8000000000abcn },
      },
      {
        type: { type: ValType.V128, mutable: false },
        init: {
          kind: "v128",
          bytes: Uint8Array.from({ length: 16 }, (_, i) => i * 17),
        },
      },
      {
        type: { type: ValType.I64, mutable: false },
        init: { kind: "global.get", index: 0 },
      },
      {
        type: { type: ValType.FuncRef, mutable: false },
        init: { kind: "ref.func", index: 2 },
      },
      {
        type: { type: ValType.ExternRef, mutable: true },
        init: { kind: "ref.null", type: ValType.ExternRef },
      },
    ],
    exports: [
      { name: nasty, kind: ExternKind.Func, index: 1 },
      { name: "", kind: ExternKind.Global, index: 3 },
    ],
    start: 2,
    elems: [
      {
        mode: "active",
        table: 0,
        offset: { kind: "i32", value: 3 },
        elemType: ValType.FuncRef,
        init: [{ kind: "ref.func", index: 1 }, {
          kind: "ref.null",
          type: ValType.FuncRef,
        }],
      },
      { mode: "passive", elemType: ValType.FuncRef, init: [] },
      {
        mode: "declarative",
        elemType: ValType.FuncRef,
        init: [{ kind: "ref.func", index: 2 }],
      },
    ],
    codes: [],
    datas: [
      {
        mode: "active",
        memory: 0,
        offset: { kind: "global.get", index: 0 },
        bytes: Uint8Array.from({ length: 256 }, (_, i) => i),
      },
      { mode: "passive", bytes: new Uint8Array(0) },
      {
        mode: "passive",
        bytes: new TextEncoder().encode('0\x001\x0012\\x41?"'),
      },
    ],
    customs: [{ name: "name", bytes: nameSection }],
    funcNames: new Map([[0, nasty], [2, "$f2"]]),
  };
}

Deno.test("typeSignature uses godwit.h's letters", () => {
  assert.equal(
    typeSignature({
      params: [ValType.I32, ValType.I32],
      results: [ValType.I64],
    }),
    "ii:I",
  );
  assert.equal(
    typeSignature({
      params: [
        ValType.F32,
        ValType.F64,
        ValType.V128,
        ValType.FuncRef,
        ValType.ExternRef,
      ],
      results: [],
    }),
    "fFvre:",
  );
});

Deno.test("moduleHash matches sha256sum", async () => {
  const bytes = crypto.getRandomValues(new Uint8Array(5000));
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/m.wasm`, bytes);
    const expected = (await run("sha256sum", [`${dir}/m.wasm`])).split(" ")[0];
    assert.equal(hexOf(await moduleHash(bytes)), expected);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("moduleNameOf tolerates a malformed name section", () => {
  const module = sampleModule();
  assert.equal(moduleNameOf(module), 'm"\\?x');
  module.customs = [{ name: "name", bytes: new Uint8Array([0, 9, 200]) }];
  assert.equal(moduleNameOf(module), "");
  module.customs = [];
  assert.equal(moduleNameOf(module), "");
});

Deno.test("descriptor fields as the C compiler sees them", async () => {
  const module = sampleModule();
  const hash = await moduleHash(new TextEncoder().encode("some module bytes"));
  const lines = await dumpDescriptor(module, hash);
  const nasty = module.funcNames.get(0)!;
  const u64max = "18446744073709551615";
  const expected = [
    `name ${utf8Hex('m"\\?x')}`,
    `hash ${hexOf(hash)}`,
    "type iI:f",
    "type :",
    "type Fvre:iI",
    `import.module ${utf8Hex("env")}`,
    // The NUL inside the name ends the C string: what precedes it survives.
    `import.name ${utf8Hex(nasty.slice(0, nasty.indexOf("\0")))}`,
    "import 0 2 0 0 0",
    `import.module ${utf8Hex("spectest")}`,
    `import.name ${utf8Hex("table")}`,
    "import 1 112 0 10 20",
    `import.module ${utf8Hex("spectest")}`,
    `import.name ${utf8Hex("memory")}`,
    `import 2 0 0 1 ${u64max}`,
    `import.module ${utf8Hex("spectest")}`,
    `import.name ${utf8Hex("g")}`,
    "import 3 126 1 0 0",
    "funcs 1 3",
    "functype 2",
    `funcname ${utf8Hex(nasty.slice(0, nasty.indexOf("\0")))}`,
    "functype 0",
    "funcname NULL",
    "functype 1",
    `funcname ${utf8Hex("$f2")}`,
    "code 1 tramp 1 resume 1",
    "tables 1 2",
    "table 10 20 112",
    "table 0 4294967295 111",
    "memories 1 1",
    `memory 1 ${u64max}`,
    "globals 1 9",
    "global 126 1",
    "init 0 0  00000000000000000000000000000000",
    "global 127 0",
    "init 0 0  feffffff000000000000000000000000",
    "global 126 1",
    "init 1 0  01000000000000800000000000000000",
    "global 125 0",
    "init 2 0  0100a07f000000000000000000000000",
    "global 124 0",
    // f64 bits 0xfff8000000000abc, little-endian.
    "init 3 0  bc0a00000000f8ff0000000000000000",
    "global 123 0",
    `init 4 0  ${hexOf(Uint8Array.from({ length: 16 }, (_, i) => i * 17))}`,
    "global 126 0",
    "init 5 0  00000000000000000000000000000000",
    "global 112 0",
    "init 7 2  00000000000000000000000000000000",
    "global 111 1",
    "init 6 111  00000000000000000000000000000000",
    `export.name ${utf8Hex(nasty.slice(0, nasty.indexOf("\0")))}`,
    "export 0 1",
    "export.name ",
    "export 3 3",
    "elem 0 0 112 2",
    "offset 0 0  03000000000000000000000000000000",
    "item 7 1  00000000000000000000000000000000",
    "item 6 112  00000000000000000000000000000000",
    "elem 1 0 112 0",
    "offset 0 0  00000000000000000000000000000000",
    "elem 2 0 112 1",
    "offset 0 0  00000000000000000000000000000000",
    "item 7 2  00000000000000000000000000000000",
    "data 0 0 256",
    "offset 5 0  00000000000000000000000000000000",
    `bytes ${hexOf(Uint8Array.from({ length: 256 }, (_, i) => i))}`,
    "data 1 0 0",
    "offset 0 0  00000000000000000000000000000000",
    "bytes ",
    `data 1 0 ${module.datas[2].bytes.length}`,
    "offset 0 0  00000000000000000000000000000000",
    `bytes ${hexOf(module.datas[2].bytes)}`,
    "start 2",
  ];
  assert.deepEqual(
    lines.map((l) => l.trimEnd()),
    expected.map((l) => l.trimEnd()),
  );
});

Deno.test("names survive byte for byte when they have no NUL", async () => {
  // Every code point class: ASCII controls, quotes, trigraph starts, 2-4 byte UTF-8.
  let name = "";
  for (let c = 1; c < 0x80; c++) name += String.fromCharCode(c);
  name += "??/??'é中\u{10FFFF}";
  const module = sampleModule();
  module.exports = [{ name, kind: ExternKind.Func, index: 0 }];
  const lines = await dumpDescriptor(module, new Uint8Array(32));
  assert.ok(lines.includes(`export.name ${utf8Hex(name)}`));
});

Deno.test("cBytesLiteral round-trips random data through the C compiler", async () => {
  const bytes = randomBytes(100_000);
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/d.c`,
      `#include <stdio.h>\nstatic const unsigned char d[${bytes.length}] = ${
        cBytesLiteral(bytes)
      };\n` +
        `int main(void) { fwrite(d, 1, sizeof d, stdout); return 0; }\n`,
    );
    await run("cc", ["-Wall", "-Werror", `${dir}/d.c`, "-o", `${dir}/d`]);
    const out = await new Deno.Command(`${dir}/d`, { stdout: "piped" })
      .output();
    assert.deepEqual(out.stdout, bytes);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a module without anything compiles", async () => {
  const module: Module = {
    types: [],
    imports: [],
    functions: [],
    tables: [],
    memories: [],
    globals: [],
    exports: [],
    elems: [],
    codes: [],
    datas: [],
    customs: [],
    funcNames: new Map(),
  };
  const lines = await dumpDescriptor(module, new Uint8Array(32).fill(0xab));
  assert.deepEqual(lines, [
    "name ",
    `hash ${"ab".repeat(32)}`,
    "funcs 0 0",
    "code 1 tramp 1 resume 1",
    "tables 0 0",
    "memories 0 0",
    "globals 0 0",
    "start -1",
  ]);
});
