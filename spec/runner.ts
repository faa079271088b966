/**
 * Runs one parsed .wast script through Godwit's AOT path: modules are
 * compiled to shared objects and loaded into a spec_driver process, and
 * every assertion is checked against the driver's replies. A driver crash
 * or hang costs the current module's remaining assertions, not the run.
 *
 * @module
 */

import {
  crHopRequest,
  crInvokeRequest,
  crRestoreRequest,
  type DriverReply,
  getRequest,
  invokeRequest,
  loadRequest,
  registerRequest,
  SpecDriver,
} from "./driver_protocol.ts";
import type { Action, Command, ModuleSource, ScriptModule } from "./wast.ts";
import { formatPattern, formatValue, fromWire, matchResult } from "./values.ts";
import {
  checkModule,
  type ModuleCompiler,
  type TextFeatures,
  WasmError,
  watToWasm,
} from "./toolchain.ts";

/** The outcome of one assertion (or module, or action). */
export interface AssertionRecord {
  /** Script file name, e.g. "i32.wast". */
  file: string;
  /** 1-based line of the command. */
  line: number;
  /** Command type, e.g. "assert_return". */
  command: string;
  /** pass, fail or skip. */
  outcome: "pass" | "fail" | "skip";
  /** Why it failed or was skipped (failures show expected and actual). */
  message?: string;
  /** A short category for grouping failures and skips. */
  reason?: string;
  /** Checkpoint injection's counts for this command's invocation (`--cr`). */
  cr?: CrCounts;
}

/** What checkpoint injection did for one invocation. */
export interface CrCounts {
  /** Migration points the uninterrupted run reached. */
  reached: number;
  /**
   * Points checked: by the chained check (each point's snapshot restored
   * into another instance, run to the next point and compared), or, in
   * sampling mode (`--max-points`), by full runs.
   */
  checked: number;
  /** Checks that did not reproduce the uninterrupted run. */
  mismatched: number;
  /** Points that cannot be checkpointed portably. */
  notCheckpointable: number;
  /** Reached points neither checked nor not checkpointable. */
  unchecked: number;
  /** Full-run checks (restore, run to the end, compare). */
  full: number;
  /** Why not (normalized), when notCheckpointable > 0. */
  notCheckpointableReason?: string;
  /** Restores done in a fresh driver process (also counted in checked). */
  fresh: number;
  /** `--cross-cpu`: this CPU's snapshots restored and finished on the other CPU. */
  crossOut?: number;
  /** `--cross-cpu`: the other CPU's snapshots restored and finished on this CPU. */
  crossIn?: number;
}

/** The other CPU of `--cross-cpu`: its driver and compiler. */
export interface CrossContext {
  /** The other CPU's name, for messages. */
  name: string;
  /** How to start its spec_driver (e.g. qemu-aarch64 with arguments). */
  driverPath: string;
  /** Its arguments. */
  driverArgs: string[];
  /** Compiles modules for it. */
  compiler: ModuleCompiler;
  /** Cross checks per script file at most. */
  perFile: number;
  /** Its driver is restarted after this many requests (bounds qemu's memory). */
  restartEvery: number;
}

/** Checkpoint injection settings (`deno task spec --cr`). */
export interface CrContext {
  /** Chained check of every point; off: sampling mode (full runs only). */
  chain: boolean;
  /**
   * Full-run checks per invocation at most, spread evenly (with the chain,
   * plus up to as many first occurrences of distinct migration points).
   */
  maxPoints: number;
  /** assert_exhaustion invocations run with this call-depth limit (0: the driver's). */
  exhaustionDepth: number;
  /** The cap for assert_exhaustion invocations (deep recursion). */
  exhaustionPoints: number;
  /** assert_exhaustion: points are sampled among the first this-many. */
  exhaustionWithin: number;
  /** Per-invocation time budget for checks, in ms (at least one point is checked). */
  budgetMs: number;
  /** Every this-many-th check also restores in a fresh process (0: never). */
  freshEvery: number;
  /** A folder for snapshot files of fresh-process restores. */
  tempDir: string;
  /** `--cross-cpu`: fresh-process restores also on the other CPU. */
  cross?: CrossContext;
}

