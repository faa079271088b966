/**
 * A reader for the S-expressions of the .wast script format: lists, atoms
 * and strings, with the source position of each node so that a module's
 * text can be sliced out of the script exactly as written.
 *
 * @module
 */

/** An atom (keyword, number, `$id`) or a string literal, as written. */
export interface SAtom {
  /** "atom" for bare tokens, "string" for `"..."` literals. */
  kind: "atom" | "string";
  /** The token's source text (strings keep their quotes and escapes). */
  text: string;
  /** Offset of the first character in the source. */
  start: number;
  /** Offset just past the last character. */
  end: number;
}

/** A parenthesized list. */
export interface SList {
  /** Always "list". */
  kind: "list";
  /** The list's elements in order. */
  items: SExpr[];
  /** Offset of the opening parenthesis. */
  start: number;
  /** Offset just past the closing parenthesis. */
  end: number;
}

/** Any node of a script. */
export type SExpr = SAtom | SList;

/** A syntax error in a script, with its 1-based line. */
export class WastSyntaxError extends Error {
  /** 1-based line of the error. */
  readonly line: number;
  /** Builds the error; `line` is 1-based. */
  constructor(message: string, line: number) {
    super(`line ${line}: ${message}`);
    this.name = "WastSyntaxError";
    this.line = line;
  }
}

/** Maps source offsets to 1-based line numbers. */
export class LineMap {
  private readonly starts: number[] = [0];
  /** Indexes the line starts of `source`. */
  constructor(source: string) {
    for (let i = 0; i < source.length; i++) {
      if (source.charCodeAt(i) === 10) this.starts.push(i + 1);
    }
  }
  /** The 1-based line containing `offset`. */
  lineOf(offset: number): number {
    let lo = 0, hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/**
 * Reads every top-level S-expression of `source`. Comments (`;; ...` and
 * nested `(; ... ;)`) are skipped. Throws WastSyntaxError on unbalanced
 * parentheses or unterminated strings and comments.
 */
export function readSExprs(source: string): SExpr[] {
  const lines = new LineMap(source);
  const fail = (msg: string, at: number): never => {
    throw new WastSyntaxError(msg, lines.lineOf(at));
  };
  const top: SExpr[] = [];
  const stack: SList[] = [];
  const n = source.length;
  let i = 0;

  const skipString = (at: number): number => {
    // `at` is the opening quote; returns the offset past the closing one.
    let j = at + 1;
    while (j < n) {
      const c = source.charCodeAt(j);
      if (c === 34) return j + 1;
      if (c === 92) j += 2;
      else if (c === 10) fail("newline in string", j);
      else j++;
    }
    return fail("unterminated string", at);
  };

  const push = (node: SExpr) => {
    if (stack.length > 0) stack[stack.length - 1].items.push(node);
    else top.push(node);
  };

  while (i < n) {
    const c = source.charCodeAt(i);
    if (isSpace(c)) {
      i++;
    } else if (c === 59 && source.charCodeAt(i + 1) === 59) { // ;;
      const nl = source.indexOf("\n", i);
      i = nl < 0 ? n : nl + 1;
    } else if (c === 40 && source.charCodeAt(i + 1) === 59) { // (;
      let depth = 1;
      let j = i + 2;
      while (depth > 0) {
        if (j >= n) fail("unterminated block comment", i);
        if (source.startsWith("(;", j)) {
          depth++;
          j += 2;
        } else if (source.startsWith(";)", j)) {
          depth--;
          j += 2;
        } else j++;
      }
      i = j;
    } else if (c === 40) { // (
      stack.push({ kind: "list", items: [], start: i, end: -1 });
      i++;
    } else if (c === 41) { // )
      const list = stack.pop();
      if (!list) fail("unexpected ')'", i);
      list!.end = i + 1;
      push(list!);
      i++;
    } else if (c === 34) { // "
      const end = skipString(i);
      push({ kind: "string", text: source.slice(i, end), start: i, end });
      i = end;
    } else {
      let j = i;
      while (j < n) {
        const d = source.charCodeAt(j);
        if (isSpace(d) || d === 40 || d === 41) break;
        if (d === 59 && source.charCodeAt(j + 1) === 59) break;
        if (d === 34) j = skipString(j); // `$"name"` identifiers
        else j++;
      }
      push({ kind: "atom", text: source.slice(i, j), start: i, end: j });
      i = j;
    }
  }
  if (stack.length > 0) fail("unclosed '('", stack[stack.length - 1].start);
  return top;
}

const utf8 = new TextEncoder();

/**
 * Decodes a string literal's text (with its quotes) into bytes: escapes
 * `\n \t \r \\ \' \" \hh \u{...}`; other characters as UTF-8.
 */
export function stringBytes(literal: string): Uint8Array {
  const out: number[] = [];
  const body = literal.slice(1, -1);
  let i = 0;
  while (i < body.length) {
    const c = body[i];
    if (c !== "\\") {
      const cp = body.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      for (const b of utf8.encode(ch)) out.push(b);
      i += ch.length;
      continue;
    }
    const e = body[i + 1];
    i += 2;
    switch (e) {
      case "n":
        out.push(10);
        break;
      case "t":
        out.push(9);
        break;
      case "r":
        out.push(13);
        break;
      case "\\":
        out.push(92);
        break;
      case "'":
        out.push(39);
        break;
      case '"':
        out.push(34);
        break;
      case "u": {
        const close = body.indexOf("}", i);
        if (body[i] !== "{" || close < 0) {
          throw new Error(`bad \\u escape in string ${literal}`);
        }
        const cp = parseInt(body.slice(i + 1, close).replaceAll("_", ""), 16);
        for (const b of utf8.encode(String.fromCodePoint(cp))) out.push(b);
        i = close + 1;
        break;
      }
      default: {
        const hex = body.slice(i - 1, i + 1);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) {
          throw new Error(`bad escape \\${e} in string ${literal}`);
        }
        out.push(parseInt(hex, 16));
        i += 1;
      }
    }
  }
  return new Uint8Array(out);
}
