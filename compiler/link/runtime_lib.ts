/**
 * Builds the C runtime (runtime/*.c) into a cached static library plus the
 * object of the produced programs' main (`main.c`). The spec harness's
 * driver is not part of it (spec/driver_build.ts builds it on its own).
 *
 * The sources are read relative to this module's URL, so the compiler also
 * works when imported over HTTP: they are copied into the cache directory and
 * built there. A build is keyed by the SHA-256 of the sources, the target and
 * the compiler and flags; it is built in a private temporary directory and
 * renamed into place, so parallel processes never see a half-built one.
 *
 * @module
 */

import { findTool, runTool, type Target } from "./toolchain.ts";

/** Where the runtime sources live, relative to this file. */
const RUNTIME_URL = new URL("../../runtime/", import.meta.url);

/**
 * Runtime files fetched when the sources are not on the local file system
 * (a local checkout is listed instead; a test keeps the two in sync).
 */
export const RUNTIME_FILES: readonly string[] = [
  "checkpoint.c",
  "exec.c",
  "godwit.h",
  "instance.c",
  "internal.h",
  "main.c",
  "memory.c",
  "snapshot.c",
  "snapshot.h",
  "snapshot_deflate.c",
  "snapshot_internal.h",
  "snapshot_json.c",
  "table.c",
  "trap.c",
  "types.c",
  "wasi.c",
  "wasi.h",
  "wasi_fs.c",
  "wasi_internal.h",
  "wasi_path.c",
  "wasi_poll.c",
  "wasi_state.c",
];

/** Runtime files that define `main` and so are not part of the library. */
export const RUNTIME_MAINS: readonly string[] = ["main.c"];

/** Bumped when the layout of a runtime build directory changes. */
const BUILD_LAYOUT_VERSION = "1";

/** Flags every runtime C file is compiled with. */
export const RUNTIME_CFLAGS: readonly string[] = [
  "-O2",
  "-g",
  "-fPIC",
  "-fno-strict-aliasing",
];

/**
 * Extra flags per target. aarch64-linux-gnu-gcc 12.2 at -O1 and above
 * miscompiles a loop storing through a struct pointer (the snapshot
 * compressor's `assign_codes`): after ivopts rewrites the store's address,
 * the late pure-const/modref analyses conclude the function writes no
 * memory and callers drop the call, so snapshots written on aarch64 held
 * corrupt zlib streams. Without those two analyses the code is correct.
 */
export const TARGET_CFLAGS: Readonly<Record<Target, readonly string[]>> = {
  x86_64: [],
  aarch64: ["-fno-ipa-pure-const", "-fno-ipa-modref"],
};

/** A built runtime in the cache. */
export interface RuntimeBuild {
  /** The build directory. */
  dir: string;
  /** Directory holding the sources (godwit.h etc.): use as `-I`. */
  includeDir: string;
  /** The static library of all non-main runtime files. */
  library: string;
  /** Object of the produced programs' main (runtime/main.c), if present. */
  mainObject?: string;
  /** The hex key of this build. */
  key: string;
}

/** The file names and contents of the runtime sources. */
export async function readRuntimeSources(
  baseUrl: URL = RUNTIME_URL,
): Promise<Map<string, Uint8Array>> {
  const sources = new Map<string, Uint8Array>();
  if (baseUrl.protocol === "file:") {
    const names: string[] = [];
    for (const entry of Deno.readDirSync(baseUrl)) {
      if (entry.isFile && /\.[ch]$/.test(entry.name)) names.push(entry.name);
    }
    names.sort();
    for (const name of names) {
      sources.set(name, await Deno.readFile(new URL(name, baseUrl)));
    }
    return sources;
  }
  await Promise.all(RUNTIME_FILES.map(async (name) => {
    const response = await fetch(new URL(name, baseUrl));
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(
        `cannot fetch runtime source ${name}: HTTP ${response.status}`,
      );
    }
    sources.set(name, new Uint8Array(await response.arrayBuffer()));
  }));
  return new Map([...sources].sort(([a], [b]) => a < b ? -1 : 1));
}

/** Lowercase hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** SHA-256 (hex) of strings and byte arrays, each length-prefixed. */
export async function hashParts(
  parts: (string | Uint8Array)[],
): Promise<string> {
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [];
  for (const part of parts) {
    const bytes = typeof part === "string" ? encoder.encode(part) : part;
    chunks.push(encoder.encode(`${bytes.length}:`), bytes);
  }
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const all = new Uint8Array(total);
  let pos = 0;
  for (const chunk of chunks) {
    all.set(chunk, pos);
    pos += chunk.length;
  }
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", all)));
}

