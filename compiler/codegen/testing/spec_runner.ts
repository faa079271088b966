/**
 * Test-only: runs a spec `.wast` file through the code generator and a
 * minimal C stand-in for the runtime (`harness.c`), and compares every
 * assert_return / assert_trap / assert_exhaustion with the spec's expected
 * values. Modules with imports are skipped (no spectest host here).
 *
 * @module
 */
import { decodeModule } from "../../decode/decoder.ts";
import type { ConstExpr, FuncType, Module } from "../../wasm/types.ts";
import type { PointInfo } from "../../instrument/points.ts";
import { translateModule } from "../module.ts";

const HERE = new URL(".", import.meta.url).pathname;
const RUNTIME_DIR = new URL("../../../runtime/", import.meta.url).pathname;

/** Counts of one .wast run. */
export interface SpecResult {
  passed: number;
  failed: number;
  skipped: number;
  failures: string[];
}

interface JsonValue {
  type: string;
  value?: string | string[];
}
interface JsonCommand {
  type: string;
  line: number;
  filename?: string;
  name?: string;
  action?: { type: string; module?: string; field: string; args: JsonValue[] };
  expected?: JsonValue[];
  text?: string;
}

const TRAP_KINDS: [string, number][] = [
  ["unreachable", 1],
  ["integer divide by zero", 2],
  ["integer overflow", 3],
  ["invalid conversion to integer", 4],
  ["out of bounds memory access", 5],
  ["out of bounds table access", 6],
  ["undefined element", 7],
  ["uninitialized element", 8],
  ["indirect call type mismatch", 9],
  ["call stack exhausted", 10],
];

function run(cmd: string, args: string[]): { code: number; stderr: string } {
  const o = new Deno.Command(cmd, { args, stdout: "null", stderr: "piped" })
    .outputSync();
  return { code: o.code, stderr: new TextDecoder().decode(o.stderr) };
}