/** What a script run needs. */
export interface ScriptContext {
  /** Path of the spec_driver executable. */
  driverPath: string;
  /** Compiles modules (cached). */
  compiler: ModuleCompiler;
  /** Per-request limit in milliseconds. */
  timeoutMs: number;
  /** Treat mismatching malformed/invalid messages as failures. */
  strictMessages: boolean;
  /** Skip modules that need SIMD codegen instead of failing them. */
  noSimd: boolean;
  /** Called after each recorded assertion. */
  onRecord?: (r: AssertionRecord) => void;
  /** Checkpoint injection; off when undefined. */
  cr?: CrContext;
  /** Extra spec_driver arguments (tests use --debug-corrupt-local). */
  driverArgs?: string[];
  /** Proposals module text may use (default "2.0"). */
  textFeatures?: TextFeatures;
  /** The 3.0 feature the script tests (spec/features.ts), named in its modules' errors. */
  feature?: string;
}

/** The failure reason of a checkpoint/restore mismatch. */
export const CR_MISMATCH_REASON = "checkpoint/restore mismatch";

/** Whether two replies report the same outcome (results or trap). */
function sameOutcome(a: DriverReply, b: DriverReply): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === "ok" && b.kind === "ok") {
    return a.values.join(" ") === b.values.join(" ");
  }
  return "message" in a && "message" in b && a.message === b.message;
}

/** The skip reason for SIMD, shared with the report. */
export const SIMD_REASON = "SIMD not supported yet";
/** The skip reason for quoted text modules wabt accepts. */
export const QUOTE_REASON = "text-format assert_malformed (module quote)";

/**
 * Rewrites non-ASCII characters inside string literals as `\u{...}`
 * escapes (same meaning): the npm wabt's string input mangles non-ASCII
 * text (e.g. names.wast's U+FEFF export name), its escapes it reads right.
 */
export function escapeNonAsciiInStrings(text: string): string {
  if (!/[^\p{ASCII}]/u.test(text)) return text;
  let out = "";
  let inString = false;
  let lineComment = false;
  let blockDepth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (lineComment) {
      if (c === "\n") lineComment = false;
    } else if (blockDepth > 0) {
      if (c === "(" && text[i + 1] === ";") {
        blockDepth++;
        out += "(;";
        i++;
        continue;
      }
      if (c === ";" && text[i + 1] === ")") {
        blockDepth--;
        out += ";)";
        i++;
        continue;
      }
    } else if (inString) {
      if (c === "\\") {
        out += c + (text[i + 1] ?? "");
        i++;
        continue;
      }
      if (c === '"') inString = false;
      else if (c.charCodeAt(0) > 0x7f) {
        const cp = text.codePointAt(i)!;
        out += `\\u{${cp.toString(16)}}`;
        if (cp > 0xffff) i++;
        continue;
      }
    } else if (c === '"') {
      inString = true;
    } else if (c === ";" && text[i + 1] === ";") {
      lineComment = true;
    } else if (c === "(" && text[i + 1] === ";") {
      blockDepth = 1;
      out += "(;";
      i++;
      continue;
    }
    out += c;
  }
  return out;
}

/** Turns a module source into bytes (wabt for text). */
async function moduleBytes(
  source: ModuleSource,
  file: string,
  features: TextFeatures = "2.0",
): Promise<Uint8Array> {
  if (source.kind === "binary") return source.bytes;
  return await watToWasm(
    escapeNonAsciiInStrings(source.text),
    file,
    features,
  );
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split("\n")[0].slice(0, 300);
}

function isSimdError(msg: string): boolean {
  return /SIMD|v128/i.test(msg);
}

/** Whether the actual error text matches the spec's expected text. */
function messageMatches(actual: string, expected: string): boolean {
  return actual.startsWith(expected) || actual.includes(expected) ||
    expected.startsWith(actual);
}

/** A module's state in the running script. */
interface LoadedModule {
  id?: number; // driver instance id, when loaded
  bytes?: Uint8Array; // the module, for a build for the other CPU
  broken?: string; // why it is unusable
  simd?: boolean; // broken because of SIMD
  so?: string;
}