/** The default cache directory: $GODWIT_CACHE, else ~/.cache/godwit. */
export function defaultCacheDir(): string {
  const fromEnv = Deno.env.get("GODWIT_CACHE");
  if (fromEnv) return fromEnv;
  const xdg = Deno.env.get("XDG_CACHE_HOME");
  if (xdg) return `${xdg}/godwit`;
  const home = Deno.env.get("HOME");
  return home ? `${home}/.cache/godwit` : `${Deno.cwd()}/.cache/godwit`;
}

/**
 * Creates `finalDir` by running `build` in a fresh temporary sibling and
 * renaming it into place. When another process got there first, its
 * directory is kept and ours discarded.
 */
export async function buildDirAtomically(
  finalDir: string,
  build: (tempDir: string) => Promise<void>,
): Promise<void> {
  if (exists(finalDir)) return;
  const parent = finalDir.slice(0, finalDir.lastIndexOf("/"));
  await Deno.mkdir(parent, { recursive: true });
  const tempDir = await Deno.makeTempDir({ dir: parent, prefix: ".tmp-" });
  try {
    await build(tempDir);
    try {
      await Deno.rename(tempDir, finalDir);
    } catch (error) {
      if (!exists(finalDir)) throw error;
    }
  } finally {
    await Deno.remove(tempDir, { recursive: true }).catch(() => {});
  }
}

/** Whether a path exists. */
export function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

const builds = new Map<string, Promise<RuntimeBuild>>();
let cachedSources: Promise<Map<string, Uint8Array>> | undefined;

/**
 * The runtime sources next to this module, read once per process (a
 * process compiling thousands of modules reads them once).
 */
export function runtimeSources(): Promise<Map<string, Uint8Array>> {
  if (!cachedSources) {
    cachedSources = readRuntimeSources();
    cachedSources.catch(() => cachedSources = undefined);
  }
  return cachedSources;
}

/**
 * The runtime built for `target` in `cacheDir`, building it if needed.
 * Concurrent calls in one process share one build. `onStarted` is called
 * once a new build's compiler processes are running (they then make
 * progress even while the caller's thread is busy); it is not called when
 * the build is cached or already under way.
 */
export async function ensureRuntime(
  target: Target,
  cacheDir: string,
  onStarted?: () => void,
): Promise<RuntimeBuild> {
  const sources = await runtimeSources();
  const cc = findTool("cc", target);
  const key = await hashParts([
    BUILD_LAYOUT_VERSION,
    target,
    cc,
    ...RUNTIME_CFLAGS,
    ...TARGET_CFLAGS[target],
    ...[...sources].flatMap(([name, bytes]) => [name, bytes]),
  ]);
  const memoKey = `${cacheDir}\0${key}`;
  let build = builds.get(memoKey);
  if (!build) {
    build = buildRuntime(target, cacheDir, key, sources, cc, onStarted);
    builds.set(memoKey, build);
    build.catch(() => builds.delete(memoKey));
  }
  return await build;
}

async function buildRuntime(
  target: Target,
  cacheDir: string,
  key: string,
  sources: Map<string, Uint8Array>,
  cc: string,
  onStarted?: () => void,
): Promise<RuntimeBuild> {
  const dir = `${cacheDir}/runtime/${target}-${key.slice(0, 24)}`;
  const names = [...sources.keys()];
  const librarySources = names.filter((n) =>
    n.endsWith(".c") && !RUNTIME_MAINS.includes(n)
  );
  const hasMain = names.includes("main.c");
  await buildDirAtomically(dir, async (temp) => {
    // Synchronous writes and spawns: the compilers are running before the
    // caller's next synchronous stage (code generation) blocks the thread.
    Deno.mkdirSync(`${temp}/src`);
    for (const [name, bytes] of sources) {
      Deno.writeFileSync(`${temp}/src/${name}`, bytes);
    }
    const all = [...librarySources, ...(hasMain ? ["main.c"] : [])];
    // Two compiler processes (the machines we target have few cores), each
    // compiling half of the files into the build directory (its cwd).
    const halves = [
      all.filter((_, i) => i % 2 === 0),
      all.filter((_, i) => i % 2 === 1),
    ]
      .filter((half) => half.length > 0);
    const compiles = halves.map((half) =>
      runTool("building the runtime", cc, [
        ...RUNTIME_CFLAGS,
        ...TARGET_CFLAGS[target],
        "-I",
        `${temp}/src`,
        "-c",
        ...half.map((name) => `${temp}/src/${name}`),
      ], { cwd: temp })
    );
    onStarted?.();
    await Promise.all(compiles);
    const objects = librarySources.map((n) =>
      `${temp}/${n.replace(/\.c$/, ".o")}`
    );
    await runTool("building the runtime library", findTool("ar", target), [
      "rcs",
      `${temp}/libgodwit_rt.a`,
      ...objects,
    ]);
    for (const o of objects) await Deno.remove(o);
  });
  return {
    dir,
    includeDir: `${dir}/src`,
    library: `${dir}/libgodwit_rt.a`,
    mainObject: hasMain ? `${dir}/main.o` : undefined,
    key,
  };
}