async function runAsync(
  cmd: string,
  args: string[],
  stdin: string,
): Promise<string> {
  const child = new Deno.Command(cmd, {
    args,
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(stdin));
  await w.close();
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const o = await child.output();
  clearTimeout(timer);
  return new TextDecoder().decode(o.stdout);
}

function must(r: { code: number; stderr: string }, what: string): void {
  if (r.code !== 0) {
    throw new Error(`${what} failed: ${r.stderr.slice(0, 2000)}`);
  }
}

let harnessObject: string | undefined;

/** Compiles harness.c once per process (into its own temporary directory). */
function harness(): string {
  if (harnessObject) return harnessObject;
  const out = `${
    Deno.makeTempDirSync({ prefix: "godwit-harness-" })
  }/harness.o`;
  must(
    run("cc", ["-O1", "-c", `-I${RUNTIME_DIR}`, `${HERE}harness.c`, "-o", out]),
    "cc harness.c",
  );
  return harnessObject = out;
}

/** Builds a native executable of `module`: codegen, opt, llc, link. */
export function buildNative(
  module: Module,
  dir: string,
  stem: string,
  options: {
    cr?: boolean;
    optLevel?: number;
    /** Receives the migration-point table. */
    points?: PointInfo[];
    /** C/R: poll at every point (CodegenOptions.crPollEverywhere). */
    crPollEverywhere?: boolean;
  } = {},
): string {
  // GODWIT_TEST_CR=0 runs the codegen tests on the --no-cr build.
  const cr = options.cr ?? Deno.env.get("GODWIT_TEST_CR") !== "0";
  const t = translateModule(module, {
    targetTriple: "x86_64-pc-linux-gnu",
    cr,
    crPollEverywhere: options.crPollEverywhere,
  });
  options.points?.push(...t.points);
  t.writeBitcode(`${dir}/${stem}.bc`);
  must(
    run("opt", [
      "-verify",
      `-O${options.optLevel ?? 2}`,
      `${dir}/${stem}.bc`,
      "-o",
      `${dir}/${stem}.opt.bc`,
    ]),
    "opt",
  );
  must(
    run("llc", [
      `-O${options.optLevel ?? 2}`,
      "-relocation-model=pic",
      "-filetype=obj",
      `${dir}/${stem}.opt.bc`,
      "-o",
      `${dir}/${stem}.o`,
    ]),
    "llc",
  );
  must(
    run("cc", [
      harness(),
      `${dir}/${stem}.o`,
      "-lm",
      "-lpthread",
      "-o",
      `${dir}/${stem}`,
    ]),
    "link",
  );
  return `${dir}/${stem}`;
}

const sigOf = (t: FuncType) => `${t.params.join(",")}:${t.results.join(",")}`;

function constBits(e: ConstExpr): string | undefined {
  switch (e.kind) {
    case "i32":
      return `0 ${(e.value >>> 0).toString(16)}`;
    case "i64":
      return `0 ${BigInt.asUintN(64, e.value).toString(16)}`;
    case "f32":
      return `0 ${(e.bits >>> 0).toString(16)}`;
    case "f64":
      return `0 ${e.bits.toString(16)}`;
    case "ref.null":
      return "1 0";
    case "ref.func":
      return `2 ${e.index.toString(16)}`;
    default:
      return undefined;
  }
}

/** The instantiation commands for harness.c, or undefined if unsupported. */
export function instantiationScript(m: Module): string | undefined {
  if (m.imports.length > 0) return undefined;
  const lines: string[] = [];
  const ids = new Map<string, number>();
  for (const t of m.types) {
    const s = sigOf(t);
    if (!ids.has(s)) ids.set(s, ids.size + 1);
    lines.push(`type ${ids.get(s)}`);
  }
  for (const t of m.functions) lines.push(`func ${t}`);
  for (const mem of m.memories) {
    lines.push(`mem ${mem.limits.min} ${mem.limits.max ?? 65536}`);
  }
  for (const g of m.globals) {
    const c = constBits(g.init);
    if (c === undefined) return undefined;
    lines.push(`global ${c}`);
  }
  for (const t of m.tables) {
    lines.push(`table ${t.limits.min} ${t.limits.max ?? 0xffffffff}`);
  }
  for (const e of m.elems) {
    const mode = e.mode === "active" ? 0 : e.mode === "passive" ? 1 : 2;
    if (e.offset && e.offset.kind !== "i32") return undefined;
    const off = e.offset?.kind === "i32" ? e.offset.value >>> 0 : 0;
    const items: number[] = [];
    for (const i of e.init) {
      if (i.kind === "ref.func") items.push(i.index);
      else if (i.kind === "ref.null") items.push(-1);
      else return undefined;
    }
    lines.push(
      `elem ${mode} ${e.table ?? 0} ${off} ${items.length} ${items.join(" ")}`,
    );
  }
  for (const d of m.datas) {
    if (d.offset && d.offset.kind !== "i32") return undefined;
    const off = d.offset?.kind === "i32" ? d.offset.value >>> 0 : 0;
    const hex = Array.from(d.bytes, (x) => x.toString(16).padStart(2, "0"))
      .join("");
    lines.push(`data ${d.mode === "active" ? 0 : 1} ${off} ${hex || "-"}`);
  }
  if (m.start !== undefined) lines.push(`call ${m.start} 0`);
  return lines.join("\n") + "\n";
}

function argBits(v: JsonValue): string {
  const s = v.value as string;
  if (v.type === "externref") {
    return s === "null" ? "0" : (BigInt(s) + 0x1000n).toString(16);
  }
  if (v.type === "funcref") return "0";
  return BigInt(s).toString(16);
}

function matches(expected: JsonValue, bits: bigint): boolean {
  const s = expected.value as string;
  switch (expected.type) {
    case "i32":
      return (bits & 0xffffffffn) === BigInt(s);
    case "i64":
      return bits === BigInt(s);
    case "f32": {
      const b = bits & 0xffffffffn;
      if (s === "nan:canonical") return (b & 0x7fffffffn) === 0x7fc00000n;
      if (s === "nan:arithmetic") return (b & 0x7fc00000n) === 0x7fc00000n;
      return b === BigInt(s);
    }
    case "f64":
      if (s === "nan:canonical") {
        return (bits & 0x7fffffffffffffffn) === 0x7ff8000000000000n;
      }
      if (s === "nan:arithmetic") {
        return (bits & 0x7ff8000000000000n) === 0x7ff8000000000000n;
      }
      return bits === BigInt(s);
    case "externref":
      return s === "null" ? bits === 0n : bits === BigInt(s) + 0x1000n;
    case "funcref":
      return s === "null" ? bits === 0n : bits !== 0n;
    default:
      return false;
  }
}

/** Runs one spec .wast file; `dir` is a scratch directory. */
export async function runSpecFile(
  wastPath: string,
  dir: string,
): Promise<SpecResult> {
  const res: SpecResult = { passed: 0, failed: 0, skipped: 0, failures: [] };
  const base = wastPath.split("/").pop()!.replace(/\.wast$/, "");
  const converted = run("wast2json", [wastPath, "-o", `${dir}/${base}.json`]);
  if (converted.code !== 0) {
    res.failures.push(`${base}: wast2json cannot read it (skipped)`);
    return res;
  }
  const json = JSON.parse(Deno.readTextFileSync(`${dir}/${base}.json`)) as {
    commands: JsonCommand[];
  };
  // Group the commands by the module they run against.
  type Group = { cmd: JsonCommand; tests: JsonCommand[] };
  const groups: Group[] = [];
  let current: Group | undefined;
  for (const c of json.commands) {
    if (c.type === "module") groups.push(current = { cmd: c, tests: [] });
    else if (
      c.action?.type === "invoke" &&
      ["assert_return", "assert_trap", "assert_exhaustion", "action"].includes(
        c.type,
      )
    ) {
      if (
        !current || (c.action.module && c.action.module !== current.cmd.name)
      ) res.skipped++;
      else current.tests.push(c);
    } else if (
      c.type.startsWith("assert_") && c.type !== "assert_invalid" &&
      c.type !== "assert_malformed"
    ) {
      res.skipped++;
    }
  }
  for (const [gi, g] of groups.entries()) {
    const counted = g.tests.filter((t) => t.type !== "action");
    if (counted.length === 0) continue;
    const m = decodeModule(Deno.readFileSync(`${dir}/${g.cmd.filename}`));
    const script = instantiationScript(m);
    if (script === undefined) {
      res.skipped += counted.length;
      continue;
    }
    let exe: string;
    try {
      exe = buildNative(m, dir, `${base}_${gi}`);
    } catch (e) {
      res.failed += counted.length;
      res.failures.push(
        `${base} module line ${g.cmd.line}: ${
          (e as Error).message.slice(0, 300)
        }`,
      );
      continue;
    }
    const calls: string[] = [];
    for (const t of g.tests) {
      const exp = m.exports.find((x) =>
        x.name === t.action!.field && x.kind === 0
      )!;
      calls.push(
        `call ${exp.index} ${t.action!.args.length} ${
          t.action!.args.map(argBits).join(" ")
        }`,
      );
    }
    const startLines = m.start !== undefined ? 1 : 0;
    const out = (await runAsync(exe, [], script + calls.join("\n") + "\n"))
      .split("\n");
    g.tests.forEach((t, i) => {
      const line = out[startLines + i] ?? "(no output: crashed?)";
      if (t.type === "action") return;
      const parts = line.split(" ");
      let ok: boolean;
      if (t.type === "assert_return") {
        ok = parts[0] === "R" &&
          t.expected!.every((e, k) =>
            parts[1 + k] !== undefined &&
            matches(e, BigInt("0x" + parts[1 + k]))
          );
      } else {
        const kind = TRAP_KINDS.find(([text]) =>
          (t.text ?? "").startsWith(text)
        )?.[1] ??
          (t.type === "assert_exhaustion" ? 10 : -1);
        ok = parts[0] === "T" && Number(parts[1]) === kind;
      }
      if (ok) res.passed++;
      else {
        res.failed++;
        if (res.failures.length < 30) {
          res.failures.push(
            `${base}.wast:${t.line} ${t.type} ${t.action!.field}(${
              t.action!.args.map((a) => a.value).join(",")
            }) ` +
              `expected ${JSON.stringify(t.expected ?? t.text)} got ${line}`,
          );
        }
      }
    });
  }
  return res;
}
