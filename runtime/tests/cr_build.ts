/**
 * Builds and runs runtime/tests/cr_test.c once per process, for the Deno
 * tests of both halves of checkpoint/restore (runtime/checkpoint_test.ts and
 * compiler/snapshot/snapshot_test.ts): they read the snapshots it writes.
 *
 * @module
 */

import { CR_SOURCES, TEST_CFLAGS } from "./sources.ts";
import {
  linkSanitized,
  type Sanitizer,
  SANITIZER_ENV,
} from "./sanitized_build.ts";

/** The built test program and the directory its snapshots went to. */
export interface CrTestRun {
  /** Path of the cr_test executable. */
  exe: string;
  /** Directory holding the snapshots it wrote. */
  dir: string;
  stdout: string;
  stderr: string;
  code: number;
}

const RUNTIME = new URL("../", import.meta.url).pathname;
const cached = new Map<string, Promise<CrTestRun>>();

async function run(cmd: string, args: string[], env?: Record<string, string>) {
  const out = await new Deno.Command(cmd, {
    args,
    env,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const dec = new TextDecoder();
  return {
    code: out.code,
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr),
  };
}

/**
 * Compiles cr_test.c (-Wall -Wextra -Werror; or with clang-14 and a
 * sanitizer, see sanitized_build.ts) and runs it once per variant.
 */
export function crTestRun(sanitizer?: Sanitizer): Promise<CrTestRun> {
  const key = sanitizer ?? "plain";
  let p = cached.get(key);
  if (p) return p;
  p = (async () => {
    const dir = await Deno.makeTempDir({ prefix: "godwit-cr-" });
    globalThis.addEventListener("unload", () => {
      try {
        Deno.removeSync(dir, { recursive: true });
      } catch { /* already gone */ }
    });
    const exe = `${dir}/cr_test`;
    if (sanitizer) {
      await linkSanitized(
        exe,
        [`${RUNTIME}tests/cr_test.c`],
        CR_SOURCES.map((s) => s.split("/").pop()!),
        sanitizer,
      );
      const snapDir = `${dir}/snapshots`;
      await Deno.mkdir(snapDir);
      const r = await run(exe, [snapDir, "300"], {
        ...SANITIZER_ENV,
        PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      });
      return { exe, dir: snapDir, ...r };
    }
    const build = await run("cc", [
      ...TEST_CFLAGS,
      "-g",
      "-o",
      exe,
      `${RUNTIME}tests/cr_test.c`,
      ...CR_SOURCES,
      "-lpthread",
    ]);
    if (build.code !== 0) {
      throw new Error(`cannot build cr_test:\n${build.stderr}`);
    }
    const snapDir = `${dir}/snapshots`;
    await Deno.mkdir(snapDir);
    const r = await run(exe, [snapDir, "300"]);
    return { exe, dir: snapDir, ...r };
  })();
  cached.set(key, p);
  return p;
}

/** The bytes of runtime/tests/cr_module.wasm. */
export function crModuleBytes(): Uint8Array {
  return Deno.readFileSync(`${RUNTIME}tests/cr_module.wasm`);
}
