/**
 * The command line: `godwit <command> [options]`, with a table of commands
 * (compile, run, inspect, spec) parsed with node:util's parseArgs. The full
 * reference is docs/cli.md. Every failure the user can cause ends in one line
 * `godwit: error: ...` and a non-zero exit, never a stack trace.
 *
 * Exit codes of the CLI itself: 0 success, 1 error (bad module, missing
 * file or tool, a tool failed), 2 usage error, 70 internal error. `run`
 * passes the program's exit code through.
 *
 * @module
 */

import { parseArgs } from "node:util";
import {
  compile,
  CompileError,
  type CompileOptions,
  compilerFingerprint,
  type EmitKind,
  InputError,
  readInput,
  type Target,
  ToolNotFoundError,
  VERSION,
} from "./driver.ts";
import { WasmError } from "./decode/errors.ts";
import { moduleHash } from "./link/descriptor.ts";
import {
  defaultCacheDir,
  exists,
  hashParts,
  toHex,
} from "./link/runtime_lib.ts";
import { createProgress } from "./progress.ts";

/** A usage error: a bad option or argument. */
export class UsageError extends Error {
  /** The command whose help to point at, if any. */
  readonly command?: string;
  /** Builds the error; `message` is meant for the user. */
  constructor(message: string, command?: string) {
    super(message);
    this.name = "UsageError";
    this.command = command;
  }
}

/** One CLI command. */
interface Command {
  summary: string;
  help: string;
  run(args: string[]): Promise<number>;
}

const COMPILE_HELP = `Usage: godwit compile IN -o OUT [options]

Compiles a WebAssembly module (.wasm, or .wat text) ahead of time.

Options:
  -o, --output OUT     output file (required)
  -O, --opt-level N    optimization level 0-3 (default 2)
  --target T           x86_64 (default) or aarch64
  --emit KIND          exe (default): a program that runs with WASI;
                       shared: a .so for the spec driver; obj: a relocatable
                       object defining gw_module; llvm: LLVM IR text
  --cpu CPU            CPU to tune for (default x86-64-v2 / generic; native)
  --cache-dir DIR      cache directory (default $GODWIT_CACHE or ~/.cache/godwit)
  --no-cr              no checkpoint/restore instrumentation (the program
                       cannot checkpoint; for comparison)
  -h, --help           show this help
`;

const RUN_HELP = `Usage: godwit run IN [options] [-- program args]

Compiles a module (cached by its hash and the options) and runs it with
WASI preview 1. The program's exit code becomes godwit's.

Options:
  -O, --opt-level N      optimization level 0-3 (default 2)
  --cpu CPU              CPU to tune for (default x86-64-v2; native)
  --dir HOST[::GUEST]    preopen a host directory (repeatable)
  --env K=V              set an environment variable (repeatable)
  --max-call-depth N     call depth limit (default 100000)
  --max-memory SIZE      bound of each linear memory: bytes (K, M, G
                         suffixes) or pages (p suffix); memory.grow past it
                         returns -1
  --cache-dir DIR        cache directory
  --no-cr                build without checkpoint/restore instrumentation

Checkpoint/restore (SIGUSR1 to the program always requests a checkpoint):
  --snapshot FILE        snapshot file (default ./godwit.snapshot)
  --checkpoint-after N   checkpoint at the N-th migration point reached
  --checkpoint-every S   checkpoint every S seconds
  --continue             keep running after a checkpoint (default: stop,
                         exit status 85)
  --restore FILE         resume from a snapshot (arguments, environment and
                         open files come from it; each preopened directory
                         GUEST it has needs --dir HOST::GUEST)
  --trust-snapshot-paths with --restore: open a preopen no --dir grants at
                         the host path recorded in the snapshot
  -h, --help             show this help

Arguments after IN that are not options, and everything after --, are
passed to the program.
`;

