/**
 * The harness side of the spec driver's line protocol (spec/spec_driver.c
 * documents it): one request line on stdin, one reply line on stdout, with a
 * per-request time limit. A driver that dies or hangs is reported as such,
 * never thrown, so one bad module cannot stop a run.
 *
 * @module
 */

import { toWire, type Value } from "./values.ts";

/**
 * What checkpoint injection found for one invocation (`crinvoke`), or the
 * final state of a restore in a fresh process (`crrestore`: only `hash`).
 */
export interface CrReport {
  /** Migration points the uninterrupted run reached. */
  reached: number;
  /**
   * Points checked: by the chained check (every point) when it ran, else by
   * full runs.
   */
  checked: number;
  /** Checks whose restored run differed (or failed). */
  mismatched: number;
  /** Points that cannot be checkpointed portably. */
  notCheckpointable: number;
  /** Reached points neither checked nor not checkpointable. */
  unchecked: number;
  /** Full-run checks (restore, run to the end, compare). */
  full: number;
  /** Why (the first such point's reason), or "". */
  notCheckpointableReason: string;
  /** The first mismatch, or "". */
  detail: string;
  /** Hash of the final state (memories, tables, globals, dropped segments). */
  hash: string;
  /** Points whose snapshot was written for a restore in a fresh process. */
  fresh: number[];
  /** `crhop`: whether the restored run checkpointed again (the snapshot was written). */
  hop: boolean;
}

/** A reply of the driver, or what happened instead of one. */
export type DriverReply =
  & (
    | { kind: "ok"; values: string[] }
    | { kind: "trap"; message: string }
    | { kind: "unlinkable"; message: string }
    | { kind: "error"; message: string }
    | { kind: "crash"; message: string }
    | { kind: "timeout"; message: string }
  )
  & { cr?: CrReport };

const encoder = new TextEncoder();

/** `=` and the hex of a name's UTF-8 bytes: how names travel in the protocol. */
export function hexName(name: string): string {
  return "=" + Array.from(
    encoder.encode(name),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
}

/** Formats an `invoke` request. */
export function invokeRequest(
  id: number,
  field: string,
  args: Value[],
): string {
  return ["invoke", String(id), hexName(field), ...args.map(toWire)].join(" ");
}

/** Formats a `get` request. */
export function getRequest(id: number, field: string): string {
  return `get ${id} ${hexName(field)}`;
}

/** Formats a `load` request. */
export function loadRequest(id: number, path: string): string {
  if (/\s/.test(path)) {
    throw new Error(`module path must not contain spaces: ${path}`);
  }
  return `load ${id} ${path}`;
}

/** Formats a `register` request. */
export function registerRequest(name: string, id: number): string {
  return `register ${hexName(name)} ${id}`;
}

/** How `crinvoke` samples migration points. */
export interface CrInvokeOptions {
  /** At most this many points are checkpointed (spread evenly). */
  maxPoints: number;
  /** Only among the first this-many points reached (0: all). */
  within: number;
  /** Stop sampling after this many milliseconds (at least one point is checked). */
  budgetMs: number;
  /** Every this-many-th check also writes its snapshot for a fresh process (0: none). */
  freshEvery: number;
  /** Snapshot files are `<prefix>-<point>.snap`; "-" for none. */
  freshPrefix: string;
  /** Run the chained check of every point (`maxPoints` then sizes the full-run sample). */
  chain: boolean;
  /** Call-depth limit for this invocation (0: the driver's). */
  depthLimit: number;
}

/** Formats a `crinvoke` request: `invoke` with checkpoint injection. */
export function crInvokeRequest(
  id: number,
  field: string,
  args: Value[],
  options: CrInvokeOptions,
): string {
  if (/\s/.test(options.freshPrefix)) {
    throw new Error(
      `snapshot prefix must not contain spaces: ${options.freshPrefix}`,
    );
  }
  return [
    "crinvoke",
    String(id),
    hexName(field),
    String(options.maxPoints),
    String(options.within),
    String(Math.round(options.budgetMs)),
    String(options.freshEvery),
    options.freshPrefix,
    options.chain ? "1" : "0",
    String(options.depthLimit),
    ...args.map(toWire),
  ].join(" ");
}

/**
 * Formats a `crrestore` request: link `path` as instance `id` (no start),
 * restore `snapshot` into a fresh instance and finish the call of `field`.
 */
export function crRestoreRequest(
  id: number,
  path: string,
  field: string,
  snapshot: string,
  args: Value[],
): string {
  if (/\s/.test(path + snapshot)) {
    throw new Error(`paths must not contain spaces: ${path} ${snapshot}`);
  }
  return [
    "crrestore",
    String(id),
    path,
    hexName(field),
    snapshot,
    ...args.map(toWire),
  ].join(" ");
}

/**
 * Formats a `crhop` request: like `crrestore`, but the restored run
 * checkpoints again at its next point and writes that snapshot to `out`.
 */
export function crHopRequest(
  id: number,
  path: string,
  field: string,
  snapshot: string,
  out: string,
  args: Value[],
): string {
  if (/\s/.test(path + snapshot + out)) {
    throw new Error(
      `paths must not contain spaces: ${path} ${snapshot} ${out}`,
    );
  }
  return [
    "crhop",
    String(id),
    path,
    hexName(field),
    snapshot,
    out,
    ...args.map(toWire),
  ].join(" ");
}

const decoder = new TextDecoder();

/** Decodes an `=`-prefixed hex name (see {@link hexName}). */
export function unhexName(text: string): string {
  const hex = text.startsWith("=") ? text.slice(1) : text;
  const bytes = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  }
  return decoder.decode(bytes);
}

