import assert from "node:assert/strict";

// The README's layout table names every folder of the repository (top
// level, and compiler/'s parts), so that a newcomer finds each one there.
Deno.test("the README's layout table lists every folder", () => {
  const root = new URL("../", import.meta.url);
  const readme = Deno.readTextFileSync(new URL("README.md", root));
  const table = readme.slice(readme.indexOf("## Layout"));
  const listed = new Set(
    [...table.matchAll(/^\| `([^`]+)`/gm)].map((m) => m[1]),
  );
  const folders = (rel: string) =>
    [...Deno.readDirSync(new URL(rel, root))]
      .filter((e) =>
        e.isDirectory && !e.name.startsWith(".") && e.name !== "node_modules"
      )
      .map((e) => `${rel}${e.name}/`);
  // compiler/ is listed by its parts.
  const all = [...folders(""), ...folders("compiler/")].filter((f) =>
    f !== "compiler/"
  );
  const missing = all.filter((f) => !listed.has(f));
  assert.deepEqual(missing, []);
});
