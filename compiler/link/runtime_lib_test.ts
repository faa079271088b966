import assert from "node:assert/strict";
import {
  buildDirAtomically,
  ensureRuntime,
  hashParts,
  readRuntimeSources,
  RUNTIME_FILES,
} from "./runtime_lib.ts";

Deno.test("RUNTIME_FILES lists exactly the runtime sources (for remote imports)", async () => {
  const local = [...(await readRuntimeSources()).keys()].sort();
  assert.deepEqual(
    [...RUNTIME_FILES].sort(),
    local,
    "update RUNTIME_FILES in compiler/link/runtime_lib.ts to match runtime/",
  );
});

Deno.test("hashParts separates its parts", async () => {
  assert.notEqual(await hashParts(["ab", "c"]), await hashParts(["a", "bc"]));
  assert.equal(
    await hashParts(["x"]),
    await hashParts([new TextEncoder().encode("x")]),
  );
});

Deno.test("buildDirAtomically: concurrent builders leave one complete directory", async () => {
  const parent = await Deno.makeTempDir();
  try {
    const target = `${parent}/built`;
    let builds = 0;
    await Promise.all(
      Array.from(
        { length: 4 },
        () =>
          buildDirAtomically(target, async (temp) => {
            builds++;
            await new Promise((r) => setTimeout(r, 10));
            await Deno.writeTextFile(`${temp}/done`, "yes");
          }),
      ),
    );
    assert.ok(builds >= 1);
    assert.equal(await Deno.readTextFile(`${target}/done`), "yes");
    // Only the final directory remains: temporaries are cleaned up.
    assert.deepEqual([...Deno.readDirSync(parent)].map((e) => e.name), [
      "built",
    ]);
    // A later call does not rebuild.
    await buildDirAtomically(
      target,
      () => Promise.reject(new Error("rebuilt")),
    );
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});

Deno.test({
  name: "ensureRuntime builds a library with the runtime's symbols, once",
  sanitizeResources: false,
  async fn() {
    const cacheDir = await Deno.makeTempDir({ prefix: "godwit-cache-test-" });
    try {
      const [a, b] = await Promise.all([
        ensureRuntime("x86_64", cacheDir),
        ensureRuntime("x86_64", cacheDir),
      ]);
      assert.equal(a.dir, b.dir);
      const nm = await new Deno.Command("nm", {
        args: ["--defined-only", a.library],
        stdout: "piped",
      })
        .output();
      const symbols = new TextDecoder().decode(nm.stdout);
      for (
        const symbol of [
          "gw_instantiate",
          "gw_trap",
          "gw_memory_grow",
          "gw_call",
        ]
      ) {
        assert.match(
          symbols,
          new RegExp(`\\b${symbol}\\b`),
          `${symbol} missing from the library`,
        );
      }
      assert.ok(a.mainObject);
      const mainNm = await new Deno.Command("nm", {
        args: ["--defined-only", a.mainObject],
        stdout: "piped",
      })
        .output();
      assert.match(new TextDecoder().decode(mainNm.stdout), /\bmain\b/);
    } finally {
      await Deno.remove(cacheDir, { recursive: true });
    }
  },
});

Deno.test("readRuntimeSources fetches the sources over HTTP like a local read", async () => {
  const root = new URL("../../runtime/", import.meta.url);
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    async (request) => {
      const name = new URL(request.url).pathname.replace(/^\/runtime\//, "");
      try {
        return new Response(await Deno.readFile(new URL(name, root)));
      } catch {
        return new Response("not found", { status: 404 });
      }
    },
  );
  try {
    const remote = await readRuntimeSources(
      new URL(`http://127.0.0.1:${server.addr.port}/runtime/`),
    );
    const local = await readRuntimeSources(root);
    assert.deepEqual([...remote.keys()], [...local.keys()]);
    for (const [name, bytes] of local) {
      assert.deepEqual(remote.get(name), bytes, name);
    }
  } finally {
    await server.shutdown();
  }
});
