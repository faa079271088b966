// Reference runner for expected outputs: runs a WASI command module on Node's engine (V8 + uvwasi),
// independently of Godwit, with Godwit's command line conventions:
//   node wasi_oracle.mjs [--dir HOST[::GUEST]]... [--env K=V]... MODULE.wasm [-- ARGS...]
// Exit status: proc_exit(n) -> n; normal return -> 0; trap -> 134 with
// "godwit: trap: <spec message>" on stderr (V8's wording mapped to the spec's).
import { readFileSync } from "node:fs";
import { WASI } from "node:wasi";

const V8_TO_SPEC = [
  [/^unreachable/, "unreachable"],
  [/divide by zero/, "integer divide by zero"],
  [/remainder by zero/, "integer divide by zero"],
  [/divide result unrepresentable/, "integer overflow"],
  [/memory access out of bounds/, "out of bounds memory access"],
  [/Maximum call stack size exceeded/, "call stack exhausted"],
  [/table index is out of bounds/, "undefined element"],
  // V8 does not distinguish these two: the build script accepts either.
  [/null function or function signature mismatch/, "uninitialized element | indirect call type mismatch"],
  [/float unrepresentable in integer range/, "integer overflow"],
];

const argv = process.argv.slice(2);
const preopens = {};
const env = {};
let i = 0;
for (; i < argv.length && argv[i].startsWith("--"); i++) {
  if (argv[i] === "--dir") {
    const [host, guest] = argv[++i].split("::");
    preopens[guest ?? host] = host;
  } else if (argv[i] === "--env") {
    const kv = argv[++i];
    env[kv.slice(0, kv.indexOf("="))] = kv.slice(kv.indexOf("=") + 1);
  } else {
    console.error(`wasi_oracle: unknown option ${argv[i]}`);
    process.exit(2);
  }
}
const modulePath = argv[i++];
if (argv[i] === "--") i++;
const programArgs = [modulePath.replace(/^.*\//, "").replace(/\.wasm$/, ""), ...argv.slice(i)];

const wasi = new WASI({ version: "preview1", args: programArgs, env, preopens, returnOnExit: true });
const module = await WebAssembly.compile(readFileSync(modulePath));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
try {
  process.exitCode = wasi.start(instance);
} catch (e) {
  const found = V8_TO_SPEC.find(([re]) => re.test(e.message));
  if (!found) throw e;
  process.stderr.write(`godwit: trap: ${found[1]}\n`);
  process.exitCode = 134;
}
