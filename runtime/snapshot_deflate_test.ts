/**
 * The snapshot compressor (runtime/snapshot_deflate.c): its zlib streams
 * inflate with node:zlib (an independent inflater) to exactly the input, for
 * data that takes each block type (stored, fixed, dynamic), runs longer than
 * a match, matches across block boundaries and empty input.
 */
import assert from "node:assert/strict";
import { inflateSync } from "node:zlib";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCommand } from "./tests/command.ts";

const runtimeDir = dirname(fileURLToPath(import.meta.url));

/** A driver: compresses the file argv[1] into argv[2] with gw_deflate. */
const DRIVER = `
#include <stdio.h>
#include <stdlib.h>
#include "snapshot.h"
int main(int argc, char **argv) {
  (void)argc;
  FILE *f = fopen(argv[1], "rb");
  fseek(f, 0, SEEK_END);
  size_t n = (size_t)ftell(f);
  rewind(f);
  uint8_t *in = malloc(n + 1);
  if (fread(in, 1, n, f) != n) return 2;
  fclose(f);
  uint8_t *z;
  size_t zlen;
  if (gw_deflate(in, n, &z, &zlen) != 0) return 3;
  uint8_t *back = malloc(n + 1);
  if (gw_inflate(z, zlen, back, n) != 0) return 4; /* our own reader too */
  f = fopen(argv[2], "wb");
  fwrite(z, 1, zlen, f);
  fclose(f);
  return 0;
}
`;

/** Deterministic pseudo-random bytes. */
function randomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

/** Doubles with 15 significant bits, as matmul's matrices. */
function shortDoubles(count: number): Uint8Array {
  const view = new DataView(new ArrayBuffer(count * 8));
  let s = 12345;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    view.setFloat64(i * 8, ((s >>> 16) & 0x7fff) / 32768 - 0.5, true);
  }
  return new Uint8Array(view.buffer);
}

Deno.test("gw_deflate's streams inflate with node:zlib to the input", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gw_deflate_" });
  try {
    const exe = join(dir, "deflate");
    await Deno.writeTextFile(join(dir, "driver.c"), DRIVER);
    const build = await runCommand("cc", [
      "-Wall",
      "-Wextra",
      "-Werror",
      "-O2",
      "-I",
      runtimeDir,
      "-o",
      exe,
      join(dir, "driver.c"),
      join(runtimeDir, "snapshot_deflate.c"),
    ]);
    assert.equal(build.code, 0, build.stderr);
    const text = new TextEncoder().encode(
      "the quick brown fox jumps over the lazy dog; ".repeat(5000),
    );
    const mixed = new Uint8Array(300_000);
    mixed.set(randomBytes(70_000, 7), 0); // stored
    mixed.set(text.subarray(0, 100_000), 70_000); // dynamic, long matches
    mixed.fill(0xab, 170_000, 240_000); // one run across block boundaries
    mixed.set(shortDoubles(5_000), 250_000);
    const inputs: Record<string, Uint8Array> = {
      empty: new Uint8Array(0),
      one: new Uint8Array([42]),
      short: new TextEncoder().encode("abcabcabcabcx"),
      zeros: new Uint8Array(3 * 65536),
      random: randomBytes(200_000, 1),
      text,
      doubles: shortDoubles(40_000),
      mixed,
      blockEdges: randomBytes(65_537, 3),
    };
    for (const [name, data] of Object.entries(inputs)) {
      const inFile = join(dir, `${name}.bin`);
      const zFile = join(dir, `${name}.z`);
      await Deno.writeFile(inFile, data);
      const r = await runCommand(exe, [inFile, zFile]);
      assert.equal(r.code, 0, `${name}: driver exit ${r.code} ${r.stderr}`);
      const z = await Deno.readFile(zFile);
      const back = new Uint8Array(inflateSync(z));
      assert.deepEqual(back, data, `${name}: node:zlib inflates to the input`);
      // Stored fallback: at most 5 bytes per block (65278 bytes of input)
      // over the input, plus the zlib header and check.
      assert.ok(
        z.length <= data.length + 6 + 5 * (Math.floor(data.length / 65278) + 1),
        `${name}: ${z.length} bytes for ${data.length}`,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
