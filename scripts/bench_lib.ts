/**
 * Shared helpers for the end-to-end tests, the benchmark script and the
 * demo: the testdata manifest (`testdata/cases.json`), a content-addressed
 * cache of programs compiled with Godwit, native builds with clang, and
 * running a program with captured output.
 *
 * @module
 */

import { compileFile } from "../mod.ts";

/** Absolute path of the repository root (this file lives in `scripts/`). */
export const REPO_ROOT: string = new URL("../", import.meta.url).pathname
  .replace(/\/$/, "");

/** Absolute path of `testdata/`. */
export const TESTDATA: string = `${REPO_ROOT}/testdata`;

/** One recorded run of a test program (an entry of `cases.json`). */
export interface TestCase {
  /** Unique case name; expected outputs are `testdata/expected/<name>.*`. */
  name: string;
  /** Program name: `testdata/wasm/<program>.wasm`, from `c/` or `wat/`. */
  program: string;
  /** Program arguments (after argv[0]). */
  args?: string[];
  /** Environment entries `K=V`; the program gets no other variables. */
  env?: string[];
  /** File under `testdata/` fed to stdin (default: empty stdin). */
  stdin?: string;
  /** Directory under `testdata/` copied to a fresh directory preopened as ".". */
  dir?: string;
  /** When false, pass program arguments without a `--` separator. */
  separator?: boolean;
  /** Expected trap message (the spec's wording); the exit code is then 134. */
  trap?: string;
}

/** A benchmark: a program and the arguments that make it run long enough. */
export interface Benchmark {
  /** Program name, as in {@link TestCase.program}. */
  program: string;
  /** Arguments (the size parameters). */
  args: string[];
}

/** The parsed `testdata/cases.json`. */
export interface Manifest {
  /** Every end-to-end case. */
  cases: TestCase[];
  /** Case names also checked at -O0 against -O2. */
  optLevelCases: string[];
  /** Benchmark programs with their sizes. */
  benchmarks: Benchmark[];
  /**
   * SIMD benchmarks (`deno task bench --simd`): `program` is built with
   * `-msimd128`, `scalar` is the same source without it.
   */
  simdBenchmarks: (Benchmark & { scalar: string })[];
}

/** Reads `testdata/cases.json`. */
export async function readManifest(): Promise<Manifest> {
  return JSON.parse(await Deno.readTextFile(`${TESTDATA}/cases.json`));
}

/** What a test case is expected to produce (`testdata/expected/`). */
export interface Expected {
  /** Exact stdout. */
  stdout: string;
  /** Exit code. */
  exitCode: number;
  /** The stderr line a trap must print, or undefined when stderr must be empty. */
  stderr?: string;
  /** The preopened directory's listing after the run (cases with a directory). */
  files?: string[];
}

/** Reads the expected outputs of a case. */
export async function readExpected(name: string): Promise<Expected> {
  const base = `${TESTDATA}/expected/${name}`;
  const stderr = await Deno.readTextFile(`${base}.stderr`).catch(() =>
    undefined
  );
  return {
    stdout: await Deno.readTextFile(`${base}.stdout`),
    exitCode: Number((await Deno.readTextFile(`${base}.exitcode`)).trim()),
    stderr: stderr?.trim(),
    files: await Deno.readTextFile(`${base}.files`).then(
      (text) => text.split("\n").filter((line) => line !== ""),
      () => undefined,
    ),
  };
}

/** Path of a test program's module. */
export function wasmPath(program: string): string {
  return `${TESTDATA}/wasm/${program}.wasm`;
}

/** Path of a C test program's source, or undefined for `.wat` programs. */
export function cSourcePath(program: string): string | undefined {
  const path = `${TESTDATA}/c/${program}.c`;
  try {
    Deno.statSync(path);
    return path;
  } catch {
    return undefined;
  }
}

/** Lowercase hex SHA-256 of some bytes. */
export async function sha256Hex(
  bytes: Uint8Array<ArrayBuffer>,
): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(
    new Uint8Array(digest),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
}

/**
 * A hash of the compiler and runtime sources (non-test `.ts`, `.ll`, `.c`,
 * `.h` under `compiler/` and `runtime/`, and `mod.ts`), so cached programs
 * are rebuilt whenever Godwit changes.
 */
