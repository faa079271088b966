/**
 * Regression tests of miscompilations found by differential fuzzing against
 * V8 (issue 11): the `.wast` scripts of testdata/wast/ run through the real
 * compile path (compiler, runtime, spec_driver) at -O0, -O2 and -O3, and,
 * as an independent oracle for their expectations, in V8 (Deno's own
 * WebAssembly): every assertion V8 can check must hold there too.
 *
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { runSpec } from "../spec/suite.ts";
import { formatReport } from "../spec/report.ts";

const DIR = fileURLToPath(new URL("../testdata/wast/", import.meta.url));

/** Each script and the least number of assertions V8 must check in it. */
const SCRIPTS: [string, number][] = [["float_abi", 11], ["load_trap", 40]];

for (const [script] of SCRIPTS) {
  for (const optLevel of [0, 2, 3] as const) {
    Deno.test({
      name: `${script}.wast passes at -O${optLevel}`,
      sanitizeResources: false,
      sanitizeOps: false,
      fn: async () => {
        const cacheDir = await Deno.makeTempDir();
        try {
          const r = await runSpec({
            testsuite: DIR,
            filter: script,
            optLevel,
            cacheDir,
            progress: false,
            jobs: 2,
          });
          assert.equal(r.failed, 0, formatReport(r.files, r.records, 0));
          assert.equal(r.skipped, 0);
          assert.ok(r.passed > 10, `only ${r.passed} assertions passed`);
        } finally {
          await Deno.remove(cacheDir, { recursive: true });
        }
      },
    });
  }
}

for (const [script, least] of SCRIPTS) {
  Deno.test(`${script}.wast expectations hold in V8`, async () => {
    const checked = await checkInV8(`${DIR}${script}.wast`);
    assert.ok(checked >= least, `V8 checked only ${checked} assertions`);
  });
}

interface JsonValue {
  type: string;
  value?: string;
}
interface JsonCommand {
  type: string;
  line: number;
  name?: string;
  as?: string;
  filename?: string;
  action?: { type: string; module?: string; field: string; args: JsonValue[] };
  expected?: JsonValue[];
  text?: string;
}

/** V8's messages for the spec's trap messages that these scripts use. */
const V8_TRAPS: Record<string, RegExp> = {
  "out of bounds memory access": /memory access out of bounds/,
  "unreachable": /unreachable/,
};

/**
 * Runs a script's modules and assertions in V8; returns how many
 * assertions it checked (those passing a float NaN in or out are left out:
 * a JS number does not keep NaN payloads).
 */
async function checkInV8(wast: string): Promise<number> {
  const dir = await Deno.makeTempDir();
  try {
    const out = await new Deno.Command("wast2json", {
      args: [wast, "-o", `${dir}/s.json`],
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const { commands } = JSON.parse(
      await Deno.readTextFile(`${dir}/s.json`),
    ) as { commands: JsonCommand[] };
    const registered: Record<string, WebAssembly.Exports> = {};
    const named: Record<string, WebAssembly.Exports> = {};
    let current: WebAssembly.Exports | undefined;
    let checked = 0;
    for (const c of commands) {
      const where = `${wast}:${c.line}`;
      if (c.type === "module") {
        const mod = new WebAssembly.Module(
          await Deno.readFile(`${dir}/${c.filename}`),
        );
        const imports: Record<string, Record<string, WebAssembly.ExportValue>> =
          {};
        for (const i of WebAssembly.Module.imports(mod)) {
          (imports[i.module] ??= {})[i.name] = registered[i.module][i.name];
        }
        current = new WebAssembly.Instance(mod, imports).exports;
        if (c.name) named[c.name] = current;
      } else if (c.type === "register") {
        registered[c.as!] = c.name ? named[c.name] : current!;
      } else if (c.action) {
        const exports = c.action.module ? named[c.action.module] : current!;
        const values = [...c.action.args, ...(c.expected ?? [])];
        if (values.some(isFloatNan)) continue;
        const fn = exports[c.action.field] as (...a: unknown[]) => unknown;
        const args = c.action.args.map(toJs);
        if (c.type === "assert_trap") {
          assert.throws(
            () => fn(...args),
            (e: unknown) =>
              e instanceof WebAssembly.RuntimeError &&
              (V8_TRAPS[c.text!] ?? /./).test(e.message),
            `${where}: V8 does not trap with "${c.text}"`,
          );
          checked++;
        } else if (c.type === "assert_return") {
          const r = fn(...args);
          const n = c.expected!.length;
          const results = n === 0 ? [] : n === 1 ? [r] : r as unknown[];
          assert.deepEqual(
            results.map((v, i) => fromJs(v, c.expected![i].type)),
            c.expected!.map((e) => BigInt(e.value!)),
            `${where}: V8 returns other values`,
          );
          checked++;
        } else fn(...args);
      }
    }
    return checked;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function isFloatNan(v: JsonValue): boolean {
  if (v.type === "f32") {
    return v.value!.startsWith("nan") ||
      (BigInt(v.value!) & 0x7f800000n) === 0x7f800000n &&
        (BigInt(v.value!) & 0x7fffffn) !== 0n;
  }
  if (v.type === "f64") {
    const b = v.value!.startsWith("nan") ? -1n : BigInt(v.value!);
    return b < 0n || (b & 0x7ff0000000000000n) === 0x7ff0000000000000n &&
        (b & 0xfffffffffffffn) !== 0n;
  }
  return false;
}

/** A wast2json argument (unsigned decimal bits) as the JS value V8 takes. */
function toJs(v: JsonValue): number | bigint {
  const bits = BigInt(v.value!);
  const view = new DataView(new ArrayBuffer(8));
  switch (v.type) {
    case "i32":
      return Number(BigInt.asIntN(32, bits));
    case "i64":
      return BigInt.asIntN(64, bits);
    case "f32":
      view.setUint32(0, Number(bits));
      return view.getFloat32(0);
    case "f64":
      view.setBigUint64(0, bits);
      return view.getFloat64(0);
    default:
      throw new Error(`unsupported argument type ${v.type}`);
  }
}

/** A JS result from V8 as unsigned bits of `type`. */
function fromJs(v: unknown, type: string): bigint {
  const view = new DataView(new ArrayBuffer(8));
  switch (type) {
    case "i32":
      return BigInt((v as number) >>> 0);
    case "i64":
      return BigInt.asUintN(64, v as bigint);
    case "f32":
      view.setFloat32(0, v as number);
      return BigInt(view.getUint32(0));
    case "f64":
      view.setFloat64(0, v as number);
      return view.getBigUint64(0);
    default:
      throw new Error(`unsupported result type ${type}`);
  }
}
