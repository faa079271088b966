/**
 * A progress line on stderr for slow compiles: a spinner and the current
 * stage name, shown only on a terminal and only once the work has taken
 * longer than a delay, so quick compiles and redirected output stay clean.
 *
 * @module
 */

/** Reports stages of a long task. */
export interface Progress {
  /** The task entered a new stage (shown from then on). */
  stage(name: string): void;
  /** The task ended: erases the line if one was drawn. */
  done(): void;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Whether to draw at all; default: whether stderr is a terminal. */
  enabled?: boolean;
  /** Nothing is drawn before this many milliseconds; default 1000. */
  delayMs?: number;
  /** Redraw interval in milliseconds; default 100. */
  intervalMs?: number;
  /** Where to draw; default stderr. */
  write?: (text: string) => void;
  /** Leading text; default "godwit". */
  label?: string;
}

const SPINNER = ["|", "/", "-", "\\"];

/** A {@link Progress} that draws a spinner line on a terminal. */
export function createProgress(options: ProgressOptions = {}): Progress {
  const enabled = options.enabled ?? Deno.stderr.isTerminal();
  if (!enabled) return { stage() {}, done() {} };
  const encoder = new TextEncoder();
  const write = options.write ??
    ((text: string) => Deno.stderr.writeSync(encoder.encode(text)));
  const label = options.label ?? "godwit";
  const started = performance.now();
  const delay = options.delayMs ?? 1000;
  let stage = "";
  let frame = 0;
  let drawn = false;
  const draw = () => {
    if (performance.now() - started < delay) return;
    // \r + erase-line: redraw in place.
    write(`\r\x1b[2K${SPINNER[frame++ % SPINNER.length]} ${label}: ${stage}`);
    drawn = true;
  };
  const timer = setInterval(draw, options.intervalMs ?? 100);
  return {
    stage(name: string) {
      stage = name;
      // Synchronous stages block the timer: draw now so the name shows.
      draw();
    },
    done() {
      clearInterval(timer);
      if (drawn) write("\r\x1b[2K");
    },
  };
}
