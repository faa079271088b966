/**
 * Builds the spec driver (`spec/spec_driver.c`, the executable the harness
 * loads compiled modules into) against the runtime library. The driver is
 * the harness's own program: it is not part of the runtime that users'
 * programs link, nor of their compile cache key; its build is cached on its
 * own, keyed by the runtime build, its source, the compiler and the flags.
 *
 * @module
 */

import {
  buildDirAtomically,
  defaultCacheDir,
  ensureRuntime,
  exists,
  hashParts,
} from "../compiler/link/runtime_lib.ts";
import {
  CompileError,
  findTool,
  runTool,
  type Target,
} from "../compiler/link/toolchain.ts";

/** Where the driver's source lives, relative to this file. */
const DRIVER_URL = new URL("./spec_driver.c", import.meta.url);

/**
 * Linked with `-rdynamic` and the whole runtime archive, so that shared
 * objects built with `emit: "shared"` resolve every runtime symbol from it.
 */
const DRIVER_FLAGS = ["-O2", "-g", "-rdynamic"];

async function readDriverSource(): Promise<Uint8Array> {
  if (DRIVER_URL.protocol === "file:") return await Deno.readFile(DRIVER_URL);
  const response = await fetch(DRIVER_URL);
  if (!response.ok) {
    await response.body?.cancel();
    throw new CompileError(
      `cannot fetch ${DRIVER_URL.href}: HTTP ${response.status}`,
    );
  }
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * The spec driver built for `target` in `cacheDir` (building the runtime
 * and the driver if needed); returns the executable's path.
 */
export async function buildSpecDriver(
  target: Target = "x86_64",
  cacheDir: string = defaultCacheDir(),
): Promise<string> {
  const rt = await ensureRuntime(target, cacheDir);
  const source = await readDriverSource();
  const cc = findTool("cc", target);
  const key = await hashParts([rt.key, cc, ...DRIVER_FLAGS, source]);
  const dir = `${cacheDir}/spec_driver/${target}-${key.slice(0, 24)}`;
  const executable = `${dir}/spec_driver`;
  await buildDirAtomically(dir, async (temp) => {
    await Deno.writeFile(`${temp}/spec_driver.c`, source);
    await runTool("building spec_driver", cc, [
      ...DRIVER_FLAGS,
      "-I",
      rt.includeDir,
      `${temp}/spec_driver.c`,
      "-Wl,--whole-archive",
      rt.library,
      "-Wl,--no-whole-archive",
      "-ldl",
      "-lm",
      "-lpthread",
      "-o",
      `${temp}/spec_driver`,
    ]);
  });
  if (!exists(executable)) {
    throw new CompileError("building spec_driver: no output");
  }
  return executable;
}
