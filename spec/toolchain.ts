/**
 * What the harness needs from the compiler: text to bytes (wabt), decode +
 * validate, and AOT compilation to a cached shared object. Compiled modules
 * are cached by SHA-256 of (compiler sources, options, module bytes), so a
 * rerun only compiles what changed.
 *
 * @module
 */

import { compile, type Target } from "../compiler/driver.ts";
import { decodeModule } from "../compiler/decode/decoder.ts";
import { validateModule } from "../compiler/decode/validator.ts";
import { WasmError } from "../compiler/decode/errors.ts";
import { type TextFeatures, watToWasm } from "../compiler/frontend/wat.ts";

export { WasmError, watToWasm };
export type { Target };

/** Which proposals module text may use (see {@link watToWasm}). */
export type { TextFeatures };

/** Decodes and validates; throws WasmError when the module is rejected. */
export function checkModule(bytes: Uint8Array): void {
  validateModule(decodeModule(bytes));
}

async function sha256Hex(data: Uint8Array | string): Promise<string> {
  const bytes = typeof data === "string"
    ? new TextEncoder().encode(data)
    : data;
  const digest = await crypto.subtle.digest(
    "SHA-256",
    bytes as Uint8Array<ArrayBuffer>,
  );
  return Array.from(
    new Uint8Array(digest),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
}

/**
 * Source files whose change invalidates compiled modules: the compiler and
 * the runtime's headers (a module's .so is its code plus its descriptor,
 * compiled against godwit.h; the runtime's .c files live in the spec
 * driver, which spec/driver_build.ts rebuilds on its own).
 */
async function compilerVersion(): Promise<string> {
  const root = new URL("../", import.meta.url);
  const parts: string[] = [];
  const walk = async (dir: URL, rel: string) => {
    const entries: Deno.DirEntry[] = [];
    for await (const e of Deno.readDir(dir)) entries.push(e);
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (e.isDirectory && e.name !== "tests") {
        await walk(new URL(`${e.name}/`, dir), `${rel}${e.name}/`);
      } else if (
        e.isFile && /\.(ts|c|h|ll)$/.test(e.name) &&
        !e.name.endsWith("_test.ts") &&
        (rel !== "runtime/" || e.name.endsWith(".h"))
      ) {
        parts.push(
          rel + e.name,
          await sha256Hex(await Deno.readFile(new URL(e.name, dir))),
        );
      }
    }
  };
  if (root.protocol !== "file:") return "remote";
  await walk(new URL("compiler/", root), "compiler/");
  await walk(new URL("runtime/", root), "runtime/");
  return await sha256Hex(parts.join("\n"));
}

/** A counting semaphore (FIFO). */
export class Semaphore {
  #free: number;
  readonly #waiting: (() => void)[] = [];
  /** Allows `permits` holders at once. */
  constructor(permits: number) {
    this.#free = permits;
  }
  /** Runs `fn` while holding a permit. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    }
  }
}

/** Compiles modules to shared objects, cached on disk and deduplicated. */
export class ModuleCompiler {
  readonly #dir: string;
  readonly #optLevel: 0 | 1 | 2 | 3;
  readonly #target: Target;
  readonly #pollEverywhere: boolean;
  readonly #limit: Semaphore;
  readonly #pending = new Map<string, Promise<string>>();
  #version?: Promise<string>;

  /**
   * Caches into `cacheDir`, running at most `jobs` compiles at once, for
   * `target` (default x86_64); `pollEverywhere` builds with a poll at every
   * migration point (CompileOptions.crPollEverywhere, for `--cr`).
   */
  constructor(
    cacheDir: string,
    optLevel: 0 | 1 | 2 | 3,
    jobs: number,
    target: Target = "x86_64",
    pollEverywhere = false,
  ) {
    this.#dir = cacheDir;
    this.#optLevel = optLevel;
    this.#target = target;
    this.#pollEverywhere = pollEverywhere;
    this.#limit = new Semaphore(jobs);
  }

  /** Returns the path of the module's shared object, compiling if needed. */
  async compile(bytes: Uint8Array): Promise<string> {
    this.#version ??= compilerVersion();
    // x86_64 keys are unchanged by the target option (existing caches stay valid).
    const target = this.#target === "x86_64" ? "" : ` ${this.#target}`;
    const polls = this.#pollEverywhere ? " polls=all" : "";
    const key = await sha256Hex(
      `${await this
        .#version} O${this.#optLevel}${target}${polls} ${await sha256Hex(
          bytes,
        )}`,
    );
    let p = this.#pending.get(key);
    if (!p) {
      p = this.#build(key, bytes);
      this.#pending.set(key, p);
    }
    return await p;
  }

  async #build(key: string, bytes: Uint8Array): Promise<string> {
    const output = `${this.#dir}/${key}.so`;
    try {
      await Deno.stat(output);
      return output;
    } catch {
      // Not cached yet.
    }
    return await this.#limit.run(async () => {
      await Deno.mkdir(this.#dir, { recursive: true });
      const tmp = `${output}.${crypto.randomUUID()}.tmp`;
      try {
        await compile(bytes, {
          output: tmp,
          emit: "shared",
          optLevel: this.#optLevel,
          target: this.#target,
          crPollEverywhere: this.#pollEverywhere,
        });
        await Deno.rename(tmp, output);
      } finally {
        await Deno.remove(tmp).catch(() => {});
      }
      return output;
    });
  }
}
