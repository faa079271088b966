/**
 * End-to-end tests: every program in testdata/cases.json is compiled with
 * Godwit (cached by content hash), run with its recorded arguments, stdin,
 * environment and preopened directory, and compared with the expected
 * outputs that scripts/build_testdata.sh recorded from a native clang build
 * (C) or from Node's WebAssembly engine (.wat) — never from Godwit.
 *
 * Run: `deno test -A tests/e2e_test.ts` (set GODWIT_TEST_CACHE to choose
 * the cache directory).
 */

import assert from "node:assert/strict";
import {
  type CachedProgram,
  compileCached,
  readExpected,
  readManifest,
  runCase,
  type RunResult,
  type TestCase,
  TESTDATA,
  wasmPath,
} from "../scripts/bench_lib.ts";

const manifest = await readManifest();
const casesByName = new Map(manifest.cases.map((c) => [c.name, c]));

/** At most two compilations at once (the machine has two cores). */
const MAX_PARALLEL_COMPILES = 2;
let compilesRunning = 0;
const compileQueue: (() => void)[] = [];
const compiled = new Map<string, Promise<CachedProgram>>();

/** Compiles a program once per opt level; the promise is shared by every test. */
function compiledProgram(
  program: string,
  optLevel: 0 | 2,
): Promise<CachedProgram> {
  const key = `${program}@O${optLevel}`;
  let job = compiled.get(key);
  if (!job) {
    job = (async () => {
      if (compilesRunning >= MAX_PARALLEL_COMPILES) {
        await new Promise<void>((resolve) => compileQueue.push(resolve));
      }
      compilesRunning++;
      try {
        return await compileCached(wasmPath(program), optLevel);
      } finally {
        compilesRunning--;
        compileQueue.shift()?.();
      }
    })();
    // Tests await it later; keep an early failure from being "unhandled".
    job.catch(() => {});
    compiled.set(key, job);
  }
  return job;
}

// Start every compilation now, in test order, so later tests find theirs ready.
for (const testCase of manifest.cases) compiledProgram(testCase.program, 2);
for (const name of manifest.optLevelCases) {
  compiledProgram(casesByName.get(name)!.program, 0);
}

/** Asserts that a run matches the recorded expectations of a case. */
async function assertMatchesExpected(
  testCase: TestCase,
  result: RunResult & { files?: string[] },
) {
  const expected = await readExpected(testCase.name);
  assert.equal(result.stdout, expected.stdout, `stdout of ${testCase.name}`);
  if (expected.stderr !== undefined) {
    // The runtime may append where the trap happened; the message itself is fixed.
    assert.ok(
      result.stderr.startsWith(expected.stderr),
      `stderr of ${testCase.name}: expected to start with ${
        JSON.stringify(expected.stderr)
      }, got ${JSON.stringify(result.stderr)}`,
    );
  } else {
    assert.equal(result.stderr, "", `stderr of ${testCase.name}`);
  }
  assert.equal(
    result.exitCode,
    expected.exitCode,
    `exit code of ${testCase.name}`,
  );
  if (expected.files) {
    assert.deepEqual(
      result.files,
      expected.files,
      `files left by ${testCase.name}`,
    );
  }
}

// Compilation and runs outlive single tests by design (shared compile jobs).
const sanitizers = { sanitizeOps: false, sanitizeResources: false };

Deno.test("testdata: every case has a module and expected outputs", async () => {
  for (const testCase of manifest.cases) {
    await Deno.stat(wasmPath(testCase.program));
    const expected = await readExpected(testCase.name);
    assert.equal(
      expected.exitCode === 134,
      testCase.trap !== undefined,
      `${testCase.name}: exit code 134 exactly for trap cases`,
    );
  }
  for (const name of manifest.optLevelCases) {
    assert.ok(casesByName.has(name), `optLevelCases names a case: ${name}`);
  }
  // Every source is built and used by some case.
  const used = new Set(manifest.cases.map((c) => c.program));
  for (const dir of ["c", "wat"]) {
    for await (const entry of Deno.readDir(`${TESTDATA}/${dir}`)) {
      const program = entry.name.replace(/\.(c|wat)$/, "");
      assert.ok(used.has(program), `${dir}/${entry.name} has a case`);
    }
  }
});

for (const testCase of manifest.cases) {
  Deno.test({
    name: `e2e: ${testCase.name}`,
    ...sanitizers,
    fn: async () => {
      const { path } = await compiledProgram(testCase.program, 2);
      await assertMatchesExpected(testCase, await runCase(testCase, path));
    },
  });
}

for (const name of manifest.optLevelCases) {
  const testCase = casesByName.get(name)!;
  Deno.test({
    name: `e2e: ${name} at -O0 behaves as at -O2`,
    ...sanitizers,
    fn: async () => {
      const o0 = await runCase(
        testCase,
        (await compiledProgram(testCase.program, 0)).path,
      );
      const o2 = await runCase(
        testCase,
        (await compiledProgram(testCase.program, 2)).path,
      );
      assert.equal(o0.stdout, o2.stdout);
      assert.equal(o0.exitCode, o2.exitCode);
      await assertMatchesExpected(testCase, o0);
    },
  });
}