/** Runs one script; returns a record per module, action and assertion. */
export async function runScript(
  file: string,
  commands: Command[],
  ctx: ScriptContext,
): Promise<AssertionRecord[]> {
  const records: AssertionRecord[] = [];
  // Checkpoint injection's findings for the invocation being recorded.
  let pendingCr: { counts: CrCounts; failures: string[] } | undefined;
  const record = (r: AssertionRecord) => {
    if (pendingCr) {
      const { counts, failures } = pendingCr;
      pendingCr = undefined;
      r = { ...r, cr: counts };
      records.push(r);
      ctx.onRecord?.(r);
      for (const message of failures) {
        const f: AssertionRecord = {
          file,
          line: r.line,
          command: `${r.command} (checkpoint/restore)`,
          outcome: "fail",
          message,
          reason: CR_MISMATCH_REASON,
        };
        records.push(f);
        ctx.onRecord?.(f);
      }
      return;
    }
    records.push(r);
    ctx.onRecord?.(r);
  };

  // Start converting and compiling every instantiated module up front: the
  // compiler's semaphore bounds the work, and results arrive in order.
  const prepared = new Map<
    number,
    Promise<{ bytes: Uint8Array; so?: string; error?: string; simd?: boolean }>
  >();
  // In a script for a 3.0 feature, a module that cannot be used says so.
  const tag = ctx.feature && ctx.feature !== "2.0 core"
    ? `[${ctx.feature}] `
    : "";
  const prepare = (index: number, source: ModuleSource) => {
    const p = (async () => {
      let bytes: Uint8Array;
      try {
        bytes = await moduleBytes(source, file, ctx.textFeatures);
      } catch (e) {
        return {
          bytes: new Uint8Array(),
          error: `${tag}wabt rejected the module text: ${firstLine(e)}`,
        };
      }
      try {
        checkModule(bytes);
      } catch (e) {
        return { bytes, error: `${tag}module rejected: ${firstLine(e)}` };
      }
      try {
        return { bytes, so: await ctx.compiler.compile(bytes) };
      } catch (e) {
        const msg = firstLine(e);
        return {
          bytes,
          error: `${tag}compile failed: ${msg}`,
          simd: isSimdError(msg),
        };
      }
    })();
    p.catch(() => {});
    prepared.set(index, p);
  };
  commands.forEach((c, i) => {
    if (
      c.type === "module" || c.type === "assert_trap_module" ||
      c.type === "assert_unlinkable" || c.type === "assert_uninstantiable"
    ) {
      prepare(i, c.module.source);
    }
  });

  let driver: SpecDriver | undefined;
  let nextId = 0;
  const named = new Map<string, LoadedModule>();
  const definitions = new Map<string, string>(); // 3.0 module definitions: name -> .so
  let current: LoadedModule | undefined;
  const registered: { as: string; so: string }[] = [];

  /** Sends a request, restarting the driver after a crash or hang. */
  const send = async (
    line: string,
    timeoutMs = ctx.timeoutMs,
  ): Promise<DriverReply> => {
    if (!driver || driver.dead) await restart();
    const reply = await driver!.request(line, timeoutMs);
    if (reply.kind === "crash" || reply.kind === "timeout") {
      driver!.kill();
      const lost = `instance lost: driver ${
        reply.kind === "crash" ? "crashed" : "timed out"
      } earlier`;
      for (const m of named.values()) if (m.id !== undefined) m.broken ??= lost;
      if (current && current.id !== undefined) current.broken ??= lost;
      driver = undefined;
    }
    return reply;
  };
  const restart = async () => {
    driver = new SpecDriver(ctx.driverPath, ctx.driverArgs);
    nextId = 0;
    // Registered modules are reloaded fresh so later imports still link.
    for (const r of registered) {
      const id = nextId++;
      const reply = await driver.request(loadRequest(id, r.so), ctx.timeoutMs);
      if (reply.kind === "ok") {
        await driver.request(registerRequest(r.as, id), ctx.timeoutMs);
      }
    }
  };

  const target = (
    name?: string,
  ): LoadedModule | undefined => (name ? named.get(name) : current);

  const brokenOutcome = (
    r: Omit<AssertionRecord, "outcome">,
    m: LoadedModule | undefined,
  ): AssertionRecord => {
    if (!m) {
      return {
        ...r,
        outcome: "fail",
        message: "no module defined",
        reason: "no module",
      };
    }
    if (m.simd && ctx.noSimd) {
      return { ...r, outcome: "skip", reason: SIMD_REASON };
    }
    return {
      ...r,
      outcome: "fail",
      message: m.broken,
      reason: m.simd ? SIMD_REASON : "module unusable",
    };
  };

  /**
   * Restores a snapshot the driver wrote in a fresh driver process and
   * checks that it ends like the uninterrupted run. The driver only writes
   * such snapshots for modules that import from spectest alone, so the
   * fresh process needs no other module. Returns a failure message or "".
   */
  const restoreInFreshProcess = async (
    so: string,
    action: Action & { kind: "invoke" },
    snapshot: string,
    point: number,
    want: DriverReply,
  ): Promise<string> => {
    const fresh = new SpecDriver(ctx.driverPath, ctx.driverArgs);
    try {
      const got = await fresh.request(
        crRestoreRequest(0, so, action.field, snapshot, action.args),
        ctx.timeoutMs * 2,
      );
      const where = `checkpoint at point ${point} restored in a fresh process`;
      if (!got.cr) return `${where}: ${describe(got)}`;
      if (!sameOutcome(got, want)) {
        return `${where}: uninterrupted ${describe(want)}, restored ${
          describe(got)
        }`;
      }
      if (got.cr.hash !== want.cr?.hash) return `${where}: final state differs`;
      return "";
    } finally {
      await fresh.close();
      await Deno.remove(snapshot).catch(() => {});
    }
  };

  // --cross-cpu: the other CPU's driver (restarted every few requests) and
  // how many cross checks this file has had.
  let other: SpecDriver | undefined;
  let otherRequests = 0;
  let crossDone = 0;
  const otherRequest = async (
    cross: CrossContext,
    line: string,
  ): Promise<DriverReply> => {
    if (other && (other.dead || otherRequests >= cross.restartEvery)) {
      await other.close();
      other = undefined;
    }
    if (!other) {
      other = new SpecDriver(cross.driverPath, cross.driverArgs);
      otherRequests = 0;
    }
    otherRequests++;
    const reply = await other.request(line, ctx.timeoutMs * 6);
    if (reply.kind === "crash" || reply.kind === "timeout") other.kill();
    return reply;
  };

  /**
   * The cross-CPU check of one snapshot taken here: restored and finished
   * on the other CPU; and restored there, checkpointed again at its next
   * point, and that snapshot restored and finished here. Both must end
   * like the uninterrupted run. Returns failure messages.
   */
  const crossCheck = async (
    cross: CrossContext,
    m: LoadedModule,
    action: Action & { kind: "invoke" },
    snapshot: string,
    point: number,
    want: DriverReply,
    counts: CrCounts,
  ): Promise<string[]> => {
    const failures: string[] = [];
    let otherSo: string;
    try {
      otherSo = await cross.compiler.compile(m.bytes!);
    } catch (e) {
      return [`cross-CPU: cannot build for ${cross.name}: ${firstLine(e)}`];
    }
    const where = `checkpoint at point ${point}`;
    const check = (got: DriverReply, what: string) => {
      if (!got.cr) failures.push(`${where} ${what}: ${describe(got)}`);
      else if (!sameOutcome(got, want)) {
        failures.push(
          `${where} ${what}: uninterrupted ${describe(want)}, restored ${
            describe(got)
          }`,
        );
      } else if (got.cr.hash !== want.cr?.hash) {
        failures.push(`${where} ${what}: final state differs`);
      }
    };
    const out = await otherRequest(
      cross,
      crRestoreRequest(0, otherSo, action.field, snapshot, action.args),
    );
    counts.crossOut = (counts.crossOut ?? 0) + 1;
    check(out, `restored on ${cross.name}`);
    const hopped = `${snapshot}.hop`;
    const hop = await otherRequest(
      cross,
      crHopRequest(0, otherSo, action.field, snapshot, hopped, action.args),
    );
    if (!hop.cr) {
      failures.push(`${where} restored on ${cross.name}: ${describe(hop)}`);
    } else if (!hop.cr.hop) {
      check(hop, `restored on ${cross.name}`); // it ended before a next point
    } else {
      const fresh = new SpecDriver(ctx.driverPath, ctx.driverArgs);
      try {
        const back = await fresh.request(
          crRestoreRequest(0, m.so!, action.field, hopped, action.args),
          ctx.timeoutMs * 2,
        );
        counts.crossIn = (counts.crossIn ?? 0) + 1;
        check(back, `checkpointed again on ${cross.name}, restored here`);
      } finally {
        await fresh.close();
        await Deno.remove(hopped).catch(() => {});
      }
    }
    return failures;
  };

  /** An invocation with checkpoint injection; sets pendingCr. */
  const invokeWithCr = async (
    cr: CrContext,
    m: LoadedModule & { id: number },
    action: Action & { kind: "invoke" },
    base: Omit<AssertionRecord, "outcome">,
  ): Promise<DriverReply> => {
    const prefix = `${cr.tempDir}/${
      file.replace(/[^\w.-]/g, "_")
    }-${base.line}`;
    const exhaustion = base.command === "assert_exhaustion";
    const reply = await send(
      crInvokeRequest(m.id, action.field, action.args, {
        maxPoints: exhaustion ? cr.exhaustionPoints : cr.maxPoints,
        within: exhaustion ? cr.exhaustionWithin : 0,
        budgetMs: cr.budgetMs,
        freshEvery: !m.so ? 0 : cr.cross
          // Not assert_exhaustion: a restore must recurse to the other
          // driver's full depth, under qemu minutes.
          ? (crossDone < cr.cross.perFile && m.bytes && !exhaustion ? 1 : 0)
          : cr.freshEvery,
        freshPrefix: prefix,
        chain: cr.chain,
        depthLimit: exhaustion ? cr.exhaustionDepth : 0,
      }),
      // The chained check of a long loop (65,536 points) needs its time.
      ctx.timeoutMs * 20 + cr.budgetMs,
    );
    if (!reply.cr) return reply;
    const counts: CrCounts = {
      reached: reply.cr.reached,
      checked: reply.cr.checked,
      mismatched: reply.cr.mismatched,
      notCheckpointable: reply.cr.notCheckpointable,
      unchecked: reply.cr.unchecked,
      full: reply.cr.full,
      fresh: 0,
    };
    if (counts.notCheckpointable > 0) {
      counts.notCheckpointableReason = reply.cr.notCheckpointableReason
        .replace(/\d+/g, "N");
    }
    const failures: string[] = [];
    if (reply.cr.mismatched > 0) {
      failures.push(
        `${reply.cr.mismatched} checks (of ${reply.cr.reached} points, ` +
          `${reply.cr.full} full runs) did not reproduce the uninterrupted ` +
          `run; first: ${reply.cr.detail}`,
      );
    }
    if (cr.chain && reply.cr.unchecked > 0 && reply.cr.mismatched === 0) {
      failures.push(
        `${reply.cr.unchecked} of ${reply.cr.reached} points were not checked`,
      );
    }
    for (const point of reply.cr.fresh) {
      if (cr.cross && m.bytes) {
        const snapshot = `${prefix}-${point}.snap`;
        if (crossDone < cr.cross.perFile) {
          crossDone++;
          const f = await crossCheck(
            cr.cross,
            m,
            action,
            snapshot,
            point,
            reply,
            counts,
          );
          counts.mismatched += f.length;
          failures.push(...f);
        }
        await Deno.remove(snapshot).catch(() => {});
        continue;
      }
      const failure = await restoreInFreshProcess(
        m.so!,
        action,
        `${prefix}-${point}.snap`,
        point,
        reply,
      );
      counts.fresh++;
      if (failure) {
        counts.mismatched++;
        failures.push(failure);
      }
    }
    pendingCr = { counts, failures };
    return reply;
  };

  /** Runs an action; returns the reply or a ready-made record. */
  const perform = async (
    action: Action,
    base: Omit<AssertionRecord, "outcome">,
  ): Promise<DriverReply | AssertionRecord> => {
    const m = target(action.module);
    if (!m || m.broken || m.id === undefined) return brokenOutcome(base, m);
    if (action.kind === "invoke" && ctx.cr) {
      return await invokeWithCr(ctx.cr, { ...m, id: m.id }, action, base);
    }
    const line = action.kind === "invoke"
      ? invokeRequest(m.id, action.field, action.args)
      : getRequest(m.id, action.field);
    return await send(line);
  };

  const describe = (reply: DriverReply): string =>
    reply.kind === "ok"
      ? `returned ${
        reply.values.map((v) => formatValue(fromWire(v))).join(", ") ||
        "nothing"
      }`
      : `${reply.kind}: ${reply.message}`;

  const loadModule = async (
    index: number,
    mod: ScriptModule,
  ): Promise<{ reply?: DriverReply; m: LoadedModule }> => {
    const prep = await prepared.get(index)!;
    if (prep.error) return { m: { broken: prep.error, simd: prep.simd } };
    const id = nextId;
    const reply = await send(loadRequest(id, prep.so!));
    if (reply.kind === "ok") {
      nextId++;
      return { reply, m: { id, so: prep.so, bytes: prep.bytes } };
    }
    if (reply.kind !== "crash" && reply.kind !== "timeout") nextId++;
    void mod;
    return {
      reply,
      m: {
        broken: `module failed to instantiate: ${describe(reply)}`,
        so: prep.so,
      },
    };
  };

  try {
    for (let index = 0; index < commands.length; index++) {
      const c = commands[index];
      const base = { file, line: c.line, command: c.type };
      switch (c.type) {
        case "module": {
          if (c.definition) {
            const prep = await prepared.get(index)!;
            if (c.module.name && prep.so) {
              definitions.set(c.module.name, prep.so);
            }
            record(
              prep.error
                ? brokenOutcome(base, { broken: prep.error, simd: prep.simd })
                : { ...base, outcome: "pass" },
            );
            break;
          }
          const { m } = await loadModule(index, c.module);
          current = m;
          if (c.module.name) named.set(c.module.name, m);
          record(
            m.broken ? brokenOutcome(base, m) : { ...base, outcome: "pass" },
          );
          break;
        }
        case "module_instance": {
          const so = c.module ? definitions.get(c.module) : undefined;
          if (!so) {
            record({
              ...base,
              outcome: "skip",
              reason: "module instance of an unknown definition",
            });
            break;
          }
          const id = nextId;
          const reply = await send(loadRequest(id, so));
          const m: LoadedModule = reply.kind === "ok"
            ? { id, so }
            : { broken: describe(reply) };
          if (reply.kind === "ok") nextId++;
          current = m;
          if (c.instance) named.set(c.instance, m);
          record(
            m.broken
              ? {
                ...base,
                outcome: "fail",
                message: m.broken,
                reason: "instantiation failed",
              }
              : { ...base, outcome: "pass" },
          );
          break;
        }
        case "register": {
          const m = target(c.name);
          if (!m || m.broken || m.id === undefined || !m.so) {
            // Later imports will fail to link and say so; nothing to count here.
            break;
          }
          const reply = await send(registerRequest(c.as, m.id));
          if (reply.kind === "ok") registered.push({ as: c.as, so: m.so });
          break;
        }
        case "action": {
          const reply = await perform(c.action, base);
          if ("outcome" in reply) record(reply);
          else if (reply.kind === "ok") record({ ...base, outcome: "pass" });
          else {record({
              ...base,
              outcome: "fail",
              message: `expected success, got ${describe(reply)}`,
              reason: `action: ${reply.kind}`,
            });}
          break;
        }
        case "assert_return": {
          if (c.expected.some((p) => p.kind === "unsupported")) {
            const what = c.expected.find((p) => p.kind === "unsupported")!;
            record({
              ...base,
              outcome: "skip",
              reason: `unsupported result form: ${formatPattern(what)}`,
            });
            break;
          }
          const reply = await perform(c.action, base);
          if ("outcome" in reply) {
            record(reply);
            break;
          }
          const expected = c.expected.map(formatPattern).join(", ") ||
            "nothing";
          if (reply.kind !== "ok") {
            record({
              ...base,
              outcome: "fail",
              message: `expected ${expected}, got ${describe(reply)}`,
              reason: `unexpected ${reply.kind}`,
            });
            break;
          }
          let ok = reply.values.length === c.expected.length;
          try {
            const actual = reply.values.map(fromWire);
            ok = ok && c.expected.every((p, i) => matchResult(p, actual[i]));
          } catch {
            ok = false;
          }
          record(
            ok ? { ...base, outcome: "pass" } : {
              ...base,
              outcome: "fail",
              message: `expected ${expected}, got ${describe(reply)}`,
              reason: "wrong result",
            },
          );
          break;
        }
        case "assert_trap":
        case "assert_exhaustion": {
          const reply = await perform(c.action, base);
          if ("outcome" in reply) {
            record(reply);
            break;
          }
          if (reply.kind === "trap" && messageMatches(reply.message, c.text)) {
            record({ ...base, outcome: "pass" });
          } else {
            record({
              ...base,
              outcome: "fail",
              message: `expected trap "${c.text}", got ${describe(reply)}`,
              reason: reply.kind === "trap"
                ? `wrong trap (expected "${c.text}")`
                : `missing trap "${c.text}"`,
            });
          }
          break;
        }
        case "assert_trap_module":
        case "assert_uninstantiable":
        case "assert_unlinkable": {
          const want = c.type === "assert_unlinkable" ? "unlinkable" : "trap";
          const { reply, m } = await loadModule(index, c.module);
          if (!reply) {
            record(brokenOutcome(base, m));
          } else if (reply.kind === want) {
            const strictFail = ctx.strictMessages &&
              !messageMatches(reply.message, c.text);
            record(
              strictFail
                ? {
                  ...base,
                  outcome: "fail",
                  message: `expected "${c.text}", got "${reply.message}"`,
                  reason: "wrong message",
                }
                : { ...base, outcome: "pass" },
            );
          } else {
            record({
              ...base,
              outcome: "fail",
              message: `expected ${want} "${c.text}", got ${describe(reply)}`,
              reason: `expected ${want}`,
            });
          }
          break;
        }
        case "assert_invalid":
        case "assert_malformed":
          record(
            await checkRejected(
              c.type,
              c.module,
              c.text,
              base,
              file,
              ctx.strictMessages,
              ctx.textFeatures,
            ),
          );
          break;
        case "unsupported":
          record({
            ...base,
            outcome: "skip",
            reason: `unsupported command: ${c.what}`,
          });
          break;
      }
    }
  } finally {
    await driver?.close();
    await other?.close();
  }
  return records;
}