export async function godwitFingerprint(): Promise<string> {
  const files: string[] = [`${REPO_ROOT}/mod.ts`];
  const walk = (dir: string) => {
    for (const entry of Deno.readDirSync(dir)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) {
        if (entry.name !== "tests") walk(path);
      } else if (
        /\.(ts|ll|c|h)$/.test(entry.name) && !entry.name.endsWith("_test.ts")
      ) {
        files.push(path);
      }
    }
  };
  walk(`${REPO_ROOT}/compiler`);
  walk(`${REPO_ROOT}/runtime`);
  files.sort();
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  for (const file of files) {
    parts.push(encoder.encode(`${file}\0`), await Deno.readFile(file));
  }
  const all: Uint8Array<ArrayBuffer> = new Uint8Array(
    parts.reduce((n, p) => n + p.length, 0),
  );
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  return await sha256Hex(all);
}

/** Where compiled test programs are cached (`$GODWIT_TEST_CACHE`, else under the temp dir). */
export function testCacheDir(): string {
  return Deno.env.get("GODWIT_TEST_CACHE") ??
    `${Deno.env.get("TMPDIR") ?? "/tmp"}/godwit-test-cache`;
}

let fingerprint: Promise<string> | undefined;

/** A compiled program and how long compiling took (0 when it came from the cache). */
export interface CachedProgram {
  /** Path of the executable. */
  path: string;
  /** Compile wall time in seconds, or 0 on a cache hit. */
  compileSeconds: number;
}

/**
 * Compiles a module with Godwit into an executable, caching it by the
 * module's hash, the options and the Godwit sources' fingerprint.
 */
