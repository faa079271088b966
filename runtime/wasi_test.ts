/**
 * Builds and runs the WASI tests of the C runtime:
 * - runtime/tests/wasi_unit_test.c calls every WASI function on a fake
 *   instance and checks it against the host (POSIX) and the witx;
 * - runtime/tests/wasi_prog.c is compiled natively and to wasm32-wasi; the
 *   wasm is translated by wasm2c (wabt's independent translator) and linked
 *   with our WASI implementation; both runs must print the same thing in
 *   identical directory trees, and every sandbox escape must fail.
 */
import assert from "node:assert/strict";
import { runCommand } from "./tests/command.ts";
import { JSON_SOURCE, TEST_CFLAGS, WASI_SOURCES } from "./tests/sources.ts";
import { dirname, join } from "node:path";
import {
  haveSanitizers,
  linkSanitized,
  runSanitized,
} from "./tests/sanitized_build.ts";
import { fileURLToPath } from "node:url";

const runtimeDir = dirname(fileURLToPath(import.meta.url));
const wasiSources = [...WASI_SOURCES, JSON_SOURCE];
const stubs = join(runtimeDir, "tests", "wasi_stubs.c");
const wasm2cRuntime = "/usr/share/wabt/wasm2c";

/** Runs a command; returns its exit code and output. */
function run(cmd: string, args: string[], cwd?: string) {
  return runCommand(cmd, args, { cwd });
}

/** Runs a command that must succeed (a build step). */
async function mustRun(
  cmd: string,
  args: string[],
  cwd?: string,
): Promise<void> {
  const r = await run(cmd, args, cwd);
  assert.equal(r.code, 0, `${cmd} ${args.join(" ")} failed:\n${r.stderr}`);
}

function hasTool(name: string): boolean {
  try {
    new Deno.Command(name, {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    })
      .outputSync();
    return true;
  } catch {
    return false;
  }
}

/** The tree wasi_prog expects: root/secret outside, root/sandbox inside. */
async function makeTree(root: string): Promise<void> {
  await Deno.mkdir(join(root, "sandbox", "sub"), { recursive: true });
  await Deno.writeTextFile(join(root, "secret"), "secret\n");
  await Deno.writeTextFile(join(root, "sandbox", "sub", "file"), "inside\n");
  const links: [string, string][] = [
    ["..", "up"],
    ["/", "root"],
    ["sub/../../secret", "chain"],
    ["loop", "loop"],
    ["/etc/passwd", "abs"],
  ];
  for (const [target, name] of links) {
    await Deno.symlink(target, join(root, "sandbox", name));
  }
}

Deno.test({
  name: "WASI C unit tests under ASan + UBSan",
  ignore: !haveSanitizers(), // reason: needs clang-14 and its sanitizer runtimes
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "gw_wasi_unit_asan_" });
    try {
      const exe = join(dir, "wasi_unit_test");
      await linkSanitized(
        exe,
        [join(runtimeDir, "tests", "wasi_unit_test.c"), stubs],
        wasiSources.map((s) => s.split("/").pop()!),
        "asan",
      );
      const scratch = join(dir, "scratch");
      await Deno.mkdir(scratch);
      const r = await runSanitized(exe, [scratch]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /^\d+ checks, 0 failed$/m);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("WASI C unit tests (fake instance, escapes, poll, resolve)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gw_wasi_unit_" });
  try {
    const exe = join(dir, "wasi_unit_test");
    // -Werror: the WASI sources must stay warning-free with -Wall -Wextra.
    await mustRun("cc", [
      ...TEST_CFLAGS,
      "-o",
      exe,
      join(runtimeDir, "tests", "wasi_unit_test.c"),
      stubs,
      ...wasiSources,
    ]);
    const scratch = join(dir, "scratch");
    await Deno.mkdir(scratch);
    const r = await run(exe, [scratch]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^\d+ checks, 0 failed$/m);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const haveWasmTools = hasTool("clang-14") && hasTool("wasm2c");

Deno.test({
  name: "WASI: a wasi-libc program behaves as the same C program natively",
  ignore: !haveWasmTools,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "gw_wasi_prog_" });
    try {
      const src = join(runtimeDir, "tests", "wasi_prog.c");
      await mustRun("clang-14", [
        "--target=wasm32-wasi",
        "-O2",
        src,
        "-o",
        join(dir, "prog.wasm"),
      ]);
      await mustRun("cc", ["-O2", src, "-o", join(dir, "native")]);
      await mustRun("wasm2c", [
        join(dir, "prog.wasm"),
        "-n",
        "prog",
        "-o",
        join(dir, "prog.c"),
      ]);
      await mustRun("cc", [
        "-O2",
        "-w", // wasm2c's generated code is not ours to keep warning-free
        `-I${wasm2cRuntime}`,
        `-I${dir}`,
        "-o",
        join(dir, "prog_w2c"),
        join(dir, "prog.c"),
        join(wasm2cRuntime, "wasm-rt-impl.c"),
        join(runtimeDir, "tests", "wasi_w2c_glue.c"),
        stubs,
        ...wasiSources,
        "-lm",
      ]);

      // Same program, same tree: native (oracle) vs wasm through our WASI.
      const nativeRoot = join(dir, "native_tree");
      const wasmRoot = join(dir, "wasm_tree");
      await makeTree(nativeRoot);
      await makeTree(wasmRoot);
      const native = await run(
        join(dir, "native"),
        ["files", "sandbox"],
        nativeRoot,
      );
      const wasm = await run(
        join(dir, "prog_w2c"),
        ["--dir", "sandbox::sandbox", "--", "wasi_prog", "files", "sandbox"],
        wasmRoot,
      );
      assert.equal(native.code, 7);
      assert.equal(wasm.code, 7, wasm.stderr); // exit(7) -> proc_exit(7)
      assert.equal(wasm.stdout, native.stdout);
      assert.equal(wasm.stderr, native.stderr);
      assert.match(wasm.stdout, /many entries: 152/);

      // Escapes: natively they would succeed; in the sandbox all must fail.
      const escRoot = join(dir, "escape_tree");
      await makeTree(escRoot);
      const esc = await run(
        join(dir, "prog_w2c"),
        ["--dir", "sandbox::sandbox", "--", "wasi_prog", "escape", "sandbox"],
        escRoot,
      );
      assert.equal(esc.code, 7, esc.stderr);
      const lines = esc.stdout.trim().split("\n").slice(1);
      assert.equal(lines.length, 12);
      for (const line of lines) {
        assert.match(
          line,
          /: (ENOTCAPABLE|ELOOP)$/,
          `escape not refused: ${line}`,
        );
      }
      assert.match(esc.stdout, /^loop: ELOOP$/m);
      assert.equal(
        await Deno.readTextFile(join(escRoot, "secret")),
        "secret\n",
      );
      await assert.rejects(Deno.lstat(join(escRoot, "made-outside")));
      await assert.rejects(Deno.lstat(join(escRoot, "moved")));
      assert.equal(
        await Deno.readTextFile(join(escRoot, "sandbox", "sub", "file")),
        "inside\n",
      );

      // A missing --dir is a clear error, not a crash.
      const bad = await run(join(dir, "prog_w2c"), [
        "--dir",
        join(dir, "nope"),
        "--",
        "p",
      ]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /cannot open directory '.*nope' for --dir/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
