import assert from "node:assert/strict";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

// No module of compiler/ reaches itself through its imports (type imports
// included): each concern depends on the ones below it, never the reverse.

const ROOT = fileURLToPath(new URL(".", import.meta.url));

/** Every .ts file under `dir`, as an absolute path. */
function tsFiles(dir: string): string[] {
  return [...Deno.readDirSync(dir)].flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory) return tsFiles(path);
    return e.isFile && e.name.endsWith(".ts") ? [path] : [];
  });
}

/**
 * The relative specifiers `source` imports: `import ... from`, `import
 * type ... from`, `export ... from`, side-effect `import "..."`, and
 * `import("...")` (in code or in a type).
 */
export function importedSpecifiers(source: string): string[] {
  // Comments could hold an example import; strings are left (a specifier is one).
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(
    /^\s*\/\/.*$/gm,
    "",
  );
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^;'"]*?\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  return patterns.flatMap((p) => [...code.matchAll(p)].map((m) => m[1]))
    .filter((s) => s.startsWith("."));
}

/** The import graph of compiler/: file -> files it imports (inside compiler/). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of tsFiles(ROOT)) {
    const deps = importedSpecifiers(Deno.readTextFileSync(file))
      .map((s) => join(dirname(file), s))
      .filter((p) => !relative(ROOT, p).startsWith(".."));
    graph.set(file, deps);
  }
  return graph;
}

/** The cycles of `graph` (one per strongly connected component), as paths. */
function cycles(graph: Map<string, string[]>): string[][] {
  // Tarjan's strongly connected components.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    const selfLoop = (graph.get(v) ?? []).includes(v);
    if (scc.length > 1 || selfLoop) out.push(scc.reverse());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

Deno.test("no import cycle in compiler/ (type imports included)", () => {
  const found = cycles(importGraph()).map((c) =>
    c.map((f) => relative(ROOT, f)).join(" <-> ")
  );
  assert.deepEqual(found, []);
});

Deno.test("the import parser sees every kind of import", () => {
  const src = [
    'import llvm from "npm:llvm-bindings@0.4.2";',
    'import { a, type B } from "./a.ts";',
    "import type {\n  C,\n  D,\n} from './c.ts';",
    'export { e } from "../e.ts";',
    'export type { F } from "./f.ts";',
    'import "./side.ts";',
    'type G = import("./g.ts").G;',
    '// import { h } from "./commented.ts";',
  ].join("\n");
  assert.deepEqual(importedSpecifiers(src).sort(), [
    "../e.ts",
    "./a.ts",
    "./c.ts",
    "./f.ts",
    "./g.ts",
    "./side.ts",
  ]);
});

Deno.test("the cycle finder reports each cycle once", () => {
  const g = new Map([
    ["a", ["b"]],
    ["b", ["c"]],
    ["c", ["a"]],
    ["d", ["a"]],
  ]);
  assert.deepEqual(cycles(g), [["a", "b", "c"]]);
  assert.deepEqual(cycles(new Map([["a", ["b"]], ["b", []]])), []);
});
