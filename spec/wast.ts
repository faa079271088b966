/**
 * Parses a .wast script (Wasm 2.0 and 3.0) into a list of commands. Module
 * texts are kept as source slices (given to wabt later), binary modules as
 * bytes; constants and expected results are decoded exactly (values.ts).
 *
 * @module
 */

import {
  LineMap,
  readSExprs,
  type SExpr,
  type SList,
  stringBytes,
  WastSyntaxError,
} from "./sexpr.ts";
import {
  parseConst,
  parseResultPattern,
  type ResultPattern,
  UnsupportedError,
  type Value,
} from "./values.ts";

/** Where a module's bytes come from. */
export type ModuleSource =
  | { kind: "text"; text: string }
  | { kind: "binary"; bytes: Uint8Array }
  | { kind: "quote"; text: string };

/** A module written in a script. */
export interface ScriptModule {
  /** `$name` of the module, if any. */
  name?: string;
  /** Its text, bytes or quoted text. */
  source: ModuleSource;
}

/** An `invoke` or `get` action. */
export type Action =
  | { kind: "invoke"; module?: string; field: string; args: Value[] }
  | { kind: "get"; module?: string; field: string };

/** Fields every command has. */
interface CommandBase {
  /** 1-based line of the command in the script. */
  line: number;
}

/** One command of a script. */
export type Command =
  & CommandBase
  & (
    | { type: "module"; module: ScriptModule; definition: boolean }
    | { type: "module_instance"; instance?: string; module?: string }
    | { type: "register"; as: string; name?: string }
    | { type: "action"; action: Action }
    | { type: "assert_return"; action: Action; expected: ResultPattern[] }
    | { type: "assert_trap"; action: Action; text: string }
    | { type: "assert_trap_module"; module: ScriptModule; text: string }
    | { type: "assert_exhaustion"; action: Action; text: string }
    | { type: "assert_invalid"; module: ScriptModule; text: string }
    | { type: "assert_malformed"; module: ScriptModule; text: string }
    | { type: "assert_unlinkable"; module: ScriptModule; text: string }
    | { type: "assert_uninstantiable"; module: ScriptModule; text: string }
    | { type: "unsupported"; what: string }
  );

/** The command type names, for counting. */
export type CommandType = Command["type"];

// ignoreBOM: a leading U+FEFF in a name is part of the name.
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

function atom(e: SExpr | undefined): string | undefined {
  return e && e.kind === "atom" ? e.text : undefined;
}

function str(e: SExpr | undefined, what: string): string {
  if (!e || e.kind !== "string") throw new Error(`expected ${what} string`);
  return decoder.decode(stringBytes(e.text));
}

function listOf(e: SExpr | undefined, what: string): SList {
  if (!e || e.kind !== "list") throw new Error(`expected ${what}`);
  return e;
}

function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Parses `(module ...)`: `$name`, 3.0's `definition`, `binary`/`quote`
 * strings, or fields (then the text is rebuilt as `(module <fields>)` from
 * the source so wabt sees exactly what was written).
 */
function parseModule(
  whole: SList,
  source: string,
): ScriptModule & { definition: boolean } {
  const list = withoutAnnotations(whole);
  let i = 1;
  let definition = false;
  if (atom(list.items[i]) === "definition") {
    definition = true;
    i++;
  }
  let name: string | undefined;
  const maybeName = atom(list.items[i]);
  if (maybeName?.startsWith("$")) {
    name = maybeName;
    i++;
  }
  const mode = atom(list.items[i]);
  if (mode === "binary" || mode === "quote") {
    const parts = list.items.slice(i + 1).map((e) => {
      if (e.kind !== "string") {
        throw new Error(`expected strings after module ${mode}`);
      }
      return stringBytes(e.text);
    });
    const bytes = concatBytes(parts);
    return mode === "binary"
      ? { name, definition, source: { kind: "binary", bytes } }
      : {
        name,
        definition,
        source: { kind: "quote", text: `(module ${decoder.decode(bytes)})` },
      };
  }
  const fieldsStart = i < list.items.length
    ? list.items[i].start
    : whole.end - 1;
  const text = `(module ${source.slice(fieldsStart, list.end - 1)})`;
  return { name, definition, source: { kind: "text", text } };
}

/** Drops 3.0 annotations `(@name ...)`, which never change a command. */
function withoutAnnotations(list: SList): SList {
  const items = list.items.filter((e) =>
    !(e.kind === "list" && atom(e.items[0])?.startsWith("@"))
  );
  return items.length === list.items.length ? list : { ...list, items };
}

