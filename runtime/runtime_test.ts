/**
 * Builds the runtime core's C unit tests (runtime/tests/rt_*) with `cc` and
 * runs them, then builds runtime/main.c against hand-written module
 * descriptors (tests/rt_prog.c) and checks the produced program's exit
 * codes, messages and option handling.
 */
import assert from "node:assert/strict";
import { type CommandResult, runCommand } from "./tests/command.ts";
import { dirname, join } from "node:path";
import {
  haveSanitizers,
  linkSanitized,
  runSanitized,
} from "./tests/sanitized_build.ts";
import { fileURLToPath } from "node:url";

const runtimeDir = dirname(fileURLToPath(import.meta.url));
const testsDir = join(runtimeDir, "tests");
const coreSources = [
  "trap.c",
  "exec.c",
  "types.c",
  "memory.c",
  "table.c",
  "instance.c",
  "checkpoint.c",
  "snapshot.c",
  "snapshot_json.c",
  "snapshot_deflate.c",
].map((f) => join(runtimeDir, f));
const cflags = ["-Wall", "-Wextra", "-Werror", "-O2", "-std=gnu11"];

type RunResult = CommandResult;

/** Commands run with only PATH from the environment. */
function run(cmd: string, args: string[]): Promise<RunResult> {
  return runCommand(cmd, args, {
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
    clearEnv: true,
  });
}

async function cc(output: string, inputs: string[], extra: string[] = []) {
  const link = !extra.includes("-c");
  const r = await run("cc", [
    ...cflags,
    ...extra,
    "-o",
    output,
    ...inputs,
    ...(link ? ["-lpthread", "-lm"] : []),
  ]);
  assert.equal(r.code, 0, `cc failed:\n${r.stderr}`);
  assert.equal(r.stderr, "", `cc warnings:\n${r.stderr}`);
}

/** A scratch directory for this file's builds, removed at exit. */
const buildDir = Deno.makeTempDirSync({ prefix: "godwit-rt-" });
globalThis.addEventListener("unload", () => {
  Deno.removeSync(buildDir, { recursive: true });
});

/** Compiles sources to objects (two at a time: the machine has 2 cores). */
async function compileObjects(
  sources: string[],
  extra: string[] = [],
  tag = "",
): Promise<string[]> {
  const objects = sources.map((s) =>
    join(buildDir, `${tag}${s.split("/").pop()!.replace(/\.c$/, ".o")}`)
  );
  for (let i = 0; i < sources.length; i += 2) {
    await Promise.all(
      sources.slice(i, i + 2).map((s, k) =>
        cc(objects[i + k], [s], ["-c", ...extra])
      ),
    );
  }
  return objects;
}

let coreObjects: Promise<string[]> | undefined;
function buildCore(): Promise<string[]> {
  coreObjects ??= compileObjects(coreSources);
  return coreObjects;
}

Deno.test("runtime core C unit tests pass", async () => {
  const exe = join(buildDir, "rt_core");
  await cc(exe, [
    join(testsDir, "rt_main.c"),
    join(testsDir, "rt_core_test.c"),
    join(testsDir, "rt_modules.c"),
    ...await buildCore(),
  ], ["-fno-stack-clash-protection"]);
  const r = await run(exe, []);
  assert.equal(r.code, 0, `C tests failed:\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /^15 tests, 0 failed$/m);
  assert.doesNotMatch(r.stdout, /^FAIL/m);
});

Deno.test({
  name: "runtime core C unit tests under ASan + UBSan",
  ignore: !haveSanitizers(), // reason: needs clang-14 and its sanitizer runtimes
  async fn() {
    const exe = join(buildDir, "rt_core_asan");
    // rt_modules.c stands in for generated code, which is never built with
    // sanitizers; it is compiled as in the plain test (cc: clang shrinks
    // its 1 MiB volatile frames, only one byte of which is used, and the
    // stack-guard test would not overflow).
    const modules = join(buildDir, "rt_modules_plain.o");
    const plain = await runCommand("cc", [
      ...cflags,
      "-fno-stack-clash-protection",
      "-c",
      join(testsDir, "rt_modules.c"),
      "-o",
      modules,
    ]);
    assert.equal(plain.code, 0, plain.stderr);
    await linkSanitized(
      exe,
      [join(testsDir, "rt_main.c"), join(testsDir, "rt_core_test.c"), modules],
      coreSources.map((s) => s.split("/").pop()!),
      "asan",
      ["-fno-stack-clash-protection"],
    );
    const r = await runSanitized(exe, []);
    assert.equal(r.code, 0, `C tests failed:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /^15 tests, 0 failed$/m);
  },
});

const programs = [
  "EXIT7",
  "HELLO",
  "TRAP",
  "UNKNOWN",
  "BADSIG",
  "RECURSE",
  "START_ONLY",
] as const;
type Program = typeof programs[number];

