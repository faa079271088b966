/**
 * The runtime's C sources that the C test programs link, by part, as
 * absolute paths (one list for every test that builds them).
 *
 * @module
 */

const RUNTIME = new URL("../", import.meta.url).pathname;
const paths = (names: string[]) => names.map((n) => RUNTIME + n);

/** Checkpoint/restore and what it needs (no instance.c, no WASI). */
export const CR_SOURCES: readonly string[] = paths([
  "checkpoint.c",
  "snapshot.c",
  "snapshot_json.c",
  "snapshot_deflate.c",
  "exec.c",
  "trap.c",
  "memory.c",
  "table.c",
  "types.c",
]);

/** WASI preview 1 (its state's JSON needs snapshot_json.c). */
export const WASI_SOURCES: readonly string[] = paths([
  "wasi.c",
  "wasi_fs.c",
  "wasi_path.c",
  "wasi_poll.c",
  "wasi_state.c",
]);

/** instance.c: gw_instantiate and exports. */
export const INSTANCE_SOURCE: string = RUNTIME + "instance.c";
/** snapshot_json.c: the JSON reader and writer. */
export const JSON_SOURCE: string = RUNTIME + "snapshot_json.c";

/** Flags of the C test programs: the runtime must stay warning-free. */
export const TEST_CFLAGS: readonly string[] = [
  "-Wall",
  "-Wextra",
  "-Werror",
  "-O2",
];