export async function compileCached(
  wasm: string,
  optLevel: 0 | 1 | 2 | 3 = 2,
  options: {
    /** Checkpoint/restore instrumentation (default true, as compileFile). */
    cr?: boolean;
    /** `exe` (default) or `obj`: the module's code and descriptor only, to
     * link with a runtime of one's own (the sanitized test builds). */
    emit?: "exe" | "obj";
  } = {},
): Promise<CachedProgram> {
  fingerprint ??= godwitFingerprint();
  const cr = options.cr ?? true;
  const emit = options.emit ?? "exe";
  const variant = (cr ? "" : "-nocr") + (emit === "exe" ? "" : `.${emit}`);
  const key = await sha256Hex(
    new TextEncoder().encode(
      `${await fingerprint}:${await sha256Hex(
        await Deno.readFile(wasm),
      )}:O${optLevel}${variant}`,
    ),
  );
  const dir = testCacheDir();
  const name = wasm.replace(/^.*\//, "").replace(/\.wasm$/, "");
  const path = `${dir}/${name}-O${optLevel}${variant}-${key.slice(0, 16)}`;
  try {
    await Deno.stat(path);
    return { path, compileSeconds: 0 };
  } catch {
    // Not cached yet.
  }
  await Deno.mkdir(dir, { recursive: true });
  const temp = `${path}.tmp-${crypto.randomUUID()}`;
  const start = performance.now();
  await compileFile(wasm, { output: temp, optLevel, cr, emit });
  const compileSeconds = (performance.now() - start) / 1000;
  await Deno.rename(temp, path); // atomic: concurrent runs never see half a file
  return { path, compileSeconds };
}

/** Builds a C program natively with `clang-14 -O2` (or `flags`) into `output`. */
export async function buildNative(
  source: string,
  output: string,
  flags: string[] = ["-O2"],
): Promise<void> {
  const result = await new Deno.Command("clang-14", {
    args: [...flags, "-w", "-o", output, source, "-lm"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!result.success) {
    throw new Error(
      `clang-14 failed on ${source}:\n${
        new TextDecoder().decode(result.stderr)
      }`,
    );
  }
}

/** The outcome of one run. */
export interface RunResult {
  /** Captured stdout. */
  stdout: string;
  /** Captured stderr. */
  stderr: string;
  /** Exit code (128 + signal number when killed by a signal). */
  exitCode: number;
  /** Wall time in seconds. */
  seconds: number;
}

/** How to run a program. */
export interface RunOptions {
  /** Full argument list after the executable path. */
  args: string[];
  /** Bytes for stdin (default: none, stdin is empty). */
  stdin?: Uint8Array;
  /** Working directory. */
  cwd?: string;
  /** Environment; when given, the child gets exactly these variables. */
  env?: Record<string, string>;
  /** Kill the child after this many seconds (default 120). */
  timeoutSeconds?: number;
}

/** Runs an executable with captured stdio, a timeout and no inherited environment unless asked. */
export async function runProgram(
  executable: string,
  options: RunOptions,
): Promise<RunResult> {
  const start = performance.now();
  const child = new Deno.Command(executable, {
    args: options.args,
    cwd: options.cwd,
    env: options.env ?? {},
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(
    () => child.kill("SIGKILL"),
    (options.timeoutSeconds ?? 120) * 1000,
  );
  const writer = child.stdin.getWriter();
  try {
    if (options.stdin) await writer.write(options.stdin);
    await writer.close();
  } catch {
    // The program exited without reading all of stdin: not an error here.
  }
  const output = await child.output();
  clearTimeout(timer);
  const decoder = new TextDecoder();
  return {
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
    exitCode: output.signal ? 128 + signalNumber(output.signal) : output.code,
    seconds: (performance.now() - start) / 1000,
  };
}

function signalNumber(signal: Deno.Signal): number {
  const numbers: Partial<Record<Deno.Signal, number>> = {
    SIGILL: 4,
    SIGABRT: 6,
    SIGFPE: 8,
    SIGKILL: 9,
    SIGSEGV: 11,
    SIGTERM: 15,
  };
  return numbers[signal] ?? 64;
}

/** The command line of a case for a Godwit executable run in `dir` (when the case has one). */
export function godwitArgs(testCase: TestCase, dir?: string): string[] {
  const runtime: string[] = [];
  if (testCase.dir && dir) runtime.push("--dir", `${dir}::.`);
  for (const entry of testCase.env ?? []) runtime.push("--env", entry);
  const args = testCase.args ?? [];
  if (testCase.separator === false) {
    if (runtime.length > 0) {
      throw new Error(
        `case ${testCase.name}: separator false needs no runtime options`,
      );
    }
    return args;
  }
  return [...runtime, "--", ...args];
}

/** Copies a directory tree's contents into another directory (cp -r). */
export async function copyTree(from: string, to: string): Promise<void> {
  const result = await new Deno.Command("cp", { args: ["-r", `${from}/.`, to] })
    .output();
  if (!result.success) throw new Error(`cp -r ${from} ${to} failed`);
}

/**
 * Lists a directory tree like the build script's `expected/<case>.files`:
 * `path/` for directories and `path size` for files, sorted.
 */
export async function listTree(root: string): Promise<string[]> {
  const lines: string[] = [];
  const walk = async (dir: string, prefix: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) {
        lines.push(`${prefix}${entry.name}/`);
        await walk(path, `${prefix}${entry.name}/`);
      } else if (entry.isFile) {
        lines.push(`${prefix}${entry.name} ${(await Deno.stat(path)).size}`);
      }
    }
  };
  await walk(root, "");
  return lines.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A run of a case: its outcome, and the directory listing afterwards when it had one. */
export interface CaseResult extends RunResult {
  /** {@link listTree} of the preopened directory after the run. */
  files?: string[];
}

/** Runs a case with a Godwit-built executable in a fresh directory; removes the directory after. */
export async function runCase(
  testCase: TestCase,
  executable: string,
): Promise<CaseResult> {
  const dir = await Deno.makeTempDir({
    prefix: `godwit-e2e-${testCase.name}-`,
  });
  try {
    if (testCase.dir) await copyTree(`${TESTDATA}/${testCase.dir}`, dir);
    const stdin = testCase.stdin
      ? await Deno.readFile(`${TESTDATA}/${testCase.stdin}`)
      : undefined;
    const result: CaseResult = await runProgram(executable, {
      args: godwitArgs(testCase, dir),
      stdin,
      cwd: dir,
    });
    if (testCase.dir) result.files = await listTree(dir);
    return result;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Starts `command` (a program, then its arguments) in `cwd` with only `env`
 * as environment and stdin from `stdinFile` (empty when absent), redirected
 * by the shell so that the program sees a regular file, as with
 * `./app < data`. Stdout and stderr are piped.
 */
export function spawnWithStdin(
  command: string[],
  cwd: string,
  stdinFile?: string,
  env: Record<string, string> = {},
): Deno.ChildProcess {
  return new Deno.Command("/bin/sh", {
    args: ["-c", 'exec "$@" < "$GW_STDIN"', "sh", ...command],
    cwd,
    env: { ...env, GW_STDIN: stdinFile ?? "/dev/null" },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** What {@link runWithStdin} gives: exit code, decoded output, wall time. */
export interface StdinRun {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** {@link spawnWithStdin}, waited for, with the output decoded. */
export async function runWithStdin(
  command: string[],
  cwd: string,
  stdinFile?: string,
  env: Record<string, string> = {},
): Promise<StdinRun> {
  const start = performance.now();
  const out = await spawnWithStdin(command, cwd, stdinFile, env).output();
  const dec = new TextDecoder();
  return {
    code: out.code,
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr),
    ms: performance.now() - start,
  };
}