const INSPECT_HELP = `Usage: godwit inspect FILE [--module IN]

Shows a snapshot written by a Godwit program: why and where it stopped (the
call stack with locals and operand stacks), globals, tables, memories and
the WASI state. With --module (the .wasm or .wat it was compiled from), also
checks that the snapshot belongs to that module and names functions and
instructions.

Options:
  --module IN    the module the program was compiled from
  -h, --help     show this help
`;

const SPEC_HELP = `Usage: godwit spec [options]

Runs the WebAssembly spec test suite through Godwit (spec/main.ts); see
'godwit spec --help' for its options.
`;

const COMMANDS: Record<string, Command> = {
  compile: {
    summary: "compile a module to a native program",
    help: COMPILE_HELP,
    run: compileCommand,
  },
  run: {
    summary: "compile (cached) and run a module",
    help: RUN_HELP,
    run: runCommand,
  },
  inspect: {
    summary: "show a snapshot file",
    help: INSPECT_HELP,
    run: inspectCmd,
  },
  spec: {
    summary: "run the WebAssembly spec test suite",
    help: SPEC_HELP,
    run: specCommand,
  },
};

function topHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) =>
    `  ${name.padEnd(width)}  ${c.summary}`
  );
  return `Usage: godwit <command> [options]

Godwit compiles WebAssembly ahead of time to native code.

Commands:
${lines.join("\n")}

Options:
  -h, --help     show this help (also: godwit <command> --help)
  -V, --version  show the version
`;
}

function print(text: string): void {
  Deno.stdout.writeSync(new TextEncoder().encode(text));
}

function printError(text: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(`godwit: ${text}\n`));
}

/** parseArgs, with its errors turned into a {@link UsageError}. */
function parse<T extends Parameters<typeof parseArgs>[0]>(
  command: string,
  config: T,
) {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError((error as Error).message, command);
  }
}

function parseOptLevel(
  value: string | undefined,
  command: string,
): 0 | 1 | 2 | 3 | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-3]$/.test(value)) {
    throw new UsageError(
      `invalid optimization level '${value}' (expected 0-3)`,
      command,
    );
  }
  return Number(value) as 0 | 1 | 2 | 3;
}

function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  what: string,
  command: string,
): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) {
    throw new UsageError(
      `unknown ${what} '${value}' (expected ${allowed.join(", ")})`,
      command,
    );
  }
  return value as T;
}

/** Compiles with a progress line on a terminal. */
async function compileWithProgress(
  wasm: Uint8Array,
  options: CompileOptions,
): Promise<void> {
  const progress = createProgress();
  try {
    await compile(wasm, {
      ...options,
      onProgress: (stage) => progress.stage(stage),
    });
  } finally {
    progress.done();
  }
}

