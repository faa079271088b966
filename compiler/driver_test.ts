import assert from "node:assert/strict";
import {
  compile,
  CompileError,
  compileFile,
  InputError,
  ToolNotFoundError,
} from "./driver.ts";
import { WasmError } from "./decode/errors.ts";

/** WASI "hello" then proc_exit(3). */
const HELLO_WAT = `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello\\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 6))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $proc_exit (i32.const 3))))
`;

/** Converts text with the wabt CLI (an oracle independent of our front end). */
async function wat2wasm(text: string): Promise<Uint8Array> {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/m.wat`, text);
    const out = await new Deno.Command("wat2wasm", {
      args: [`${dir}/m.wat`, "-o", `${dir}/m.wasm`],
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    return await Deno.readFile(`${dir}/m.wasm`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function run(
  cmd: string,
  args: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(cmd, {
    args,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: out.code,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  };
}

const cacheDir = await Deno.makeTempDir({
  prefix: "godwit-driver-test-cache-",
});
const work = await Deno.makeTempDir({ prefix: "godwit-driver-test-" });
globalThis.addEventListener("unload", () => {
  Deno.removeSync(cacheDir, { recursive: true });
  Deno.removeSync(work, { recursive: true });
});

Deno.test("compile: hello world runs, prints and exits with proc_exit's code", async () => {
  const output = `${work}/hello`;
  const stages: string[] = [];
  const result = await compile(await wat2wasm(HELLO_WAT), {
    output,
    cacheDir,
    onProgress: (stage) => stages.push(stage),
  });
  assert.equal(result.output, output);
  for (const stage of ["decode", "validate", "codegen", "opt", "llc", "link"]) {
    assert.ok(stages.includes(stage), `no stage ${stage}`);
    assert.ok(result.timings[stage] >= 0);
  }
  assert.ok(result.timings.total >= result.timings.codegen);
  const { code, stdout } = await run(output);
  assert.equal(stdout, "hello\n");
  assert.equal(code, 3);
});

Deno.test("compile: every optimization level produces the same behaviour", async () => {
  const wasm = await wat2wasm(HELLO_WAT);
  for (const optLevel of [0, 1, 3] as const) {
    const output = `${work}/hello-O${optLevel}`;
    await compile(wasm, { output, optLevel, cacheDir });
    const { code, stdout } = await run(output);
    assert.deepEqual(
      { code, stdout },
      { code: 3, stdout: "hello\n" },
      `-O${optLevel}`,
    );
  }
});

Deno.test("compile: emit obj, shared and llvm", async () => {
  const wasm = await wat2wasm(HELLO_WAT);
  await compile(wasm, { output: `${work}/m.o`, emit: "obj", cacheDir });
  const obj = await run("nm", [`${work}/m.o`]);
  assert.match(obj.stdout, / [DRdr] gw_module$/m);
  assert.match(obj.stdout, / [DRdr] gw_func_code$/m);
  assert.doesNotMatch(obj.stdout, / [Tt] main$/m);

  await compile(wasm, { output: `${work}/m.so`, emit: "shared", cacheDir });
  const header = await run("readelf", ["-h", `${work}/m.so`]);
  assert.match(header.stdout, /Type:\s+DYN/);
  const dyn = await run("nm", ["-D", `${work}/m.so`]);
  assert.match(dyn.stdout, / [DR] gw_module$/m);

  await compile(wasm, { output: `${work}/m.ll`, emit: "llvm", cacheDir });
  const ir = await Deno.readTextFile(`${work}/m.ll`);
  assert.match(ir, /@gw_func_code = /);
  // The IR is valid: llc accepts it.
  assert.equal((await run("llc", ["-filetype=null", `${work}/m.ll`])).code, 0);
});

/** A host that dlopen()s a shared module and calls its export "f"(a, b). */
const DLOPEN_HOST_C = String.raw`
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include "godwit.h"
static int no_imports(void *u, gw_instance *i, const gw_import_desc *d, gw_extern *o) {
  (void)u; (void)i; (void)d; (void)o; return 1;
}
int main(int argc, char **argv) {
  (void)argc;
  void *so = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!so) { fprintf(stderr, "%s\n", dlerror()); return 1; }
  const gw_module_desc *m = dlsym(so, "gw_module");
  gw_exec exec; gw_exec_init(&exec, 1000);
  gw_instance *inst; char err[256];
  if (gw_instantiate(m, &exec, no_imports, NULL, NULL, &inst, err, sizeof err)) {
    fprintf(stderr, "%s\n", err); return 1;
  }
  gw_extern f;
  if (gw_export(inst, "f", &f)) return 1;
  gw_value args[2], results[1];
  args[0].i32 = atoi(argv[2]); args[1].i32 = atoi(argv[3]);
  int32_t trap = gw_call(&exec, f.u.func, args, results);
  if (trap) printf("trap %s\n", gw_trap_message(trap));
  else printf("%d\n", results[0].i32);
  return 0;
}
`;

Deno.test("compile: a shared module runs in a host that resolves the runtime dynamically", async () => {
  const wasm = await wat2wasm(`(module
    (func (export "f") (param i32 i32) (result i32)
      (i32.div_s (local.get 0) (local.get 1))))`);
  await compile(wasm, { output: `${work}/div.so`, emit: "shared", cacheDir });
  const { ensureRuntime } = await import("./link/runtime_lib.ts");
  const rt = await ensureRuntime("x86_64", cacheDir);
  await Deno.writeTextFile(`${work}/host.c`, DLOPEN_HOST_C);
  const cc = await run("cc", [
    "-rdynamic",
    "-I",
    rt.includeDir,
    `${work}/host.c`,
    // Modules need runtime symbols the host itself does not reference.
    "-Wl,--whole-archive",
    rt.library,
    "-Wl,--no-whole-archive",
    "-ldl",
    "-lm",
    "-lpthread",
    "-o",
    `${work}/host`,
  ]);
  assert.equal(cc.code, 0, cc.stderr);
  // Oracle: Deno's own engine.
  const { f } = new WebAssembly.Instance(
    new WebAssembly.Module(wasm.slice().buffer),
  )
    .exports as { f: (a: number, b: number) => number };
  assert.equal(
    (await run(`${work}/host`, [`${work}/div.so`, "-7", "2"])).stdout,
    `${f(-7, 2)}\n`,
  );
  assert.throws(() => f(1, 0), /divide by zero/);
  assert.equal(
    (await run(`${work}/host`, [`${work}/div.so`, "1", "0"])).stdout,
    "trap integer divide by zero\n",
  );
});

Deno.test("compile: aarch64 output runs under qemu", async () => {
  const output = `${work}/hello-arm`;
  await compile(await wat2wasm(HELLO_WAT), {
    output,
    target: "aarch64",
    cacheDir,
  });
  const file = await run("readelf", ["-h", output]);
  assert.match(file.stdout, /Machine:\s+AArch64/);
  const { code, stdout } = await run("qemu-aarch64", [
    "-L",
    "/usr/aarch64-linux-gnu",
    output,
  ]);
  assert.deepEqual({ code, stdout }, { code: 3, stdout: "hello\n" });
});

Deno.test("compile: bad modules are WasmErrors", async () => {
  await assert.rejects(
    compile(new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0]), {
      output: `${work}/x`,
      cacheDir,
    }),
    (error: unknown) =>
      error instanceof WasmError && error.kind === "malformed",
  );
  // (func (result i32)) with an empty body: type mismatch.
  const invalid = new Uint8Array([
    0,
    0x61,
    0x73,
    0x6d,
    1,
    0,
    0,
    0,
    1,
    5,
    1,
    0x60,
    0,
    1,
    0x7f,
    3,
    2,
    1,
    0,
    10,
    4,
    1,
    2,
    0,
    0x0b,
  ]);
  await assert.rejects(
    compile(invalid, { output: `${work}/x`, cacheDir }),
    (error: unknown) =>
      error instanceof WasmError && error.kind === "invalid" &&
      /type mismatch/.test(error.message),
  );
  assert.throws(() => Deno.statSync(`${work}/x`));
});

Deno.test("compile: option and environment errors", async () => {
  const wasm = await wat2wasm(HELLO_WAT);
  await assert.rejects(
    compile(wasm, { output: `${work}/x`, optLevel: 7 as 0 }),
    (error: unknown) =>
      error instanceof InputError && /optimization level 7/.test(error.message),
  );
  await assert.rejects(
    compileFile(`${work}/does-not-exist.wasm`, { output: `${work}/x` }),
    InputError,
  );
  Deno.env.set("GODWIT_OPT", "/nonexistent/opt");
  try {
    await assert.rejects(
      compile(wasm, { output: `${work}/x`, cacheDir }),
      (error: unknown) =>
        error instanceof ToolNotFoundError &&
        error.message === "'opt' (LLVM 14) not found: run scripts/setup.sh",
    );
  } finally {
    Deno.env.delete("GODWIT_OPT");
  }
  await assert.rejects(
    compile(wasm, { output: `${work}/x`, cpu: "no-such-cpu", cacheDir }),
    (error: unknown) =>
      error instanceof CompileError &&
      /^generating machine code: llc/.test(error.message),
  );
});