/** Module fields: a script made only of these is one implicit module. */
const MODULE_FIELDS = new Set([
  "type",
  "import",
  "func",
  "table",
  "memory",
  "global",
  "export",
  "start",
  "elem",
  "data",
  "tag",
  "rec",
]);

function parseAction(whole: SList): Action {
  const list = withoutAnnotations(whole);
  const op = atom(list.items[0]);
  let i = 1;
  let module: string | undefined;
  if (atom(list.items[i])?.startsWith("$")) module = atom(list.items[i++]);
  const field = str(list.items[i++], "an export name");
  if (op === "invoke") {
    const args = list.items.slice(i).map((e) =>
      parseConst(listOf(e, "an argument"))
    );
    return { kind: "invoke", module, field, args };
  }
  if (op === "get") return { kind: "get", module, field };
  throw new Error(`expected invoke or get, got ${op}`);
}

function moduleOf(e: SExpr | undefined, source: string): ScriptModule {
  const list = listOf(e, "a module");
  if (atom(list.items[0]) !== "module") throw new Error("expected a module");
  const { name, source: src } = parseModule(list, source);
  return { name, source: src };
}

function parseCommand(
  whole: SList,
  source: string,
): Command | Omit<Command, "line"> {
  const list = withoutAnnotations(whole);
  const op = atom(list.items[0]);
  const text = () => str(list.items[2], "a failure message");
  switch (op) {
    case "module": {
      if (atom(list.items[1]) === "instance") {
        return {
          type: "module_instance",
          instance: atom(list.items[2]),
          module: atom(list.items[3]) ?? undefined,
        };
      }
      const { definition, ...module } = parseModule(list, source);
      return { type: "module", module, definition };
    }
    case "register":
      return {
        type: "register",
        as: str(list.items[1], "a registration name"),
        name: atom(list.items[2]),
      };
    case "invoke":
    case "get":
      return { type: "action", action: parseAction(list) };
    case "assert_return":
      return {
        type: "assert_return",
        action: parseAction(listOf(list.items[1], "an action")),
        expected: list.items.slice(2).map(parseResultPattern),
      };
    case "assert_trap": {
      const target = listOf(list.items[1], "an action or module");
      if (atom(target.items[0]) === "module") {
        return {
          type: "assert_trap_module",
          module: moduleOf(target, source),
          text: text(),
        };
      }
      return { type: "assert_trap", action: parseAction(target), text: text() };
    }
    case "assert_exhaustion":
      return {
        type: "assert_exhaustion",
        action: parseAction(listOf(list.items[1], "an action")),
        text: text(),
      };
    case "assert_invalid":
    case "assert_malformed":
    case "assert_unlinkable":
    case "assert_uninstantiable":
      return {
        type: op,
        module: moduleOf(list.items[1], source),
        text: text(),
      };
    case "assert_exception":
    case "assert_suspension":
    case "thread":
    case "wait":
    case "input":
    case "output":
    case "script":
    case "either":
      return { type: "unsupported", what: op };
    default:
      throw new Error(`unknown command ${op ?? "(list)"}`);
  }
}

/**
 * Parses a whole script. Throws WastSyntaxError (with the line) on any
 * syntax error or unknown command.
 */
export function parseWast(source: string): Command[] {
  const lines = new LineMap(source);
  const commands: Command[] = [];
  const exprs = readSExprs(source);
  const isField = (e: SExpr) =>
    e.kind === "list" && MODULE_FIELDS.has(atom(e.items[0]) ?? "");
  if (exprs.length > 0 && exprs.every(isField)) {
    const text = `(module ${
      source.slice(exprs[0].start, exprs[exprs.length - 1].end)
    })`;
    return [{
      type: "module",
      module: { source: { kind: "text", text } },
      definition: false,
      line: 1,
    }];
  }
  for (const e of exprs) {
    const line = lines.lineOf(e.start);
    if (e.kind !== "list") {
      throw new WastSyntaxError(`unexpected ${e.text} at top level`, line);
    }
    try {
      commands.push({ ...parseCommand(e, source), line } as Command);
    } catch (err) {
      if (err instanceof WastSyntaxError) throw err;
      if (err instanceof UnsupportedError) {
        commands.push({ type: "unsupported", what: err.message, line });
        continue;
      }
      throw new WastSyntaxError((err as Error).message, line);
    }
  }
  return commands;
}
