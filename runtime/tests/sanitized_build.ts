/**
 * The runtime built with clang-14's sanitizers, for the runtime's C tests
 * and the hostile-snapshot test: AddressSanitizer + UndefinedBehaviorSanitizer
 * (`asan`), or ThreadSanitizer (`tsan`). Each runtime file is compiled once
 * into an object cached on disk (keyed by a hash of the flags, the file and
 * every runtime header), so the several test files that link a sanitized
 * runtime share one build, and a second `deno task test` rebuilds nothing.
 *
 * Why these run-time options (SANITIZER_ENV):
 * - the runtime reserves 8 GiB per linear memory and turns faults in those
 *   reservations (and in the Wasm stack's guard) into traps with its own
 *   SIGSEGV handler. `handle_segv=0` keeps ASan from installing its SEGV
 *   handler, and `allow_user_segv_handler=1` lets the runtime's sigaction
 *   take effect; a fault outside every reservation still kills the process
 *   with SIGSEGV (the runtime's handler re-raises it with the default
 *   action), which the tests count as a crash;
 * - `detect_leaks=0`: a program's instance, the Wasm thread's alternate
 *   signal stack and the trap paths (siglongjmp out of Wasm code) are left
 *   to process exit by design; LeakSanitizer would report them;
 * - `halt_on_error=1` / `-fno-sanitize-recover=all`: the first report ends
 *   the process, with exit code SANITIZER_EXIT and a report on stderr.
 *
 * @module
 */

import { runCommand } from "./command.ts";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Which sanitizers: ASan + UBSan, or TSan. */
export type Sanitizer = "asan" | "tsan";

/** The C compiler of sanitized builds. */
export const SANITIZER_CC = "clang-14";

/** The exit code a sanitizer report ends a process with. */
export const SANITIZER_EXIT = 66;

/** Compile and link flags of each sanitizer. */
export const SANITIZER_FLAGS: Record<Sanitizer, string[]> = {
  asan: [
    "-fsanitize=address,undefined",
    "-fno-sanitize-recover=all",
    "-fno-omit-frame-pointer",
  ],
  tsan: ["-fsanitize=thread"],
};

/** The environment a sanitized program must run with (see the module doc). */
export const SANITIZER_ENV: Record<string, string> = {
  ASAN_OPTIONS: [
    "handle_segv=0",
    "handle_sigbus=0",
    "allow_user_segv_handler=1",
    "detect_leaks=0",
    "halt_on_error=1",
    `exitcode=${SANITIZER_EXIT}`,
  ].join(":"),
  UBSAN_OPTIONS:
    `halt_on_error=1:print_stacktrace=1:exitcode=${SANITIZER_EXIT}`,
  TSAN_OPTIONS: `halt_on_error=1:exitcode=${SANITIZER_EXIT}`,
};

/** A line of a sanitizer's report (what a clean run must not print). */
export const SANITIZER_REPORT =
  /ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|WARNING: ThreadSanitizer|ThreadSanitizer:/;

/**
 * Runs a sanitized test program with only SANITIZER_ENV and PATH, and
 * throws if the sanitizer reported anything (a report is a failure even
 * when the program's own checks passed).
 */
export async function runSanitized(
  exe: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await runCommand(exe, args, {
    env: { ...SANITIZER_ENV, PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
    clearEnv: true,
  });
  if (SANITIZER_REPORT.test(r.stderr)) {
    throw new Error(`${exe}: sanitizer report:\n${r.stderr}`);
  }
  return r;
}

const RUNTIME = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Whether clang-14 with the sanitizer runtimes is installed. */
export function haveSanitizers(): boolean {
  try {
    return new Deno.Command(SANITIZER_CC, {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    }).outputSync().success;
  } catch {
    return false;
  }
}

const OPT = ["-O1", "-g", "-std=gnu11", "-fno-strict-aliasing"];

async function sha256(parts: (string | Uint8Array)[]): Promise<string> {
  const enc = new TextEncoder();
  const chunks = parts.map((p) => typeof p === "string" ? enc.encode(p) : p);
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length + 1, 0));
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length + 1;
  }
  const digest = await crypto.subtle.digest("SHA-256", all);
  return Array.from(
    new Uint8Array(digest),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
}

function cacheRoot(): string {
  return Deno.env.get("GODWIT_TEST_CACHE") ??
    `${Deno.env.get("TMPDIR") ?? "/tmp"}/godwit-test-cache`;
}

const building = new Map<string, Promise<string>>();

/**
 * The object of runtime file `name` (e.g. "snapshot.c") built with
 * `sanitizer` and the extra `defines` (e.g. "-Dmain=gw_program_main"),
 * compiled now if not cached.
 */
export async function sanitizedObject(
  name: string,
  sanitizer: Sanitizer,
  defines: string[] = [],
): Promise<string> {
  const headers = [...Deno.readDirSync(RUNTIME)]
    .filter((e) => e.isFile && e.name.endsWith(".h"))
    .map((e) => e.name)
    .sort();
  const flags = [...OPT, ...SANITIZER_FLAGS[sanitizer], ...defines];
  const key = await sha256([
    SANITIZER_CC,
    ...flags,
    name,
    Deno.readFileSync(join(RUNTIME, name)),
    ...headers.flatMap((h) => [h, Deno.readFileSync(join(RUNTIME, h))]),
  ]);
  const out = join(
    cacheRoot(),
    "sanitized",
    `${name.replace(/\.c$/, "")}-${sanitizer}-${key.slice(0, 20)}.o`,
  );
  let p = building.get(out);
  if (!p) {
    p = (async () => {
      try {
        Deno.statSync(out);
        return out;
      } catch { /* not cached */ }
      Deno.mkdirSync(dirname(out), { recursive: true });
      const temp = `${out}.tmp-${crypto.randomUUID()}`;
      const r = await runCommand(SANITIZER_CC, [
        ...flags,
        "-c",
        join(RUNTIME, name),
        "-o",
        temp,
      ]);
      if (r.code !== 0) {
        throw new Error(`${SANITIZER_CC} failed on ${name}:\n${r.stderr}`);
      }
      await Deno.rename(temp, out); // atomic for concurrent test processes
      return out;
    })();
    building.set(out, p);
  }
  return await p;
}

/** Objects of several runtime files, compiled two at a time (2 cores). */
export async function sanitizedObjects(
  names: string[],
  sanitizer: Sanitizer,
): Promise<string[]> {
  const objects: string[] = [];
  for (let i = 0; i < names.length; i += 2) {
    objects.push(
      ...await Promise.all(
        names.slice(i, i + 2).map((n) => sanitizedObject(n, sanitizer)),
      ),
    );
  }
  return objects;
}

/**
 * Links an executable from test sources (compiled here with the same
 * flags) and sanitized runtime files; throws with the compiler's output
 * when it fails.
 */
export async function linkSanitized(
  output: string,
  testSources: string[],
  runtimeFiles: string[],
  sanitizer: Sanitizer,
  extra: string[] = [],
): Promise<void> {
  const objects = await sanitizedObjects(runtimeFiles, sanitizer);
  const r = await runCommand(SANITIZER_CC, [
    ...OPT,
    ...SANITIZER_FLAGS[sanitizer],
    ...extra,
    "-o",
    output,
    ...testSources,
    ...objects,
    "-lpthread",
    "-lm",
  ]);
  if (r.code !== 0) {
    throw new Error(`cannot link ${output}:\n${r.stderr}`);
  }
}
