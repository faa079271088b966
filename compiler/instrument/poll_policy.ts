/**
 * Which migration points poll, decided once per module before code
 * generation (see the "Cost" section of docs/snapshot.md).
 *
 * Every point is a place where a frame can be *saved* (it is in the
 * module's point table and has a resume path). A *poll* is the check that
 * lets a checkpoint *start* there; the after-call check lets a frame join an
 * unwinding that started in its callee. Each costs a load and a branch, and
 * in call-heavy code they are most of the cost of C/R, so the default policy
 * keeps only the ones that bound the time until a request is honoured:
 *
 * - A function that makes calls polls at its entry, fused with the
 *   call-depth check it has anyway (one compare of the depth against
 *   `exec->cr_request`, whose bits are all above any depth: see godwit.h).
 * - A function that makes no calls (a leaf) is instrumented only if it has a
 *   loop that polls; otherwise it runs for a bounded time, can never be on
 *   the stack of a snapshot, and has no points at all (no table entries, no
 *   checks, and its callers need no after-call check).
 * - A loop polls at its header unless it is a short counted loop
 *   (compiler/wasm/body_shape.ts), whose every run is short anyway: a
 *   request is then honoured at the enclosing loop's header or the next
 *   function entry, after at most one run of the inner loop. Its loop point
 *   stays in the point table and stays resumable: its resume path enters
 *   the header from outside like any other.
 * - A direct call of a function without points needs no after-call check.
 *
 * (Leaving out the poll of a loop whose every iteration calls a polling
 * function was measured and gains nothing: a resume into the loop must still
 * be dispatched at its header, and that test costs what the poll costs.)
 *
 * `everywhere` (the spec harness's `--cr`) polls at every point of every
 * function, so the harness can checkpoint at each one; the resume machinery
 * is the same.
 *
 * The policy depends only on the module, never on the optimization level,
 * so `--checkpoint-after N` names the same point in every build of a module
 * and a snapshot restores into any of them.
 *
 * @module
 */
import { ExternKind, type Instr, type Module } from "../wasm/types.ts";
import { makesCalls, shortCountedLoops } from "../wasm/body_shape.ts";
import { Op } from "../wasm/instructions.ts";

/** Where a function polls and which of its calls need a check after them. */
export interface FunctionPolls {
  /**
   * Whether the function has migration points at all (it can be on the
   * stack of a snapshot). False only for leaves without polling loops.
   */
  instrumented: boolean;
  /** The `loop` instructions whose header has no poll. */
  unpolledLoops: ReadonlySet<Instr>;
}

/** The poll policy of a module. */
export interface PollPolicy {
  /** The policy of defined function `funcIndex` (imports counted). */
  of(funcIndex: number): FunctionPolls;
  /**
   * Whether a direct call of `funcIndex` can return while its frames unwind
   * (a checkpoint started inside it), so the caller must check after it.
   * Imports can (a blocking host call gives way to a checkpoint).
   */
  callMayUnwind(funcIndex: number): boolean;
}

/** Computes the policy; `everywhere` polls at every point. */
export function pollPolicy(module: Module, everywhere = false): PollPolicy {
  const numImported =
    module.imports.filter((i) => i.kind === ExternKind.Func).length;
  const polls: FunctionPolls[] = module.codes.map(({ body }) => {
    if (everywhere) return { instrumented: true, unpolledLoops: new Set() };
    const unpolled = shortCountedLoops(body);
    const pollingLoop = body.some((ins, k) =>
      ins.op === Op.Loop && !unpolled.has(k)
    );
    return {
      instrumented: makesCalls(body) || pollingLoop,
      unpolledLoops: new Set([...unpolled].map((k) => body[k])),
    };
  });
  return {
    of: (funcIndex) => polls[funcIndex - numImported],
    callMayUnwind: (funcIndex) =>
      funcIndex < numImported || polls[funcIndex - numImported].instrumented,
  };
}
