/**
 * How many machine instructions each SIMD instruction becomes:
 * `deno run -A scripts/simd_cost.ts [x86_64|aarch64]`. Each helper of
 * compiler/codegen/simd/ is called on its own from a function whose
 * parameters are its operands (lane indices constant 1), run through
 * `opt-14 -O2 | llc-14 -O2` (`-mcpu=x86-64-v2` on x86-64), and the
 * instructions of that function but its return are counted. Memory
 * instructions (which need a memory base) are left out. Prints
 * `COUNT<TAB>NAME` lines, most first.
 *
 * @module
 */
import { SIMD_HELPERS } from "../compiler/codegen/simd/index.ts";
import {
  helperBody,
  helperIR,
  helperName,
  type Kind,
  SHAPES,
  type SimdTarget,
  V128_IR,
} from "../compiler/codegen/simd/helper.ts";

const LLC: Record<SimdTarget, string> = {
  x86_64: "llc-14 -O2 -mtriple=x86_64-linux-gnu -mcpu=x86-64-v2 -o -",
  aarch64: "llc-14 -O2 -mtriple=aarch64-linux-gnu -o -",
};

/** The IR type of a helper parameter or result. */
function irType(k: Kind | "void"): string {
  return k in SHAPES ? V128_IR : k;
}

/** The instruction count of one helper on `target`, or undefined on failure. */
async function cost(
  name: string,
  target: SimdTarget,
): Promise<number | undefined> {
  const h = SIMD_HELPERS[name];
  const params: string[] = [];
  const args: string[] = [];
  h.params.forEach((p, i) => {
    const [pname, kind] = Array.isArray(p) ? p : [`a${i}`, p];
    const t = irType(kind);
    if (pname === "lane") {
      args.push(`${t} 1`);
    } else {
      params.push(`${t} %p${i}`);
      args.push(`${t} %p${i}`);
    }
  });
  const ret = irType(h.result);
  const call = `call ${ret} @${helperName(name)}(${args.join(", ")})`;
  const ir = [
    ...(helperBody(h, target).decls ?? []),
    helperIR(name, h, target),
    `define ${ret} @probe(${params.join(", ")}) {`,
    ret === "void"
      ? `  ${call}\n  ret void`
      : `  %r = ${call}\n  ret ${ret} %r`,
    "}",
  ].join("\n");
  const child = new Deno.Command("sh", {
    args: ["-c", `opt-14 -O2 | ${LLC[target]}`],
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(ir));
  await writer.close();
  const out = await child.output();
  if (!out.success) return undefined;
  const lines = new TextDecoder().decode(out.stdout).split("\n");
  let n = 0;
  for (let i = lines.findIndex((l) => l.startsWith("probe:")) + 1;; i++) {
    const line = lines[i];
    if (line === undefined || line.startsWith(".Lfunc_end")) break;
    if (/^\s+[a-z]/.test(line)) n++; // an instruction, not a directive
  }
  return n - 1; // the return
}

if (import.meta.main) {
  const target = (Deno.args[0] ?? "x86_64") as SimdTarget;
  if (!(target in LLC)) {
    console.error("usage: deno run -A scripts/simd_cost.ts [x86_64|aarch64]");
    Deno.exit(2);
  }
  const rows: [number | undefined, string][] = [];
  for (const name of Object.keys(SIMD_HELPERS)) {
    const h = SIMD_HELPERS[name];
    if (h.params.some((p) => (Array.isArray(p) ? p[1] : p) === "i8*")) continue;
    rows.push([await cost(name, target), name]);
  }
  rows.sort((a, b) => (b[0] ?? Infinity) - (a[0] ?? Infinity));
  for (const [n, name] of rows) console.log(`${n ?? "failed"}\t${name}`);
}