/** assert_invalid / assert_malformed: the front end must reject the module. */
async function checkRejected(
  type: "assert_invalid" | "assert_malformed",
  mod: ScriptModule,
  text: string,
  base: Omit<AssertionRecord, "outcome">,
  file: string,
  strict: boolean,
  features?: TextFeatures,
): Promise<AssertionRecord> {
  let bytes: Uint8Array;
  try {
    bytes = await moduleBytes(mod.source, file, features);
  } catch (e) {
    if (type === "assert_malformed") return { ...base, outcome: "pass" }; // a text-format error
    return {
      ...base,
      outcome: "skip",
      reason: "wabt cannot encode this invalid text module",
      message: firstLine(e),
    };
  }
  try {
    checkModule(bytes);
  } catch (e) {
    if (!(e instanceof WasmError)) {
      return {
        ...base,
        outcome: "fail",
        message: `internal error: ${firstLine(e)}`,
        reason: "front end crashed",
      };
    }
    const wantKind = type === "assert_invalid" ? "invalid" : "malformed";
    if (strict && (e.kind !== wantKind || !messageMatches(e.reason, text))) {
      return {
        ...base,
        outcome: "fail",
        message: `expected ${wantKind} "${text}", got ${e.kind} "${e.reason}"`,
        reason: "wrong message",
      };
    }
    return { ...base, outcome: "pass" };
  }
  if (type === "assert_malformed" && mod.source.kind !== "binary") {
    return { ...base, outcome: "skip", reason: QUOTE_REASON };
  }
  return {
    ...base,
    outcome: "fail",
    message: `expected ${
      type === "assert_invalid" ? "invalid" : "malformed"
    } "${text}", but the module was accepted`,
    reason: `accepted ${
      type === "assert_invalid" ? "an invalid" : "a malformed"
    } module`,
  };
}
