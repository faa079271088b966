/**
 * Runs a WASI command module in V8 (Deno's own WebAssembly), for the
 * benchmarks' V8 column: `deno run -A scripts/v8_wasi.ts MODULE.wasm
 * [ARGS...]`. A tiny WASI preview 1: arguments, stdout/stderr writes, exit;
 * every other call fails with ENOSYS (enough for programs that compute and
 * print, like testdata's kernels). Exits with the module's status; a trap
 * prints `v8: trap: MESSAGE` and exits 134.
 *
 * @module
 */

const ESUCCESS = 0;
const EBADF = 8;
const ENOSYS = 52;
const ESPIPE = 70;

/** Thrown by proc_exit to unwind out of the module. */
class Exit {
  constructor(readonly code: number) {}
}

/** Runs the module with argv (argv[0] first); returns its exit status. */
export function runWasi(
  bytes: Uint8Array<ArrayBuffer>,
  argv: string[],
): number {
  const encoder = new TextEncoder();
  const args = argv.map((a) => encoder.encode(`${a}\0`));
  // Set once the module is instantiated (its imports need it first).
  const exported: { memory?: WebAssembly.Memory } = {};
  const view = () => new DataView(exported.memory!.buffer);
  const wasi: Record<string, (...a: number[]) => number> = {
    args_sizes_get(countPtr, sizePtr) {
      view().setUint32(countPtr, args.length, true);
      view().setUint32(sizePtr, args.reduce((s, a) => s + a.length, 0), true);
      return ESUCCESS;
    },
    args_get(argvPtr, bufPtr) {
      const bytes = new Uint8Array(exported.memory!.buffer);
      args.forEach((a, i) => {
        view().setUint32(argvPtr + 4 * i, bufPtr, true);
        bytes.set(a, bufPtr);
        bufPtr += a.length;
      });
      return ESUCCESS;
    },
    environ_sizes_get(countPtr, sizePtr) {
      view().setUint32(countPtr, 0, true);
      view().setUint32(sizePtr, 0, true);
      return ESUCCESS;
    },
    environ_get: () => ESUCCESS,
    fd_fdstat_get(fd, statPtr) {
      if (fd > 2) return EBADF;
      const v = view();
      v.setUint8(statPtr, 2); // character device
      v.setUint16(statPtr + 2, 0, true);
      v.setBigUint64(statPtr + 8, 0xffffffffn, true);
      v.setBigUint64(statPtr + 16, 0xffffffffn, true);
      return ESUCCESS;
    },
    fd_seek: (fd) => fd <= 2 ? ESPIPE : EBADF,
    fd_close: (fd) => fd <= 2 ? ESUCCESS : EBADF,
    fd_write(fd, iovs, count, writtenPtr) {
      if (fd !== 1 && fd !== 2) return EBADF;
      const out = fd === 1 ? Deno.stdout : Deno.stderr;
      let written = 0;
      for (let i = 0; i < count; i++) {
        const ptr = view().getUint32(iovs + 8 * i, true);
        const len = view().getUint32(iovs + 8 * i + 4, true);
        const chunk = new Uint8Array(exported.memory!.buffer, ptr, len);
        for (let done = 0; done < len;) {
          done += out.writeSync(chunk.subarray(done));
        }
        written += len;
      }
      view().setUint32(writtenPtr, written, true);
      return ESUCCESS;
    },
    proc_exit(code) {
      throw new Exit(code);
    },
  };
  const imports = {
    wasi_snapshot_preview1: new Proxy(wasi, {
      get: (target, name: string) => target[name] ?? (() => ENOSYS),
    }),
  };
  const module = new WebAssembly.Module(bytes);
  const instance = new WebAssembly.Instance(module, imports);
  exported.memory = instance.exports.memory as WebAssembly.Memory;
  try {
    (instance.exports._start as () => void)();
    return 0;
  } catch (error) {
    if (error instanceof Exit) return error.code;
    if (error instanceof WebAssembly.RuntimeError) {
      console.error(`v8: trap: ${error.message}`);
      return 134;
    }
    throw error;
  }
}

if (import.meta.main) {
  const [path, ...args] = Deno.args;
  if (!path) {
    console.error(
      "usage: deno run -A scripts/v8_wasi.ts MODULE.wasm [ARGS...]",
    );
    Deno.exit(2);
  }
  Deno.exit(runWasi(await Deno.readFile(path), [path, ...args]));
}
