/**
 * Builds and runs runtime/tests/wasi_cr_test.c: the WASI state through a
 * snapshot's JSON and back (descriptors at their offsets, no truncation,
 * vanished files and moved preopens, stdin offset), and blocking calls
 * (poll_oneoff, fd_read on a pipe) giving way to SIGUSR1 within 100 ms, the
 * re-issued sleep waiting only for what was left of its deadline. The
 * oracles are the host's own view (lseek, stat, the files' bytes) and the
 * monotonic clock.
 */
import assert from "node:assert/strict";
import { runCommand } from "./tests/command.ts";
import {
  CR_SOURCES,
  INSTANCE_SOURCE,
  TEST_CFLAGS,
  WASI_SOURCES,
} from "./tests/sources.ts";
import { dirname, join } from "node:path";
import {
  haveSanitizers,
  linkSanitized,
  runSanitized,
} from "./tests/sanitized_build.ts";
import { fileURLToPath } from "node:url";

const runtimeDir = dirname(fileURLToPath(import.meta.url));
const sources = [...CR_SOURCES, INSTANCE_SOURCE, ...WASI_SOURCES];

const run = runCommand;

Deno.test("WASI checkpoint/restore: state round trip, blocking calls give way", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gw_wasi_cr_" });
  try {
    const exe = join(dir, "wasi_cr_test");
    const build = await run("cc", [
      ...TEST_CFLAGS,
      "-o",
      exe,
      join(runtimeDir, "tests", "wasi_cr_test.c"),
      ...sources,
      "-lpthread",
      "-lm",
    ]);
    assert.equal(build.code, 0, build.stderr);
    const scratch = join(dir, "scratch");
    await Deno.mkdir(scratch);
    const r = await run(exe, [scratch]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^\d+ checks, 0 failed$/m);
    const abandoned = [...r.stdout.matchAll(/abandoned ([\d.]+) ms after/g)]
      .map((m) => Number(m[1]));
    assert.equal(abandoned.length, 2);
    for (const ms of abandoned) assert.ok(ms < 100, `${ms} ms`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "WASI checkpoint/restore C tests under ASan + UBSan",
  ignore: !haveSanitizers(), // reason: needs clang-14 and its sanitizer runtimes
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "gw_wasi_cr_asan_" });
    try {
      const exe = join(dir, "wasi_cr_test");
      await linkSanitized(
        exe,
        [join(runtimeDir, "tests", "wasi_cr_test.c")],
        sources.map((s) => s.split("/").pop()!),
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
