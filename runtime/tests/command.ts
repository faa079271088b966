/**
 * Runs a command for the runtime's Deno tests and returns its exit code and
 * decoded output (one helper instead of a copy per test file).
 *
 * @module
 */

/** What a finished command gave. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `cmd args`; `options` go to Deno.Command (cwd, env, clearEnv). */
export async function runCommand(
  cmd: string,
  args: string[],
  options: Pick<Deno.CommandOptions, "cwd" | "env" | "clearEnv"> = {},
): Promise<CommandResult> {
  const out = await new Deno.Command(cmd, {
    ...options,
    args,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return {
    code: out.code,
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr),
  };
}
