import assert from "node:assert/strict";

const MOD_TS = new URL("../mod.ts", import.meta.url).pathname;
const CONFIG = new URL("../deno.json", import.meta.url).pathname;

const cacheDir = await Deno.makeTempDir({ prefix: "godwit-cli-test-cache-" });
const work = await Deno.makeTempDir({ prefix: "godwit-cli-test-" });
globalThis.addEventListener("unload", () => {
  Deno.removeSync(cacheDir, { recursive: true });
  Deno.removeSync(work, { recursive: true });
});

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `deno run -A mod.ts ...args` as a user would. */
async function godwit(
  args: string[],
  env: Record<string, string> = {},
): Promise<Outcome> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-check", "--config", CONFIG, MOD_TS, ...args],
    env: { GODWIT_CACHE: cacheDir, NO_COLOR: "1", ...env },
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

/** No JavaScript stack trace reached the user. */
function assertNoStackTrace(outcome: Outcome): void {
  assert.doesNotMatch(outcome.stderr, /^\s+at /m, outcome.stderr);
  assert.doesNotMatch(
    outcome.stderr,
    /Uncaught|Stack backtrace/,
    outcome.stderr,
  );
}

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

Deno.test("cli: help and version", async () => {
  const top = await godwit(["--help"]);
  assert.equal(top.code, 0);
  assert.match(top.stdout, /^Usage: godwit <command>/);
  assert.match(top.stdout, /^\s+compile\s/m);
  assert.match(top.stdout, /^\s+run\s/m);
  for (const command of ["compile", "run"]) {
    const help = await godwit([command, "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, new RegExp(`^Usage: godwit ${command} IN`));
  }
  const version = await godwit(["--version"]);
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^godwit \d+\.\d+\.\d+\n$/);
});

Deno.test("cli: usage errors exit 2 with a pointer to help", async () => {
  const unknown = await godwit(["frobnicate"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^godwit: error: unknown command 'frobnicate'/);
  const badOption = await godwit(["compile", "x.wasm", "-o", "y", "--bogus"]);
  assert.equal(badOption.code, 2);
  assert.match(badOption.stderr, /godwit compile --help/);
  const noOutput = await godwit(["compile", "x.wasm"]);
  assert.equal(noOutput.code, 2);
  assert.match(noOutput.stderr, /no output file/);
  const badLevel = await godwit(["compile", "x.wasm", "-o", "y", "-O", "9"]);
  assert.equal(badLevel.code, 2);
  assert.match(badLevel.stderr, /invalid optimization level '9'/);
  for (const outcome of [unknown, badOption, noOutput, badLevel]) {
    assertNoStackTrace(outcome);
  }
});

Deno.test("cli: a missing input file", async () => {
  const outcome = await godwit([
    "compile",
    `${work}/nope.wasm`,
    "-o",
    `${work}/out`,
  ]);
  assert.equal(outcome.code, 1);
  assert.equal(
    outcome.stderr,
    `godwit: error: cannot read '${work}/nope.wasm': no such file\n`,
  );
  assertNoStackTrace(outcome);
});

Deno.test("cli: malformed and invalid modules", async () => {
  await Deno.writeFile(
    `${work}/bad-magic.wasm`,
    new Uint8Array([0, 0x61, 0x73, 0x6e, 1, 0, 0, 0]),
  );
  const malformed = await godwit([
    "compile",
    `${work}/bad-magic.wasm`,
    "-o",
    `${work}/out`,
  ]);
  assert.equal(malformed.code, 1);
  assert.match(
    malformed.stderr,
    /^godwit: error: malformed module: magic header not detected/,
  );
  assertNoStackTrace(malformed);

  // (func (result i32)) with an empty body.
  await Deno.writeFile(
    `${work}/invalid.wasm`,
    new Uint8Array([
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
    ]),
  );
  const invalid = await godwit([
    "compile",
    `${work}/invalid.wasm`,
    "-o",
    `${work}/out`,
  ]);
  assert.equal(invalid.code, 1);
  assert.match(invalid.stderr, /^godwit: error: invalid module: type mismatch/);
  assert.equal(invalid.stderr.trim().split("\n").length, 1);
  assertNoStackTrace(invalid);
  assert.throws(() => Deno.statSync(`${work}/out`));
});

Deno.test("cli: a missing tool", async () => {
  await Deno.writeTextFile(`${work}/hello.wat`, HELLO_WAT);
  const outcome = await godwit([
    "compile",
    `${work}/hello.wat`,
    "-o",
    `${work}/out`,
  ], {
    GODWIT_LLC: "/nonexistent/llc",
  });
  assert.equal(outcome.code, 1);
  assert.equal(
    outcome.stderr,
    "godwit: error: 'llc' (LLVM 14) not found: run scripts/setup.sh\n",
  );
});

Deno.test("cli: compile a .wat and run the program", async () => {
  await Deno.writeTextFile(`${work}/hello.wat`, HELLO_WAT);
  const compiled = await godwit([
    "compile",
    `${work}/hello.wat`,
    "-o",
    `${work}/hello`,
    "-O",
    "1",
  ]);
  assert.equal(compiled.code, 0, compiled.stderr);
  // stderr is not a terminal here: no progress output.
  assert.equal(compiled.stderr, "");
  const program = await new Deno.Command(`${work}/hello`, { stdout: "piped" })
    .output();
  assert.equal(new TextDecoder().decode(program.stdout), "hello\n");
  assert.equal(program.code, 3);
});

Deno.test("cli: run passes stdout and the exit code through, and caches", async () => {
  await Deno.writeTextFile(`${work}/hello.wat`, HELLO_WAT);
  const first = await godwit(["run", `${work}/hello.wat`, "--", "a", "b"]);
  assert.equal(first.stdout, "hello\n");
  assert.equal(first.code, 3);
  const cached = [...Deno.readDirSync(`${cacheDir}/exe`)].filter((e) =>
    !e.name.includes(".tmp-")
  );
  assert.equal(cached.length, 1);
  const second = await godwit(["run", `${work}/hello.wat`]);
  assert.deepEqual(second, first);
  assert.equal([...Deno.readDirSync(`${cacheDir}/exe`)].length, 1);
  // Runtime options reach the program: its memory (1 page) is over 0p.
  const bounded = await godwit([
    "run",
    `${work}/hello.wat`,
    "--max-memory",
    "0p",
  ]);
  assert.equal(bounded.code, 125);
  assert.match(bounded.stderr, /more than --max-memory allows \(0 pages\)/);
  const trust = await godwit([
    "run",
    `${work}/hello.wat`,
    "--trust-snapshot-paths",
  ]);
  assert.equal(trust.code, 125);
  assert.match(trust.stderr, /--trust-snapshot-paths is only for --restore/);
});

Deno.test("cli: unexpected errors are one line unless GODWIT_DEBUG is set", async () => {
  await Deno.writeTextFile(`${work}/hello.wat`, HELLO_WAT);
  // A cache directory that is a file: an error nobody planned a message for.
  await Deno.writeTextFile(`${work}/not-a-dir`, "");
  const args = ["run", `${work}/hello.wat`, "--cache-dir", `${work}/not-a-dir`];
  const plain = await godwit(args);
  assert.equal(plain.code, 70);
  assert.match(
    plain.stderr,
    /^godwit: internal error: .+ \(set GODWIT_DEBUG=1 for details\)\n$/,
  );
  assertNoStackTrace(plain);
  const debug = await godwit(args, { GODWIT_DEBUG: "1" });
  assert.equal(debug.code, 70);
  assert.match(debug.stderr, /^\s+at /m);
});

Deno.test("cli: inspect renders a snapshot and checks it against its module", async () => {
  // Snapshots written by the runtime's C/R tests (hand-written module code).
  const { crTestRun } = await import("../runtime/tests/cr_build.ts");
  const run = await crTestRun();
  const snaps = [...Deno.readDirSync(run.dir)].map((e) => e.name).sort();
  assert.ok(snaps.length > 0, "cr_test wrote no snapshots");
  const file = `${run.dir}/${snaps[0]}`;
  const wasm = new URL("../runtime/tests/cr_module.wasm", import.meta.url)
    .pathname;
  const shown = await godwit(["inspect", file, "--module", wasm]);
  assert.equal(shown.code, 0, shown.stderr);
  // What the file says, read independently: the JSON after the 32-byte header.
  const bytes = await Deno.readFile(file);
  const jsonLength = Number(
    new DataView(bytes.buffer).getBigUint64(16, true),
  );
  const meta = JSON.parse(
    new TextDecoder().decode(bytes.subarray(32, 32 + jsonLength)),
  );
  assert.match(shown.stdout, new RegExp(meta.reason));
  for (const f of meta.frames) {
    assert.match(shown.stdout, new RegExp(`\\b${f.offset}\\b`));
  }
  // Against another module: a clear error, exit 1, no stack trace.
  const wat = `${work}/other.wat`;
  await Deno.writeTextFile(wat, '(module (func (export "f")))');
  const wrong = await godwit(["inspect", file, "--module", wat]);
  assert.equal(wrong.code, 1, wrong.stderr);
  assert.match(wrong.stderr, /^godwit: error: /);
  assertNoStackTrace(wrong);
  const garbage = `${work}/garbage.snapshot`;
  await Deno.writeTextFile(garbage, "not a snapshot");
  const bad = await godwit(["inspect", garbage]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^godwit: error: /);
  assertNoStackTrace(bad);
  const usage = await godwit(["inspect"]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /no snapshot file/);
});

Deno.test("cli: run's checkpoint options are checked before compiling", async () => {
  for (
    const [args, message] of [
      [["--checkpoint-after", "0"], /invalid --checkpoint-after/],
      [["--checkpoint-every", "x"], /invalid --checkpoint-every/],
      [["--restore", "s", "--", "arg"], /--restore takes the program's/],
      [["--no-cr", "--checkpoint-after", "5"], /--no-cr builds cannot/],
    ] as const
  ) {
    const r = await godwit(["run", "missing.wasm", ...args]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
    assertNoStackTrace(r);
  }
});
