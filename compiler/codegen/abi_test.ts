import assert from "node:assert/strict";
import {
  CrMode,
  ExecField,
  FuncRefField,
  GlobalField,
  GW_VALUE_SIZE,
  InstanceField,
  MemoryField,
  TableField,
  TrapKind,
} from "./abi.ts";
import { ValType } from "../wasm/types.ts";
import { TYPE_LETTERS } from "../wasm/module_info.ts";
import { PointKind } from "../instrument/points.ts";
import {
  PAGE_SIZE,
  SNAPSHOT_HEADER_SIZE,
  SNAPSHOT_TRAILER_SIZE,
  SNAPSHOT_VERSION,
} from "../snapshot/read.ts";
import { RUNTIME_CFLAGS, TARGET_CFLAGS } from "../link/runtime_lib.ts";
import { findTool, type Target } from "../link/toolchain.ts";

// The TypeScript side of runtime/godwit.h (abi.ts and the other tables
// below) checked against the C side mechanically: a C file of
// `_Static_assert`s generated from the TypeScript values, compiled with the
// runtime's compiler and flags for each target. The C names follow from the
// TypeScript names (camelCase field -> snake_case member, PascalCase
// constant -> GW_<PREFIX>_UPPER_SNAKE).

const RUNTIME_DIR = new URL("../../runtime/", import.meta.url).pathname;

const snake = (name: string) =>
  name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
const upper = (name: string) => snake(name).toUpperCase();

/** [C expression, expected value, what it checks]. */
type Check = [string, number | string, string];

function offsets(
  struct: string,
  fields: Record<string, number>,
  what: string,
): Check[] {
  return Object.entries(fields).map(([name, offset]) => [
    `offsetof(${struct}, ${snake(name)})`,
    offset,
    `${what}.${name}`,
  ]);
}

function constants(
  prefix: string,
  values: Record<string, number>,
  what: string,
): Check[] {
  return Object.entries(values).map(([name, value]) => [
    `${prefix}${upper(name)}`,
    value,
    `${what}.${name}`,
  ]);
}

/** Every fact the TypeScript side relies on, as a C check. */
function contractChecks(): Check[] {
  return [
    ...offsets("gw_instance", InstanceField, "InstanceField"),
    ...offsets("gw_exec", ExecField, "ExecField"),
    ...offsets("gw_memory", MemoryField, "MemoryField"),
    ...offsets("gw_table", TableField, "TableField"),
    ...offsets("gw_funcref", FuncRefField, "FuncRefField"),
    ["sizeof(gw_value)", GW_VALUE_SIZE, "GW_VALUE_SIZE"],
    ...offsets("gw_global", GlobalField, "GlobalField"),
    ...constants("GW_CR_", CrMode, "CrMode"),
    ...constants("GW_TRAP_", TrapKind, "TrapKind"),
    ...constants("GW_POINT_", PointKind, "PointKind"),
    // Value type codes: GW_I32 ... GW_FUNCREF, GW_EXTERNREF.
    ...Object.entries(ValType).map(([name, code]): Check => [
      `GW_${name.toUpperCase()}`,
      code,
      `ValType.${name}`,
    ]),
    ...Object.entries(ValType).map(([name, code]): Check => [
      `GW_LETTER_${name.toUpperCase()}`,
      `'${TYPE_LETTERS[code]}'`,
      `TYPE_LETTERS[ValType.${name}]`,
    ]),
    ["GW_PAGE_SIZE", PAGE_SIZE, "PAGE_SIZE"],
    ["GW_SNAPSHOT_VERSION", SNAPSHOT_VERSION, "SNAPSHOT_VERSION"],
    ["GW_SNAPSHOT_HEADER_SIZE", SNAPSHOT_HEADER_SIZE, "SNAPSHOT_HEADER_SIZE"],
    [
      "GW_SNAPSHOT_TRAILER_SIZE",
      SNAPSHOT_TRAILER_SIZE,
      "SNAPSHOT_TRAILER_SIZE",
    ],
  ];
}

function checkSource(checks: Check[]): string {
  return [
    "#include <stddef.h>",
    '#include "godwit.h"',
    '#include "snapshot.h"',
    ...checks.map(([expr, value, what]) =>
      `_Static_assert(${expr} == ${value}, ${JSON.stringify(what)});`
    ),
    "",
  ].join("\n");
}

/** Compiles the checks for `target` as the runtime is compiled. */
async function compileChecks(target: Target, checks: Check[]) {
  const dir = await Deno.makeTempDir({ prefix: "godwit-abi-" });
  try {
    await Deno.writeTextFile(`${dir}/abi_check.c`, checkSource(checks));
    const out = await new Deno.Command(findTool("cc", target), {
      args: [
        ...RUNTIME_CFLAGS,
        ...TARGET_CFLAGS[target],
        "-I",
        RUNTIME_DIR,
        "-c",
        `${dir}/abi_check.c`,
        "-o",
        `${dir}/abi_check.o`,
      ],
      stderr: "piped",
    }).output();
    return { ok: out.success, stderr: new TextDecoder().decode(out.stderr) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

for (const target of ["x86_64", "aarch64"] as const) {
  Deno.test(`godwit.h agrees with the TypeScript tables (${target})`, async () => {
    const checks = contractChecks();
    assert.ok(checks.length > 50, `only ${checks.length} checks`);
    const r = await compileChecks(target, checks);
    assert.ok(r.ok, r.stderr);
  });
}

Deno.test("a TypeScript value that disagrees with godwit.h fails the check", async () => {
  const checks = contractChecks();
  const i = checks.findIndex(([, , what]) => what === "ExecField.crDispatch");
  const [expr, value, what] = checks[i];
  checks[i] = [expr, Number(value) + 4, what];
  const r = await compileChecks("x86_64", checks);
  assert.ok(!r.ok);
  assert.match(r.stderr, /ExecField\.crDispatch/);
});

Deno.test("the code generator has no literal offset into a runtime structure", () => {
  const literal = [
    // IR text: getelementptr i8, i8* %base, i64 <number>
    /getelementptr i8, i8\* %[\w.]+, i64 \d+/,
    // The translator's field helpers with a number for the offset.
    /\b(?:loadPtr|loadField|fieldPtr)\([^,()]+, \d+/,
    /\binstanceArrayElem\(\d+/,
  ];
  const found: string[] = [];
  for (const dir of ["codegen", "instrument"]) {
    const url = new URL(`../${dir}/`, import.meta.url);
    for (const e of Deno.readDirSync(url)) {
      if (!e.isFile || !e.name.endsWith(".ts") || e.name.endsWith("_test.ts")) {
        continue;
      }
      const lines = Deno.readTextFileSync(new URL(e.name, url)).split("\n");
      lines.forEach((line, n) => {
        if (literal.some((re) => re.test(line))) {
          found.push(`${dir}/${e.name}:${n + 1}: ${line.trim()}`);
        }
      });
    }
  }
  assert.deepEqual(found, []);
});
