import assert from "node:assert/strict";
import {
  crHopRequest,
  crInvokeRequest,
  crRestoreRequest,
  hexName,
  invokeRequest,
  parseReply,
  SpecDriver,
  unhexName,
} from "./driver_protocol.ts";

Deno.test("requests encode names as hex and values losslessly", () => {
  assert.equal(hexName("a b"), "=612062");
  assert.equal(hexName(""), "=");
  assert.equal(
    invokeRequest(3, "f", [{ type: "i32", bits: 42n }, {
      type: "externref",
      ref: 7,
    }]),
    "invoke 3 =66 i32:0000002a externref:7",
  );
  assert.deepEqual(parseReply("ok i32:00000001 f64:0000000000000000"), {
    kind: "ok",
    values: ["i32:00000001", "f64:0000000000000000"],
  });
  assert.deepEqual(parseReply("ok"), { kind: "ok", values: [] });
  assert.deepEqual(parseReply("trap integer overflow"), {
    kind: "trap",
    message: "integer overflow",
  });
  assert.equal(parseReply("garbage").kind, "error");
});

Deno.test("checkpoint injection requests and replies", () => {
  assert.equal(
    crInvokeRequest(2, "f", [{ type: "i32", bits: 5n }], {
      maxPoints: 50,
      within: 0,
      budgetMs: 2000,
      freshEvery: 10,
      freshPrefix: "/tmp/x",
      chain: true,
      depthLimit: 3000,
    }),
    "crinvoke 2 =66 50 0 2000 10 /tmp/x 1 3000 i32:00000005",
  );
  assert.equal(
    crRestoreRequest(0, "/a.so", "f", "/s.snap", []),
    "crrestore 0 /a.so =66 /s.snap",
  );
  assert.equal(
    crHopRequest(0, "/a.so", "f", "/s.snap", "/t.snap", []),
    "crhop 0 /a.so =66 /s.snap /t.snap",
  );
  assert.equal(parseReply("cr hop=1 ; ok").cr?.hop, true);
  assert.equal(parseReply("cr hop=0 hash=1 ; ok").cr?.hop, false);
  assert.equal(unhexName(hexName("é x")), "é x");
  assert.deepEqual(
    parseReply(
      `cr reached=9 checked=4 mismatched=1 nocp=2 unchecked=3 full=5 ` +
        `fresh=3,7 ` +
        `hash=00ff nocp_reason=${hexName("why")} detail=${
          hexName("point 3")
        } ; ok i32:00000001`,
    ),
    {
      kind: "ok",
      values: ["i32:00000001"],
      cr: {
        reached: 9,
        checked: 4,
        mismatched: 1,
        notCheckpointable: 2,
        unchecked: 3,
        full: 5,
        notCheckpointableReason: "why",
        detail: "point 3",
        hash: "00ff",
        fresh: [3, 7],
        hop: false,
      },
    },
  );
  const trap = parseReply(
    "cr reached=1 checked=1 mismatched=0 nocp=0 fresh=- hash=1 nocp_reason== detail== ; trap unreachable",
  );
  assert.equal(trap.kind, "trap");
  assert.deepEqual(trap.cr?.fresh, []);
  assert.equal(trap.cr?.detail, "");
  assert.equal(parseReply("cr reached=1").kind, "error");
});

/** A stand-in driver: a shell script with the given body per request. */
async function fakeDriver(body: string): Promise<string> {
  const path = await Deno.makeTempFile({ suffix: ".sh" });
  await Deno.writeTextFile(
    path,
    `#!/bin/sh\nwhile read line; do\n${body}\ndone\n`,
  );
  await Deno.chmod(path, 0o755);
  return path;
}

Deno.test("a hanging driver times out and is killed", async () => {
  const path = await fakeDriver("sleep 3");
  const d = new SpecDriver(path);
  const started = Date.now();
  const reply = await d.request("invoke 0 66", 300);
  assert.equal(reply.kind, "timeout");
  assert.ok(Date.now() - started < 5000);
  assert.ok(d.dead);
  await d.close();
  await Deno.remove(path);
});

Deno.test("a dying driver is reported as a crash with its stderr", async () => {
  const path = await fakeDriver(`echo "boom: bad thing" >&2; kill -SEGV $$`);
  const d = new SpecDriver(path);
  const reply = await d.request("invoke 0 66", 5000);
  assert.equal(reply.kind, "crash");
  assert.match((reply as { message: string }).message, /SIGSEGV|signal/);
  await d.close();
  await Deno.remove(path);
});

Deno.test("replies arrive in order, one per request", async () => {
  const path = await fakeDriver(`echo "ok i32:\${line#invoke }"`);
  const d = new SpecDriver(path);
  for (const n of ["00000001", "00000002", "00000003"]) {
    assert.deepEqual(await d.request(`invoke ${n}`, 5000), {
      kind: "ok",
      values: [`i32:${n}`],
    });
  }
  await d.close();
  await Deno.remove(path);
});
