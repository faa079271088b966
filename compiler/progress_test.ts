import assert from "node:assert/strict";
import { createProgress } from "./progress.ts";

function escape(text: string): string {
  return text.replace(/[[\]\\^$.|?*+()]/g, "\\$&");
}

Deno.test("progress draws stage names after the delay and erases its line", async () => {
  let text = "";
  const progress = createProgress({
    enabled: true,
    delayMs: 30,
    intervalMs: 5,
    write: (t) => text += t,
  });
  progress.stage("decode");
  assert.equal(text, "", "nothing before the delay");
  await new Promise((r) => setTimeout(r, 60));
  progress.stage("codegen");
  progress.done();
  const ERASE = "\r\x1b[2K";
  assert.match(text, new RegExp(`${escape(ERASE)}[|/\\\\-] godwit: decode`));
  assert.match(text, new RegExp(`${escape(ERASE)}[|/\\\\-] godwit: codegen`));
  assert.ok(text.endsWith("\r\x1b[2K"));
});

Deno.test("progress stays silent for quick tasks and when disabled", async () => {
  let text = "";
  const quick = createProgress({
    enabled: true,
    delayMs: 1000,
    intervalMs: 5,
    write: (t) => text += t,
  });
  quick.stage("decode");
  await new Promise((r) => setTimeout(r, 20));
  quick.done();
  const off = createProgress({
    enabled: false,
    delayMs: 0,
    write: (t) => text += t,
  });
  off.stage("decode");
  off.done();
  assert.equal(text, "");
});
