import assert from "node:assert/strict";
import { cpSync } from "node:fs";
import { fileURLToPath } from "node:url";

// The library imported by URL from a project outside this repository: a
// fresh Deno project that has only `"nodeModulesDir": "auto"` and the one
// install step the README names imports mod.ts by a file:// URL (as it
// would an https:// one: nothing of this repository's deno.json applies),
// compiles a .wat with compileFile() and runs the program.
//
// The install step builds llvm-bindings natively (measured: 77 s on this
// 2-core machine). To keep the test cheap, the project's node_modules is
// first seeded with this repository's llvm-bindings package, its native
// addon linked rather than rebuilt; the README's step then runs as written
// and finds the build done (under a second). GODWIT_URL_TEST_FULL_INSTALL=1
// skips the seeding and pays for the real build.

const MOD_URL = new URL("../mod.ts", import.meta.url).href;
const PACKAGE = "llvm-bindings@0.4.2";
const REPO_PACKAGE = fileURLToPath(
  new URL(`../node_modules/.deno/${PACKAGE}/`, import.meta.url),
);
const ADDON = "node_modules/llvm-bindings/build/Release/llvm-bindings.node";

/** The README's install step, word for word. */
const INSTALL = [
  "install",
  "--allow-scripts=npm:llvm-bindings",
  "npm:llvm-bindings@0.4.2",
];

const HELLO_WAT = `(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello from a URL import\\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 24))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
`;

/** The README's promises: compile, snapshot read/validate/inspect, the harness. */
const API = [
  "compile",
  "compileFile",
  "readSnapshot",
  "validateSnapshot",
  "inspectSnapshot",
  "runSpec",
  "formatReport",
];

const MAIN_TS = `import * as godwit from ${JSON.stringify(MOD_URL)};
await godwit.compileFile("hello.wat", { output: "hello" });
console.log(JSON.stringify(${
  JSON.stringify(API)
}.map((name) => typeof (godwit as Record<string, unknown>)[name])));
`;

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Copies this repository's llvm-bindings package, linking its built addon. */
function seed(project: string): void {
  const target = `${project}/node_modules/.deno/${PACKAGE}`;
  cpSync(REPO_PACKAGE, target, {
    recursive: true,
    filter: (src) => !src.includes("/llvm-bindings/build"),
  });
  Deno.mkdirSync(`${target}/node_modules/llvm-bindings/build/Release`, {
    recursive: true,
  });
  Deno.symlinkSync(`${REPO_PACKAGE}${ADDON}`, `${target}/${ADDON}`);
}

async function deno(cwd: string, args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    env: { npm_config_nodedir: "/usr", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) +
    new TextDecoder().decode(out.stderr);
  return { code: out.code, text };
}

Deno.test({
  name:
    "a fresh project with the README's install step imports mod.ts by URL, compiles a .wat and runs it",
  sanitizeResources: false,
  fn: async () => {
    const project = await Deno.makeTempDir({ prefix: "godwit-url-import-" });
    try {
      assert.ok(
        !project.startsWith(fileURLToPath(new URL("..", import.meta.url))),
      );
      await Deno.writeTextFile(
        `${project}/deno.json`,
        JSON.stringify({ nodeModulesDir: "auto" }),
      );
      const full = Deno.env.get("GODWIT_URL_TEST_FULL_INSTALL") === "1" ||
        !exists(`${REPO_PACKAGE}${ADDON}`);
      if (!full) seed(project);
      const install = await deno(project, INSTALL);
      assert.equal(install.code, 0, install.text);
      assert.ok(
        exists(`${project}/node_modules/.deno/${PACKAGE}/${ADDON}`),
        install.text,
      );
      await Deno.writeTextFile(`${project}/hello.wat`, HELLO_WAT);
      await Deno.writeTextFile(`${project}/main.ts`, MAIN_TS);
      const compiled = await deno(project, ["run", "-A", "main.ts"]);
      assert.equal(compiled.code, 0, compiled.text);
      assert.doesNotMatch(compiled.text, /not a dependency/);
      assert.match(
        compiled.text,
        new RegExp(
          JSON.stringify(API.map(() => "function")).replace(/[[\]]/g, "\\$&"),
        ),
      );
      const run = await new Deno.Command(`${project}/hello`, {
        stdout: "piped",
      }).output();
      assert.equal(run.code, 0);
      assert.equal(
        new TextDecoder().decode(run.stdout),
        "hello from a URL import\n",
      );
    } finally {
      await Deno.remove(project, { recursive: true });
    }
  },
});

Deno.test("the library's code names its packages by full specifiers (no bare import-map names)", () => {
  const root = new URL("../", import.meta.url);
  const bare: string[] = [];
  const walk = (dir: URL, rel: string) => {
    for (const e of Deno.readDirSync(dir)) {
      if (e.isDirectory) {
        if (!["node_modules", "testdata", ".git"].includes(e.name)) {
          walk(new URL(`${e.name}/`, dir), `${rel}${e.name}/`);
        }
      } else if (e.name.endsWith(".ts")) {
        const text = Deno.readTextFileSync(new URL(e.name, dir));
        const specifiers = [
          ...text.matchAll(/^\s*(?:import|export)\b[^;"]*?from\s+"([^"]+)"/gm),
          ...text.matchAll(/^\s*import\s+"([^"]+)"/gm),
          ...text.matchAll(/\bimport\("([^"]+)"\)/g),
        ];
        for (const m of specifiers) {
          if (!/^(\.|npm:|node:|file:|https:)/.test(m[1])) {
            bare.push(`${rel}${e.name}: "${m[1]}"`);
          }
        }
      }
    }
  };
  walk(root, "");
  assert.deepEqual(bare, []);
});