/** Builds every test program against the given WASI sources. */
async function buildPrograms(
  wasiSources: string[],
  tag: string,
): Promise<Record<Program, string>> {
  const core = await buildCore();
  const common = await compileObjects(
    [join(runtimeDir, "main.c"), ...wasiSources],
    [],
    tag,
  );
  const exes = {} as Record<Program, string>;
  for (const p of programs) {
    exes[p] = join(buildDir, `${tag}prog_${p}`);
    await cc(exes[p], [
      `-DPROG_${p}`,
      join(testsDir, "rt_prog.c"),
      ...common,
      ...core,
    ]);
  }
  return exes;
}

let stubPrograms: Promise<Record<Program, string>> | undefined;
function buildStubPrograms(): Promise<Record<Program, string>> {
  stubPrograms ??= buildPrograms([join(testsDir, "rt_wasi_stub.c")], "stub_");
  return stubPrograms;
}

/** Exit codes and messages every WASI implementation must give. */
async function checkCommonBehaviour(exes: Record<Program, string>) {
  let r = await run(exes.EXIT7, ["a"]);
  assert.equal(r.code, 7);
  r = await run(exes.HELLO, []);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, "hello\n");
  r = await run(exes.TRAP, []);
  assert.equal(r.code, 134);
  assert.match(r.stderr, /^godwit: trap: unreachable$/m);
  r = await run(exes.UNKNOWN, []);
  assert.equal(r.code, 125);
  assert.match(r.stderr, /^godwit: error: unknown import: "env" "f"$/m);
  r = await run(exes.BADSIG, []);
  assert.equal(r.code, 125);
  assert.match(
    r.stderr,
    /godwit: error: incompatible import type for "wasi_snapshot_preview1" "proc_exit"/,
  );
  // 150000 nested calls: over the default limit of 100000 ...
  r = await run(exes.RECURSE, []);
  assert.equal(r.code, 134);
  assert.match(r.stderr, /^godwit: trap: call stack exhausted$/m);
  // ... but fine with a higher one (and the stack is big enough for it).
  r = await run(exes.RECURSE, ["--max-call-depth", "200000", "--"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "deep\n");
  r = await run(exes.START_ONLY, []);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, "start\n");
}

Deno.test("main.c: exit codes, traps, link errors (stub WASI)", async () => {
  await checkCommonBehaviour(await buildStubPrograms());
});

Deno.test("main.c: runtime options only before --", async () => {
  const dir = await Deno.makeTempDir({ prefix: "godwit-opts-" });
  try {
    const exes = await buildStubPrograms();
    const hello = exes.HELLO;
    // Without "--" everything, options included, goes to the program.
    let r = await run(hello, ["--help", "--env", "X=1"]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, "hello\n");
    assert.equal(
      r.stderr,
      `stub: arg ${hello}\nstub: arg --help\nstub: arg --env\nstub: arg X=1\n`,
    );
    // Options before "--"; argv[0] is the program's name; no host env.
    r = await run(hello, [
      "--env",
      "A=1",
      "--env=B=2",
      "--dir",
      dir,
      `--dir=${dir}::sandbox`,
      "--",
      "x",
      "--dir",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stderr,
      [
        `stub: arg ${hello}`,
        "stub: arg x",
        "stub: arg --dir",
        "stub: env A=1",
        "stub: env B=2",
        `stub: dir ${dir} -> ${dir}`,
        `stub: dir ${dir} -> sandbox`,
        "",
      ].join("\n"),
    );
    r = await run(hello, ["--help", "--"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: /);
    assert.match(r.stdout, /--dir HOST\[::GUEST\]/);
    assert.match(r.stdout, /--max-memory SIZE/);
    assert.match(r.stdout, /--trust-snapshot-paths/);
    r = await run(hello, ["--version", "--"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^godwit runtime \d+\.\d+\.\d+/);
    for (
      const bad of [
        ["--bogus", "--"],
        ["--env", "NOEQUALS", "--"],
        ["--dir", "--"],
        ["--max-call-depth", "0", "--"],
        ["--max-call-depth", "12x", "--"],
        ["--max-memory", "12x", "--"],
        ["--max-memory", "-1", "--"],
        ["--max-memory", "99999999999999999999G", "--"],
        ["--trust-snapshot-paths", "--"],
        ["stray", "--"],
        ["--dir", join(dir, "missing"), "--"],
      ]
    ) {
      r = await run(hello, bad);
      assert.equal(r.code, 125, `${bad.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, /^godwit: error: /m, bad.join(" "));
      assert.equal(r.stdout, "");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const realWasi = [...Deno.readDirSync(runtimeDir)]
  .map((e) => e.name)
  .filter((n) => /^wasi.*\.c$/.test(n))
  .map((n) => join(runtimeDir, n));

Deno.test({
  name: "main.c with the real WASI (runtime/wasi*.c)",
  ignore: realWasi.length === 0,
  async fn() {
    await checkCommonBehaviour(await buildPrograms(realWasi, "wasi_"));
  },
});