async function compileCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse("compile", {
    args,
    allowPositionals: true,
    options: {
      output: { type: "string", short: "o" },
      "opt-level": { type: "string", short: "O" },
      target: { type: "string" },
      emit: { type: "string" },
      cpu: { type: "string" },
      "cache-dir": { type: "string" },
      "no-cr": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    print(COMPILE_HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? "no input file"
        : `expected one input file, got ${positionals.length}`,
      "compile",
    );
  }
  if (!values.output) {
    throw new UsageError("no output file (use -o OUT)", "compile");
  }
  // Options are checked before the input is read: usage errors come first.
  const options: CompileOptions = {
    output: values.output as string,
    optLevel: parseOptLevel(
      values["opt-level"] as string | undefined,
      "compile",
    ),
    target: oneOf<Target>(
      values.target as string | undefined,
      ["x86_64", "aarch64"],
      "target",
      "compile",
    ),
    emit: oneOf<EmitKind>(
      values.emit as string | undefined,
      ["exe", "shared", "obj", "llvm"],
      "output kind",
      "compile",
    ),
    cpu: values.cpu as string | undefined,
    cacheDir: values["cache-dir"] as string | undefined,
    ...(values["no-cr"] ? { cr: false } : {}),
  };
  await compileWithProgress(await readInput(positionals[0]), options);
  return 0;
}

async function runCommand(args: string[]): Promise<number> {
  const dashDash = args.indexOf("--");
  const own = dashDash < 0 ? args : args.slice(0, dashDash);
  const afterDashDash = dashDash < 0 ? [] : args.slice(dashDash + 1);
  const { values, positionals } = parse("run", {
    args: own,
    allowPositionals: true,
    options: {
      "opt-level": { type: "string", short: "O" },
      cpu: { type: "string" },
      dir: { type: "string", multiple: true },
      env: { type: "string", multiple: true },
      "max-call-depth": { type: "string" },
      "max-memory": { type: "string" },
      "cache-dir": { type: "string" },
      "no-cr": { type: "boolean" },
      snapshot: { type: "string" },
      "trust-snapshot-paths": { type: "boolean" },
      "checkpoint-after": { type: "string" },
      "checkpoint-every": { type: "string" },
      continue: { type: "boolean" },
      restore: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    print(RUN_HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError("no input file", "run");
  const [input, ...programArgs] = positionals;
  const optLevel =
    parseOptLevel(values["opt-level"] as string | undefined, "run") ?? 2;
  const cpu = (values.cpu as string | undefined) ?? "x86-64-v2";
  const depth = values["max-call-depth"] as string | undefined;
  if (depth !== undefined && !/^[1-9][0-9]*$/.test(depth)) {
    throw new UsageError(
      `invalid call depth '${depth}' (expected a positive integer)`,
      "run",
    );
  }
  const cacheDir = (values["cache-dir"] as string | undefined) ??
    defaultCacheDir();
  const cr = !values["no-cr"];
  const after = values["checkpoint-after"] as string | undefined;
  if (after !== undefined && !/^[1-9][0-9]*$/.test(after)) {
    throw new UsageError(
      `invalid --checkpoint-after '${after}' (expected a positive integer)`,
      "run",
    );
  }
  const every = values["checkpoint-every"] as string | undefined;
  if (every !== undefined && !(Number(every) > 0)) {
    throw new UsageError(
      `invalid --checkpoint-every '${every}' (expected a positive number of seconds)`,
      "run",
    );
  }
  const restore = values.restore as string | undefined;
  if (
    restore !== undefined &&
    (programArgs.length > 0 || afterDashDash.length > 0 || values.env)
  ) {
    throw new UsageError(
      "--restore takes the program's arguments and environment from the snapshot",
      "run",
    );
  }
  if (!cr && (after !== undefined || every !== undefined || restore)) {
    throw new UsageError(
      "--no-cr builds cannot checkpoint or restore",
      "run",
    );
  }

  const wasm = await readInput(input);
  const key = await hashParts([
    await compilerFingerprint(),
    toHex(await moduleHash(wasm)),
    String(optLevel),
    cpu,
    cr ? "cr" : "no-cr",
  ]);
  const executable = `${cacheDir}/exe/${key.slice(0, 32)}`;
  if (!exists(executable)) {
    await Deno.mkdir(`${cacheDir}/exe`, { recursive: true });
    // Build under a private name, then rename: concurrent runs never see half a file.
    const partial = `${executable}.tmp-${Deno.pid}`;
    try {
      await compileWithProgress(wasm, {
        output: partial,
        optLevel,
        cpu,
        cacheDir,
        ...(cr ? {} : { cr: false }),
      });
      await Deno.rename(partial, executable);
    } finally {
      await Deno.remove(partial).catch(() => {});
    }
  }

  const runtimeArgs: string[] = [];
  for (const dir of (values.dir as string[] | undefined) ?? []) {
    runtimeArgs.push("--dir", dir);
  }
  for (const env of (values.env as string[] | undefined) ?? []) {
    runtimeArgs.push("--env", env);
  }
  if (depth !== undefined) runtimeArgs.push("--max-call-depth", depth);
  const maxMemory = values["max-memory"] as string | undefined;
  if (maxMemory !== undefined) runtimeArgs.push("--max-memory", maxMemory);
  if (values["trust-snapshot-paths"]) {
    runtimeArgs.push("--trust-snapshot-paths");
  }
  const snapshot = values.snapshot as string | undefined;
  if (snapshot !== undefined) runtimeArgs.push("--snapshot", snapshot);
  if (after !== undefined) runtimeArgs.push("--checkpoint-after", after);
  if (every !== undefined) runtimeArgs.push("--checkpoint-every", every);
  if (values.continue) runtimeArgs.push("--continue");
  if (restore !== undefined) runtimeArgs.push("--restore", restore);
  return await execProgram(executable, [
    ...runtimeArgs,
    "--",
    ...programArgs,
    ...afterDashDash,
  ]);
}

async function inspectCmd(args: string[]): Promise<number> {
  const { values, positionals } = parse("inspect", {
    args,
    allowPositionals: true,
    options: {
      module: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    print(INSPECT_HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? "no snapshot file"
        : `expected one snapshot file, got ${positionals.length}`,
      "inspect",
    );
  }
  const { inspectCommand } = await import("./snapshot/inspect.ts");
  print(
    await inspectCommand(
      positionals[0],
      values.module as string | undefined,
    ),
  );
  return 0;
}

async function specCommand(args: string[]): Promise<number> {
  // Loaded on demand: the harness is large and most commands never need it.
  const spec = await import("../spec/main.ts");
  return await spec.main(args);
}

/** Runs a program with inherited stdio; returns its exit code (128+n for signal n). */
async function execProgram(path: string, args: string[]): Promise<number> {
  const child = new Deno.Command(path, {
    args,
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  // The terminal sends SIGINT to the whole group: outlive the child and
  // report its status. SIGTERM sent to godwit alone is passed on.
  const forwardTerm = () => child.kill("SIGTERM");
  const ignoreInt = () => {};
  Deno.addSignalListener("SIGINT", ignoreInt);
  Deno.addSignalListener("SIGTERM", forwardTerm);
  try {
    const status = await child.status;
    return status.code;
  } finally {
    Deno.removeSignalListener("SIGINT", ignoreInt);
    Deno.removeSignalListener("SIGTERM", forwardTerm);
  }
}

/** Whether an error is the front end's (including text-format parse errors). */
function isModuleError(error: unknown): error is Error {
  return error instanceof WasmError ||
    (error instanceof Error &&
      (error.name === "WasmError" || error.name === "WatError"));
}

/**
 * Runs the CLI with `args` (without the program name) and returns the exit
 * code. Prints results to stdout and errors to stderr; never throws.
 */
export async function main(args: string[]): Promise<number> {
  try {
    const [first, ...rest] = args;
    if (
      first === undefined || first === "-h" || first === "--help" ||
      first === "help"
    ) {
      print(topHelp());
      return first === undefined ? 2 : 0;
    }
    if (first === "-V" || first === "--version") {
      print(`godwit ${VERSION}\n`);
      return 0;
    }
    const command = COMMANDS[first];
    if (!command) {
      throw new UsageError(
        first.startsWith("-")
          ? `unknown option '${first}'`
          : `unknown command '${first}'`,
      );
    }
    return await command.run(rest);
  } catch (error) {
    return reportError(error);
  }
}

/** Prints an error for the user and returns the exit code for it. */
function reportError(error: unknown): number {
  if (error instanceof UsageError) {
    const help = error.command
      ? `godwit ${error.command} --help`
      : "godwit --help";
    printError(`error: ${error.message}\n(see '${help}')`);
    return 2;
  }
  if (
    isModuleError(error) || error instanceof InputError ||
    error instanceof ToolNotFoundError || error instanceof CompileError ||
    (error instanceof Error && error.name === "SnapshotError")
  ) {
    printError(`error: ${error.message}`);
    return 1;
  }
  if (Deno.env.get("GODWIT_DEBUG")) {
    printError(
      `internal error: ${error instanceof Error ? error.stack : String(error)}`,
    );
  } else {
    const message = error instanceof Error ? error.message : String(error);
    printError(
      `internal error: ${
        message.split("\n")[0]
      } (set GODWIT_DEBUG=1 for details)`,
    );
  }
  return 70;
}