/** Parses the `key=value` words before " ; " of a `cr` reply. */
function parseCrReport(words: string[]): CrReport {
  const fields = new Map<string, string>();
  for (const w of words) {
    const eq = w.indexOf("=");
    if (eq > 0) fields.set(w.slice(0, eq), w.slice(eq + 1));
  }
  const num = (k: string) => Number(fields.get(k) ?? "0");
  const fresh = fields.get("fresh") ?? "-";
  return {
    reached: num("reached"),
    checked: num("checked"),
    mismatched: num("mismatched"),
    notCheckpointable: num("nocp"),
    unchecked: num("unchecked"),
    full: num("full"),
    notCheckpointableReason: unhexName(fields.get("nocp_reason") ?? ""),
    detail: unhexName(fields.get("detail") ?? ""),
    hash: fields.get("hash") ?? "",
    fresh: fresh === "-" || fresh === "" ? [] : fresh.split(",").map(Number),
    hop: fields.get("hop") === "1",
  };
}

/** Parses one reply line. */
export function parseReply(line: string): DriverReply {
  if (line.startsWith("cr ")) {
    const sep = line.indexOf(" ; ");
    if (sep < 0) {
      return {
        kind: "error",
        message: `unexpected driver output: ${line.slice(0, 200)}`,
      };
    }
    const cr = parseCrReport(line.slice(3, sep).split(" "));
    return { ...parseReply(line.slice(sep + 3)), cr };
  }
  const space = line.indexOf(" ");
  const word = space < 0 ? line : line.slice(0, space);
  const rest = space < 0 ? "" : line.slice(space + 1);
  switch (word) {
    case "ok":
      return { kind: "ok", values: rest === "" ? [] : rest.split(" ") };
    case "trap":
    case "unlinkable":
    case "error":
      return { kind: word, message: rest };
    default:
      return {
        kind: "error",
        message: `unexpected driver output: ${line.slice(0, 200)}`,
      };
  }
}

/** One running spec_driver process. */
export class SpecDriver {
  readonly #child: Deno.ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #reader: ReadableStreamDefaultReader<string>;
  #buffer = "";
  #stderrTail = "";
  #dead = false;

  /** Starts `path` with `args`. */
  constructor(path: string, args: string[] = []) {
    this.#child = new Deno.Command(path, {
      args,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#writer = this.#child.stdin.getWriter();
    this.#reader = this.#child.stdout.pipeThrough(new TextDecoderStream())
      .getReader();
    this.#collectStderr();
  }

  async #collectStderr(): Promise<void> {
    try {
      for await (
        const chunk of this.#child.stderr.pipeThrough(new TextDecoderStream())
      ) {
        this.#stderrTail = (this.#stderrTail + chunk).slice(-2000);
      }
    } catch {
      // The process went away; nothing more to read.
    }
  }

  /** Whether the process has died or been killed. */
  get dead(): boolean {
    return this.#dead;
  }

  /** Sends one request and waits at most `timeoutMs` for its reply. */
  async request(line: string, timeoutMs: number): Promise<DriverReply> {
    if (this.#dead) return { kind: "crash", message: "driver is not running" };
    try {
      await this.#writer.write(encoder.encode(line + "\n"));
    } catch {
      return await this.#crashed();
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
    });
    try {
      while (true) {
        const nl = this.#buffer.indexOf("\n");
        if (nl >= 0) {
          const reply = this.#buffer.slice(0, nl);
          this.#buffer = this.#buffer.slice(nl + 1);
          return parseReply(reply);
        }
        const next = await Promise.race([this.#reader.read(), timeout]);
        if (next === "timeout") {
          this.kill();
          return {
            kind: "timeout",
            message: `no reply within ${timeoutMs / 1000} s`,
          };
        }
        if (next.done) return await this.#crashed();
        this.#buffer += next.value;
      }
    } finally {
      clearTimeout(timer);
    }
  }

  async #crashed(): Promise<DriverReply> {
    this.#dead = true;
    const status = await this.#child.status;
    // Give the stderr reader a moment to drain what the process wrote.
    await new Promise((r) => setTimeout(r, 20));
    const how = status.signal
      ? `signal ${status.signal}`
      : `exit code ${status.code}`;
    const tail = this.#stderrTail.trim().split("\n").slice(-3).join(" | ");
    return {
      kind: "crash",
      message: `driver died (${how})${tail ? `: ${tail}` : ""}`,
    };
  }

  /** Kills the process (it is restarted by the caller if needed). */
  kill(): void {
    if (this.#dead) return;
    this.#dead = true;
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
  }

  /** Asks the driver to quit and waits for it. */
  async close(): Promise<void> {
    if (!this.#dead) {
      try {
        await this.#writer.write(encoder.encode("quit\n"));
        await this.#writer.close();
      } catch {
        // It may have died already.
      }
    }
    this.#dead = true;
    try {
      await this.#reader.cancel();
    } catch {
      // Ignore.
    }
    await this.#child.status;
  }
}
