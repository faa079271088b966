import assert from "node:assert/strict";
import { buildSpecDriver } from "./driver_build.ts";
import { readRuntimeSources } from "../compiler/link/runtime_lib.ts";

Deno.test("the spec driver is built apart from the runtime and exports the runtime's symbols", async () => {
  const cacheDir = await Deno.makeTempDir({ prefix: "godwit-driver-build-" });
  try {
    const driver = await buildSpecDriver("x86_64", cacheDir);
    assert.equal(driver, await buildSpecDriver("x86_64", cacheDir));
    assert.ok(driver.startsWith(`${cacheDir}/spec_driver/`), driver);
    // -rdynamic: the runtime's symbols are exported for dlopen()ed modules.
    const nm = await new Deno.Command("nm", {
      args: ["-D", "--defined-only", driver],
      stdout: "piped",
    }).output();
    const dyn = new TextDecoder().decode(nm.stdout);
    assert.match(dyn, / T gw_instantiate$/m);
    assert.match(dyn, / T gw_trap$/m);
    // Not a runtime source: no part of what users' programs link or of
    // their compile cache key.
    const runtime = await readRuntimeSources();
    assert.ok(runtime.size > 0);
    assert.ok(!runtime.has("spec_driver.c"));
    assert.ok(![...runtime.keys()].some((n) => /spec/.test(n)));
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
});
