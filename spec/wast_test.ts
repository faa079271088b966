import assert from "node:assert/strict";
import { parseWast } from "./wast.ts";

const SUITE = new URL("../../shared/testsuite/", import.meta.url);

function scripts(version: string): string[] {
  return [...Deno.readDirSync(new URL(`${version}/`, SUITE))]
    .map((e) => e.name).filter((n) => n.endsWith(".wast")).sort();
}

Deno.test("every script of wasm-2.0 and wasm-3.0 parses", () => {
  for (const version of ["wasm-2.0", "wasm-3.0"]) {
    let commands = 0;
    for (const f of scripts(version)) {
      commands +=
        parseWast(Deno.readTextFileSync(new URL(`${version}/${f}`, SUITE)))
          .length;
    }
    assert.ok(commands > 50000, `${version}: ${commands} commands`);
  }
});

/** wast2json's command type for ours. */
function wabtType(t: string): string {
  return t === "assert_trap_module" ? "assert_uninstantiable" : t;
}

Deno.test("command counts match wast2json (wabt) on every 2.0 file it handles", async () => {
  const tmp = await Deno.makeTempDir();
  let compared = 0;
  try {
    for (const f of scripts("wasm-2.0")) {
      const path = new URL(`wasm-2.0/${f}`, SUITE).pathname;
      const out = await new Deno.Command("wast2json", {
        args: ["--enable-all", path, "-o", `${tmp}/${f}.json`],
        stdout: "null",
        stderr: "null",
      }).output();
      if (!out.success) continue; // wabt 1.0.32 cannot read every file
      const json = JSON.parse(await Deno.readTextFile(`${tmp}/${f}.json`));
      const theirs: Record<string, number> = {};
      for (const c of json.commands) theirs[c.type] = (theirs[c.type] ?? 0) + 1;
      const ours: Record<string, number> = {};
      for (const c of parseWast(await Deno.readTextFile(path))) {
        const t = wabtType(c.type);
        ours[t] = (ours[t] ?? 0) + 1;
      }
      assert.deepEqual(ours, theirs, f);
      compared++;
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
  assert.ok(compared > 100, `compared ${compared} files`);
});

Deno.test("module forms, actions and assertions", () => {
  const cmds = parseWast(`
(module $a (func (export "f") (param i64) (result i64) local.get 0))
(module binary "\\00asm" "\\01\\00\\00\\00")
(module quote "(func" ")")
(register "reg" $a)
(assert_return (invoke $a "f" (i64.const -1)) (i64.const 0xffffffffffffffff))
(assert_return (get "g") (f32.const nan:arithmetic))
(assert_trap (invoke "f") "unreachable")
(assert_trap (module (func $s unreachable) (start $s)) "unreachable")
(assert_exhaustion (invoke "f") "call stack exhausted")
(assert_malformed (module quote "x") "unexpected token")
(assert_invalid (module (func (result i32))) "type mismatch")
(assert_unlinkable (module (import "x" "y" (func))) "unknown import")
(module definition $d (func))
(module instance $i $d)
(assert_exception (invoke "t"))
`);
  assert.deepEqual(cmds.map((c) => c.type), [
    "module",
    "module",
    "module",
    "register",
    "assert_return",
    "assert_return",
    "assert_trap",
    "assert_trap_module",
    "assert_exhaustion",
    "assert_malformed",
    "assert_invalid",
    "assert_unlinkable",
    "module",
    "module_instance",
    "unsupported",
  ]);
  const m0 = cmds[0];
  assert.ok(
    m0.type === "module" && m0.module.name === "$a" &&
      m0.module.source.kind === "text",
  );
  assert.equal(
    m0.module.source.text,
    `(module (func (export "f") (param i64) (result i64) local.get 0))`,
  );
  const m1 = cmds[1];
  assert.ok(m1.type === "module" && m1.module.source.kind === "binary");
  assert.deepEqual([...m1.module.source.bytes], [
    0,
    0x61,
    0x73,
    0x6d,
    1,
    0,
    0,
    0,
  ]);
  const m2 = cmds[2];
  assert.ok(m2.type === "module" && m2.module.source.kind === "quote");
  assert.equal(m2.module.source.text, "(module (func))");
  const inv = cmds[4];
  assert.ok(inv.type === "assert_return" && inv.action.kind === "invoke");
  assert.equal(inv.action.module, "$a");
  assert.deepEqual(inv.action.args, [{
    type: "i64",
    bits: 0xffffffffffffffffn,
  }]);
  assert.equal(inv.line, 6);
  const def = cmds[12];
  assert.ok(
    def.type === "module" && def.definition && def.module.name === "$d",
  );
});

Deno.test("a script of bare module fields is one module", () => {
  const cmds = parseWast(`(func) (memory 0) (func (export "f"))`);
  assert.equal(cmds.length, 1);
  assert.ok(cmds[0].type === "module" && cmds[0].module.source.kind === "text");
  assert.equal(
    cmds[0].module.source.text,
    `(module (func) (memory 0) (func (export "f")))`,
  );
});

Deno.test("syntax errors name the line", () => {
  assert.throws(
    () => parseWast(`(module)\n(assert_return (invoke "f" (i32.const 1.5)))`),
    /line 2/,
  );
  assert.throws(
    () => parseWast(`(module)\n\n(bogus)`),
    /line 3: unknown command bogus/,
  );
});

Deno.test("names keep a leading U+FEFF and arbitrary bytes", () => {
  const [c] = parseWast(
    `(assert_return (invoke "\\ef\\bb\\bf") (i32.const 15))`,
  );
  assert.ok(c.type === "assert_return");
  assert.equal(c.action.field, "\uFEFF");
});
