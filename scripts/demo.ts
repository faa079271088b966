/**
 * A short tour of Godwit: `deno task demo`.
 *
 * Builds a small C program to WebAssembly with clang (or, without clang's
 * wasm32-wasi support, uses the prebuilt testdata/wasm/nbody.wasm),
 * compiles it to a native executable with Godwit, runs it, and says what
 * happened. Then it checkpoints the program midway, shows the snapshot, and
 * restores it with a binary compiled at another optimization level.
 *
 * @module
 */

import { compileFile } from "../mod.ts";
import { runProgram, TESTDATA } from "./bench_lib.ts";

const DEMO_C = `#include <stdio.h>
#include <stdlib.h>

/* Counts primes below a limit and prints a few facts. */
int main(int argc, char **argv) {
  int limit = argc > 1 ? atoi(argv[1]) : 1000000;
  char *composite = calloc(limit + 1, 1);
  int count = 0;
  for (int i = 2; i <= limit; i++) {
    if (composite[i]) continue;
    count++;
    for (long long j = (long long)i * i; j <= limit; j += i) composite[j] = 1;
  }
  printf("There are %d primes below %d.\\n", count, limit);
  const char *who = getenv("USER_NAME");
  printf("Hello, %s, from WebAssembly compiled ahead of time!\\n", who ? who : "stranger");
  free(composite);
  return 0;
}
`;

async function tryClang(source: string, output: string): Promise<boolean> {
  try {
    const result = await new Deno.Command("clang-14", {
      args: ["--target=wasm32-wasi", "-O2", "-o", output, source],
      stdout: "null",
      stderr: "null",
    }).output();
    return result.success;
  } catch {
    return false; // clang-14 is not installed
  }
}

/** Runs the demo; returns the exit code. */
export async function main(): Promise<number> {
  const work = await Deno.makeTempDir({ prefix: "godwit-demo-" });
  try {
    let wasm = `${work}/primes.wasm`;
    let args = ["--env", "USER_NAME=demo user", "--", "2000000"];
    await Deno.writeTextFile(`${work}/primes.c`, DEMO_C);
    if (await tryClang(`${work}/primes.c`, wasm)) {
      console.log(
        "1. Built a small C program (a prime sieve) to WebAssembly with clang-14.",
      );
    } else {
      wasm = `${TESTDATA}/wasm/nbody.wasm`;
      args = ["--", "100000"];
      console.log(
        "1. clang-14 cannot target wasm32-wasi here: using testdata/wasm/nbody.wasm.",
      );
    }
    const size = (await Deno.stat(wasm)).size;
    const exe = `${work}/program`;
    const start = performance.now();
    await compileFile(wasm, { output: exe, optLevel: 2 });
    const seconds = (performance.now() - start) / 1000;
    const exeSize = (await Deno.stat(exe)).size;
    console.log(
      `2. Godwit compiled the ${size}-byte module to a ${exeSize}-byte native executable in ${
        seconds.toFixed(1)
      } s.`,
    );
    console.log(`3. Running it: ./program ${args.join(" ")}`);
    const run = await runProgram(exe, { args });
    for (const line of run.stdout.trimEnd().split("\n")) {
      console.log(`   | ${line}`);
    }
    if (run.stderr) {
      for (const line of run.stderr.trimEnd().split("\n")) {
        console.log(`   ! ${line}`);
      }
    }
    console.log(
      `4. It exited with code ${run.exitCode} after ${
        run.seconds.toFixed(2)
      } s, sandboxed by WASI: it saw only the environment variable we gave it.`,
    );
    if (run.exitCode !== 0) return 1;

    const snapshot = `${work}/program.snapshot`;
    const cut = ["--checkpoint-after", "20000", "--snapshot", snapshot];
    console.log(
      `5. Again, stopping at the 20000th migration point: ./program ${
        [...cut, ...args].join(" ")
      }`,
    );
    const first = await runProgram(exe, { args: [...cut, ...args] });
    console.log(
      `   exit code ${first.exitCode} (85: checkpointed), ${
        (await Deno.stat(snapshot)).size
      }-byte snapshot; stderr: ${first.stderr.trim()}`,
    );
    const { inspectCommand } = await import("../compiler/snapshot/inspect.ts");
    const report = await inspectCommand(snapshot, wasm);
    console.log("6. What the snapshot holds (godwit inspect), first lines:");
    for (const line of report.split("\n").slice(0, 14)) {
      console.log(`   | ${line}`);
    }
    const exeO0 = `${work}/program-O0`;
    await compileFile(wasm, { output: exeO0, optLevel: 0 });
    console.log(
      "7. Restoring it with a binary of the same module compiled at -O0: ./program-O0 --restore program.snapshot --",
    );
    const second = await runProgram(exeO0, {
      args: ["--restore", snapshot, "--"],
    });
    for (const line of second.stdout.trimEnd().split("\n")) {
      console.log(`   | ${line}`);
    }
    const same = first.stdout + second.stdout === run.stdout &&
      second.exitCode === run.exitCode;
    console.log(
      same
        ? "8. Output before the checkpoint plus output after the restore equals the uninterrupted run's."
        : "8. MISMATCH: the restored run's output differs from the uninterrupted run's.",
    );
    return same ? 0 : 1;
  } catch (error) {
    console.error(`demo: ${(error as Error).message}`);
    return 1;
  } finally {
    await Deno.remove(work, { recursive: true });
  }
}

if (import.meta.main) {
  Deno.exit(await main());
}
