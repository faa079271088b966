/**
 * `deno task fuzz` split into child processes (--per-process): the modules
 * and their calls are those of the same seeds run in one process.
 */

import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { runCampaign } from "./campaign.ts";

const SEED = 20261602;
const COUNT = 5;

Deno.test("a campaign run as child processes reports every module once, as one process does", async () => {
  const main = new URL("./main.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      main,
      "--seed",
      String(SEED),
      "--count",
      String(COUNT),
      "--per-process",
      "2",
      "--timeout",
      "30",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assertEquals(out.code, 0, text + new TextDecoder().decode(out.stderr));
  const single = await runCampaign(
    { seed: SEED, count: COUNT, jobs: 2, triage: false, timeoutMs: 30_000 },
    () => "",
  );
  const calls = single.modules.reduce(
    (n, m) => n + (m.comparison?.compared ?? 0),
    0,
  );
  assertEquals(calls > 0, true, "the seeds make no calls");
  assertEquals(
    {
      processes: /; 3 processes of at most 2$/m.test(text),
      modules: text.match(/^modules: .*$/m)?.[0],
      calls: text.match(/^calls compared: (\d+)/m)?.[1],
      last: text.trim().split("\n").at(-1),
    },
    {
      processes: true,
      modules: `modules: ${COUNT} (${COUNT} clean, 0 mismatched, 0 not run)`,
      calls: String(calls),
      last: `${COUNT} passed, 0 failed`,
    },
  );
});
