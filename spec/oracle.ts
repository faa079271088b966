/**
 * Writes a `.wast` script whose expectations come from another engine:
 * Deno's own WebAssembly engine (V8) runs the calls on one instance, in
 * order, and each call becomes an `assert_return` (or `assert_trap`,
 * `assert_exhaustion`) with what V8 computed, followed by assertions on the
 * exported globals. Running that script through the harness checks Godwit
 * against an independent implementation on programs the spec suite lacks.
 *
 * @module
 */

import { decodeModule } from "../compiler/decode/decoder.ts";
import { watToWasm } from "../compiler/frontend/wat.ts";
import { ExternKind, type FuncType, ValType } from "../compiler/wasm/types.ts";
import { runSpec, type SpecOptions, type SpecResult } from "./suite.ts";

/** One call: an exported function's name and its arguments. */
export type OracleCall = [name: string, args: (number | bigint)[]];

/** The spec's trap message for a V8 error, by V8's message. */
const TRAP_MESSAGES: [RegExp, string][] = [
  [/divide by zero|remainder by zero/, "integer divide by zero"],
  [/divide result unrepresentable/, "integer overflow"],
  [/float unrepresentable/, "invalid conversion to integer"],
  [/memory access out of bounds/, "out of bounds memory access"],
  [/table index is out of bounds/, "undefined element"],
  [/null function(?! or)/, "uninitialized element"],
  [/function signature mismatch/, "indirect call type mismatch"],
  [/unreachable/, "unreachable"],
];

const TYPE_NAMES: Partial<Record<ValType, string>> = {
  [ValType.I32]: "i32",
  [ValType.I64]: "i64",
  [ValType.F32]: "f32",
  [ValType.F64]: "f64",
};

function typeName(t: ValType): string {
  const name = TYPE_NAMES[t];
  if (name === undefined) {
    throw new Error(`oracle: value type 0x${t.toString(16)} not supported`);
  }
  return name;
}

/** A wast constant of type `t` holding the JS value `v` (as V8 passes it). */
export function wastConst(t: ValType, v: number | bigint): string {
  const name = typeName(t);
  if (t === ValType.I32) return `(i32.const ${Number(v) | 0})`;
  if (t === ValType.I64) return `(i64.const ${BigInt.asIntN(64, BigInt(v))})`;
  const x = Number(v);
  const text = Number.isNaN(x)
    ? "nan:arithmetic"
    : x === Infinity
    ? "inf"
    : x === -Infinity
    ? "-inf"
    : Object.is(x, -0)
    ? "-0"
    : String(x);
  return `(${name}.const ${text})`;
}

/** What V8 gives for a JS argument of type `t`. */
function jsArg(t: ValType, v: number | bigint): number | bigint {
  return t === ValType.I64 ? BigInt(v) : Number(v);
}

/**
 * The script: `moduleText` (a `(module ...)`), then one assertion per call
 * with V8's outcome, each followed by `assert_return (get ...)` of every
 * exported i32/i64/f32/f64 global.
 */
export function oracleScript(
  moduleText: string,
  bytes: Uint8Array,
  calls: OracleCall[],
): string {
  const m = decodeModule(bytes);
  if (m.imports.length > 0) {
    throw new Error("oracle: modules with imports are not supported");
  }
  const instance = new WebAssembly.Instance(
    new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>),
  );
  const exports = instance.exports as Record<string, unknown>;
  const typeOf = (name: string): FuncType => {
    const e = m.exports.find((x) =>
      x.name === name && x.kind === ExternKind.Func
    );
    if (!e) throw new Error(`oracle: no exported function "${name}"`);
    return m.types[m.functions[e.index]];
  };
  const globals = m.exports.filter((e) =>
    e.kind === ExternKind.Global &&
    TYPE_NAMES[m.globals[e.index].type.type] !== undefined
  );
  const lines = [moduleText.trim()];
  for (const [name, args] of calls) {
    const type = typeOf(name);
    const invoke = `(invoke "${name}" ${
      args.map((a, i) => wastConst(type.params[i], a)).join(" ")
    })`;
    const fn = exports[name] as (...a: (number | bigint)[]) => unknown;
    try {
      const r = fn(...args.map((a, i) => jsArg(type.params[i], a)));
      const results = type.results.length === 1 ? [r] : (r as unknown[]) ?? [];
      lines.push(
        `(assert_return ${invoke} ${
          type.results.map((t, i) =>
            wastConst(t, results[i] as number | bigint)
          ).join(" ")
        })`,
      );
    } catch (e) {
      if (e instanceof RangeError) {
        lines.push(`(assert_exhaustion ${invoke} "call stack exhausted")`);
      } else if (e instanceof WebAssembly.RuntimeError) {
        const message = TRAP_MESSAGES.find(([re]) => re.test(e.message))?.[1];
        if (!message) throw new Error(`oracle: unmapped trap "${e.message}"`);
        lines.push(`(assert_trap ${invoke} "${message}")`);
      } else {
        throw e;
      }
    }
    for (const g of globals) {
      const value = (exports[g.name] as WebAssembly.Global).value;
      const t = m.globals[g.index].type.type;
      lines.push(`(assert_return (get "${g.name}") ${wastConst(t, value)})`);
    }
  }
  return lines.join("\n") + "\n";
}

/**
 * Runs `moduleText` with `calls` through the harness (real compiler,
 * runtime and spec driver) against V8's outcomes ({@link oracleScript});
 * `options` are passed to {@link runSpec} (e.g. `cr`, `optLevel`).
 */
export async function runAgainstV8(
  moduleText: string,
  calls: OracleCall[],
  options: Omit<SpecOptions, "testsuite" | "filter"> = {},
): Promise<SpecResult> {
  const bytes = await watToWasm(moduleText);
  const dir = await Deno.makeTempDir({ prefix: "godwit-oracle-" });
  try {
    await Deno.writeTextFile(
      `${dir}/oracle.wast`,
      oracleScript(moduleText, bytes, calls),
    );
    return await runSpec({
      progress: false,
      ...options,
      testsuite: dir,
      filter: "oracle",
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
