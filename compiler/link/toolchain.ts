/**
 * Finding and running the external tools of the back end: LLVM 14's `opt`
 * and `llc`, the C compiler (cc, or the aarch64 cross compiler) and `ar`.
 * A missing tool is a {@link ToolNotFoundError} that says how to install it;
 * a tool that fails is a {@link CompileError} with its stderr summarized.
 *
 * Each tool can be overridden with an environment variable (GODWIT_OPT,
 * GODWIT_LLC, GODWIT_CC, GODWIT_AR), which also lets tests simulate a
 * machine without it.
 *
 * @module
 */

/** Target architectures Godwit compiles for. */
export type Target = "x86_64" | "aarch64";

/** The external tools the back end runs. */
export type ToolName = "opt" | "llc" | "cc" | "ar";

/** A required tool is not installed. */
export class ToolNotFoundError extends Error {
  /** Which tool is missing. */
  readonly tool: ToolName;
  /** Builds the message `'llc' (LLVM 14) not found: run scripts/setup.sh`. */
  constructor(tool: ToolName, description: string) {
    super(`'${tool}' (${description}) not found: run scripts/setup.sh`);
    this.name = "ToolNotFoundError";
    this.tool = tool;
  }
}

/** An external step of the compilation failed. */
export class CompileError extends Error {
  /** Builds the error; `message` is already meant for the user. */
  constructor(message: string) {
    super(message);
    this.name = "CompileError";
  }
}

/** LLVM target triple per target. */
export const TARGET_TRIPLES: Record<Target, string> = {
  x86_64: "x86_64-pc-linux-gnu",
  aarch64: "aarch64-unknown-linux-gnu",
};

/** Default CPU baseline per target (see docs: x86-64-v2 = SSE4.2, POPCNT). */
export const DEFAULT_CPUS: Record<Target, string> = {
  x86_64: "x86-64-v2",
  aarch64: "generic",
};

interface ToolSpec {
  env: string;
  description: string;
  candidates: Record<Target, string[]>;
}

const TOOL_SPECS: Record<ToolName, ToolSpec> = {
  opt: {
    env: "GODWIT_OPT",
    description: "LLVM 14",
    candidates: { x86_64: ["opt-14", "opt"], aarch64: ["opt-14", "opt"] },
  },
  llc: {
    env: "GODWIT_LLC",
    description: "LLVM 14",
    candidates: { x86_64: ["llc-14", "llc"], aarch64: ["llc-14", "llc"] },
  },
  cc: {
    env: "GODWIT_CC",
    description: "C compiler",
    candidates: {
      x86_64: ["cc", "gcc", "clang-14", "clang"],
      aarch64: ["aarch64-linux-gnu-gcc"],
    },
  },
  ar: {
    env: "GODWIT_AR",
    description: "archiver",
    candidates: {
      x86_64: ["ar", "llvm-ar-14", "llvm-ar"],
      aarch64: ["aarch64-linux-gnu-ar", "llvm-ar-14", "llvm-ar"],
    },
  },
};

const resolved = new Map<string, string>();

/** The directories of $PATH. */
function pathDirs(): string[] {
  return (Deno.env.get("PATH") ?? "/usr/local/bin:/usr/bin:/bin").split(":")
    .filter((d) => d !== "");
}

function isExecutableFile(path: string): boolean {
  try {
    const info = Deno.statSync(path);
    return info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0;
  } catch {
    return false;
  }
}

function which(command: string): string | undefined {
  if (command.includes("/")) {
    return isExecutableFile(command) ? command : undefined;
  }
  for (const dir of pathDirs()) {
    const path = `${dir}/${command}`;
    if (isExecutableFile(path)) return path;
  }
  return undefined;
}

/**
 * The path of `tool` for `target`: the environment override when set
 * (which must exist), else the first candidate found on $PATH.
 * Throws {@link ToolNotFoundError}.
 */
export function findTool(tool: ToolName, target: Target = "x86_64"): string {
  const spec = TOOL_SPECS[tool];
  const override = Deno.env.get(spec.env);
  const key = `${tool}:${target}:${override ?? ""}`;
  const cached = resolved.get(key);
  if (cached) return cached;
  const candidates = override ? [override] : spec.candidates[target];
  for (const candidate of candidates) {
    const path = which(candidate);
    if (path) {
      resolved.set(key, path);
      return path;
    }
  }
  const description = tool === "cc" && target === "aarch64"
    ? "aarch64-linux-gnu-gcc cross compiler"
    : spec.description;
  throw new ToolNotFoundError(tool, description);
}

/** Output of a finished tool run. */
export interface ToolOutput {
  stdout: string;
  stderr: string;
}

/** Longest stderr excerpt put into a {@link CompileError}. */
const MAX_STDERR_LINES = 20;

/** The first lines of a tool's stderr, for an error message. */
export function summarizeStderr(stderr: string): string {
  const lines = stderr.split("\n").filter((l) => l.trim() !== "");
  if (lines.length <= MAX_STDERR_LINES) return lines.join("\n");
  return [
    ...lines.slice(0, MAX_STDERR_LINES),
    `... (${lines.length - MAX_STDERR_LINES} more lines)`,
  ].join("\n");
}

/**
 * Runs `path args...` to completion. Throws {@link CompileError} naming the
 * `step` when it exits non-zero or dies from a signal.
 */
export async function runTool(
  step: string,
  path: string,
  args: string[],
  options: { cwd?: string } = {},
): Promise<ToolOutput> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(path, {
      args,
      cwd: options.cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new CompileError(`${step}: cannot run ${path}: not found`);
    }
    throw error;
  }
  const decoder = new TextDecoder();
  const stdout = decoder.decode(output.stdout);
  const stderr = decoder.decode(output.stderr);
  if (!output.success) {
    const how = output.signal
      ? `was killed by ${output.signal}`
      : `failed (exit ${output.code})`;
    const tool = path.split("/").pop();
    const details = summarizeStderr(stderr);
    throw new CompileError(
      `${step}: ${tool} ${how}${details ? `:\n${details}` : ""}`,
    );
  }
  return { stdout, stderr };
}

/** Runs async tasks with at most `limit` in flight; results in order. */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
  return results;
}
