/**
 * The sandbox and the authority of a restore, end to end, with a real
 * program: tests/sandbox/probe.c (wasm32-wasi, raw WASI calls) compiled by
 * Godwit tries to leave its preopened directory every way we know (`..`,
 * absolute paths, symlinks out that exist or that it makes, a symlink to the
 * parent, opendir/stat of the parent, rename, hard links and unlink across
 * the edge, a directory fd's own parent), and reads through symlinks that
 * stay inside. The oracle is the policy, written out below line by line,
 * and the host tree itself (nothing outside read, changed or made).
 *
 * The same program is checkpointed at several points (in its work loop with
 * a directory and a file open, and in the middle of the attempts) and
 * restored elsewhere (another directory layout, granted with
 * `--dir NEW::data`): the output must be the same. Then hand-edited
 * snapshots (CRC re-sealed): a recorded preopen host of "/" or of another
 * directory changes nothing (only the restore's --dir counts), descriptor
 * paths that leave the preopen are refused, a guest without --dir is exit
 * 125 with one line naming it, --trust-snapshot-paths uses the recorded
 * path. And --max-memory bounds memory.grow, before and after a restore.
 *
 * The swap of a symlink between the resolver's check and its use needs a
 * second actor at an exact moment: runtime/tests/wasi_unit_test.c
 * (test_races) does it deterministically through the resolver's test seam.
 *
 * Run: `deno test -A tests/sandbox_test.ts` (needs clang-14 with wasi-libc,
 * which scripts/setup.sh installs; without them the test fails rather than
 * skipping: these are the sandbox's tests).
 */
import assert from "node:assert/strict";
import {
  compileCached,
  REPO_ROOT,
  runWithStdin,
} from "../scripts/bench_lib.ts";
import { editSnapshot, snapshotJson } from "./snapshot_edit.ts";

const sanitizers = { sanitizeOps: false, sanitizeResources: false };
const EXIT_CHECKPOINTED = 85;
const EXIT_ERROR = 125;

// deno-lint-ignore no-explicit-any
type Json = any;

/** What probe.c's `sandbox` mode must print: the sandbox's policy. */
const EXPECTED = [
  "open sub (a directory fd): ok",
  "open inside.txt: ok",
  "inside.txt first 4 bytes: insi",
  "inside.txt rest: de-1234 ",
  "open ../secret: ENOTCAPABLE",
  "open /etc/passwd: ENOTCAPABLE",
  "open sub/../../secret: ENOTCAPABLE",
  "open up/secret (up -> ..): ENOTCAPABLE",
  "open abs (abs -> /etc/passwd): ENOTCAPABLE",
  "open rootlink/etc/passwd (rootlink -> /): ENOTCAPABLE",
  "open chain (chain -> sub/../../secret): ENOTCAPABLE",
  "open outlink/o.txt (outlink -> ../outside): ENOTCAPABLE",
  "symlink made -> ../secret: ok", // a relative link may be made...
  "open made: ENOTCAPABLE", // ...but not followed out
  "symlink made_abs -> /etc/passwd: ENOTCAPABLE",
  "symlink ../madeout -> inside.txt: ENOTCAPABLE",
  "opendir ..: ENOTCAPABLE",
  "opendir up (up -> ..): ENOTCAPABLE",
  "opendir up/ (up -> ..): ENOTCAPABLE",
  "stat ..: ENOTCAPABLE",
  "stat up (following): ENOTCAPABLE",
  "stat up/secret: ENOTCAPABLE",
  "stat up (the link itself): ok", // the link is inside
  "rename inside.txt -> ../moved: ENOTCAPABLE",
  "rename ../secret -> stolen: ENOTCAPABLE",
  "rename up/secret -> stolen: ENOTCAPABLE",
  "link ../secret -> hard: ENOTCAPABLE",
  "link up/secret -> hard (following): ENOTCAPABLE",
  "link inside.txt -> ../hardout: ENOTCAPABLE",
  "unlink ../secret: ENOTCAPABLE",
  "unlink up/secret: ENOTCAPABLE",
  "unlink outlink/o.txt: ENOTCAPABLE",
  "rmdir ../outside: ENOTCAPABLE",
  "create ../created: ENOTCAPABLE",
  "create up/created: ENOTCAPABLE",
  "mkdir ../newdir: ENOTCAPABLE",
  "mkdir up/newdir: ENOTCAPABLE",
  "open ../inside.txt from sub: ENOTCAPABLE",
  "open up2/inside.txt from sub (up2 -> ..): ENOTCAPABLE",
  "read ok (ok -> sub/file): ok: subfile ",
  "read sub/up2/inside.txt (up2 -> ..): ok: inside-1234 ",
  "read file from sub: ok: subfile ",
  "unlink made: ok",
  "done",
].join("\n") + "\n";

/** Checkpoint positions: start, work loop (files open), attempts. */
const POSITIONS = [1, 1500, 3000, 4400, 4700, 5000, 5300];
// (The run has about 5400; the attempts start after about 4300.)

let probe: Promise<string> | undefined;

/** The probe compiled by Godwit at -O0 (clang-14 -> wasm, cached by hash). */
function probeExe(): Promise<string> {
  probe ??= (async () => {
    const dir = await Deno.makeTempDir({ prefix: "godwit-probe-" });
    const wasm = `${dir}/probe.wasm`;
    const cc = await new Deno.Command("clang-14", {
      args: [
        "--target=wasm32-wasi",
        "-O2",
        `${REPO_ROOT}/tests/sandbox/probe.c`,
        "-o",
        wasm,
      ],
      stderr: "piped",
    }).output();
    assert.equal(cc.code, 0, new TextDecoder().decode(cc.stderr));
    // -O0: the sandbox is the runtime's C code, the same at every level,
    // and -O0 compiles in about 3 s instead of 20.
    const { path } = await compileCached(wasm, 0);
    await Deno.remove(dir, { recursive: true });
    return path;
  })();
  return probe;
}

/**
 * root/secret and root/outside/ outside the preopen root/data, whose
 * inside.txt starts with `marker` ("inside-1234\n" for the real one).
 */
async function makeTree(root: string, marker = "inside-1234\n") {
  await Deno.mkdir(`${root}/data/sub`, { recursive: true });
  await Deno.mkdir(`${root}/outside`);
  await Deno.writeTextFile(`${root}/secret`, "secret\n");
  await Deno.writeTextFile(`${root}/outside/o.txt`, "o\n");
  await Deno.writeTextFile(`${root}/data/inside.txt`, marker);
  await Deno.writeTextFile(`${root}/data/sub/file`, "subfile\n");
  const links: [string, string][] = [
    ["..", "up"],
    ["/", "rootlink"],
    ["/etc/passwd", "abs"],
    ["sub/../../secret", "chain"],
    ["sub/file", "ok"],
    ["..", "sub/up2"],
    ["../outside", "outlink"],
  ];
  for (const [target, name] of links) {
    await Deno.symlink(target, `${root}/data/${name}`);
  }
}

/** Copies the tree at `from` to a new directory `to`, symlinks as they are. */
async function copyTree(from: string, to: string) {
  const cp = await new Deno.Command("cp", { args: ["-a", from, to] }).output();
  assert.equal(cp.code, 0, `cp -a ${from} ${to}`);
}

/** Nothing outside root/data was changed or made; data is as it was. */
async function assertTreeIntact(root: string, what: string) {
  assert.equal(await Deno.readTextFile(`${root}/secret`), "secret\n", what);
  assert.equal(await Deno.readTextFile(`${root}/outside/o.txt`), "o\n", what);
  const names: string[] = [];
  for await (const e of Deno.readDir(root)) names.push(e.name);
  assert.deepEqual(
    names.filter((n) => !n.endsWith(".snap")).sort(),
    ["data", "outside", "secret"],
    what,
  );
  const inData: string[] = [];
  for await (const e of Deno.readDir(`${root}/data`)) inData.push(e.name);
  assert.deepEqual(inData.sort(), [
    "abs",
    "chain",
    "inside.txt",
    "ok",
    "outlink",
    "rootlink",
    "sub",
    "up",
  ], what);
  assert.equal((await Deno.stat(`${root}/secret`)).nlink, 1, what);
}

function run(exe: string, args: string[], cwd: string) {
  return runWithStdin([exe, ...args], cwd);
}

/** The probe checkpointed after n points in root; its output and snapshot. */
async function checkpointAt(exe: string, root: string, n: number) {
  const snap = `${root}/p${n}.snap`;
  const first = await run(exe, [
    "--dir",
    `${root}/data::data`,
    "--snapshot",
    snap,
    "--checkpoint-after",
    String(n),
    "--",
    "sandbox",
  ], root);
  return { first, snap };
}

/** The offset recorded for the snapshot's inside.txt descriptor, if open. */
function insideOffset(bytes: Uint8Array): string | undefined {
  const fds = snapshotJson(bytes).host.wasi.fds as {
    path: string;
    offset?: string;
  }[];
  return fds.find((f) => f.path === "inside.txt")?.offset;
}

Deno.test({
  name: "sandbox: every way out is refused, symlinks inside work",
  ...sanitizers,
  fn: async () => {
    const exe = await probeExe();
    const root = await Deno.makeTempDir({ prefix: "godwit-sandbox-" });
    const other = `${root}-moved`;
    try {
      await makeTree(root);
      const r = await run(exe, ["--dir", "data", "--", "sandbox"], root);
      assert.equal(r.stderr, "");
      assert.equal(r.code, 0);
      assert.equal(r.stdout, EXPECTED);
      await assertTreeIntact(root, "uninterrupted run");
      // `--dir data` (guest = HOST as written) grants guest "data" again,
      // relative to the restoring process's directory (here another one).
      const snap = `${root}/../${root.replace(/.*\//, "")}.snap`;
      const first = await run(exe, [
        "--dir",
        "data",
        "--snapshot",
        snap,
        "--checkpoint-after",
        "3000",
        "--",
        "sandbox",
      ], root);
      assert.equal(first.code, EXIT_CHECKPOINTED, first.stderr);
      await copyTree(root, other);
      const second = await run(
        exe,
        ["--restore", snap, "--dir", "data"],
        other,
      );
      await Deno.remove(snap);
      assert.equal(second.code, 0, second.stderr);
      assert.equal(first.stdout + second.stdout, EXPECTED);
      await assertTreeIntact(other, "restored with --dir data");
    } finally {
      await Deno.remove(root, { recursive: true });
      await Deno.remove(other, { recursive: true }).catch(() => {});
    }
  },
});

Deno.test({
  name:
    "sandbox after a restore elsewhere (--dir NEW::data): the same refusals",
  ...sanitizers,
  fn: async () => {
    const exe = await probeExe();
    const a = await Deno.makeTempDir({ prefix: "godwit-sandbox-a-" });
    const b = await Deno.makeTempDir({ prefix: "godwit-sandbox-b-" });
    try {
      await makeTree(a);
      const seen = new Set<string | undefined>();
      for (const n of POSITIONS) {
        const { first, snap } = await checkpointAt(exe, a, n);
        const what = `checkpointed after ${n} points`;
        if (first.code === 0) { // the run had fewer points (paths' lengths)
          assert.equal(first.stdout, EXPECTED, what);
          continue;
        }
        assert.equal(first.code, EXIT_CHECKPOINTED, `${what}: ${first.stderr}`);
        seen.add(insideOffset(await Deno.readFile(snap)));
        // Migration: the tree is copied to b as it is now (with what the
        // program made so far), a is put back for the next position.
        await Deno.remove(b, { recursive: true });
        await copyTree(a, b);
        await Deno.remove(`${a}/data/made`).catch(() => {});
        // Restored in another layout: b/data is granted as "data".
        const second = await run(exe, [
          "--restore",
          snap,
          "--dir",
          `${b}/data::data`,
        ], b);
        assert.equal(second.stderr, "", what);
        assert.equal(second.code, 0, what);
        assert.equal(first.stdout + second.stdout, EXPECTED, what);
        await Deno.remove(snap);
        await assertTreeIntact(b, what);
      }
      await assertTreeIntact(a, "checkpointed runs");
      // The positions reached: before any open, in the work loop (the file
      // read up to offset 4), in the attempts (read to its end, 12).
      assert.ok(
        seen.has(undefined) && seen.has("4") && seen.has("12"),
        [
          ...seen,
        ].join(),
      );
    } finally {
      await Deno.remove(a, { recursive: true });
      await Deno.remove(b, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "edited snapshots grant nothing: recorded host '/' or elsewhere, fd paths out, no --dir",
  ...sanitizers,
  fn: async () => {
    const exe = await probeExe();
    const a = await Deno.makeTempDir({ prefix: "godwit-edit-a-" });
    const b = await Deno.makeTempDir({ prefix: "godwit-edit-b-" });
    const evil = await Deno.makeTempDir({ prefix: "godwit-edit-evil-" });
    try {
      await makeTree(a);
      await makeTree(b);
      await makeTree(evil, "EVIL-content\n");
      const { first, snap } = await checkpointAt(exe, a, 3000);
      assert.equal(first.code, EXIT_CHECKPOINTED, first.stderr);
      const original = await Deno.readFile(snap);
      assert.equal(insideOffset(original), "4");
      const edited = `${b}/edited.snap`;
      const restoreEdited = async (
        edit: (meta: Json) => void,
        args: string[],
      ) => {
        await Deno.writeFile(edited, editSnapshot(original, edit));
        return run(exe, ["--restore", edited, ...args], b);
      };
      const grant = ["--dir", `${b}/data::data`];
      const setHost = (host: string) => (m: Json) => {
        m.host.wasi.preopens[0].host = host;
      };
      const insideFd = (m: Json) =>
        m.host.wasi.fds.find((f: { path: string }) => f.path === "inside.txt");

      // The recorded host says "/", or another directory: only the grant
      // counts, the program sees b/data (its file read on from offset 4).
      for (const host of ["/", `${evil}/data`]) {
        const r = await restoreEdited(setHost(host), grant);
        assert.equal(r.stderr, "", host);
        assert.equal(r.code, 0, host);
        assert.equal(first.stdout + r.stdout, EXPECTED, host);
        await assertTreeIntact(b, `recorded host ${host}`);
        await Deno.remove(`${b}/data`, { recursive: true });
        await Deno.remove(`${b}/outside`, { recursive: true });
        await Deno.remove(`${b}/secret`);
        await makeTree(b);
      }
      // Without --dir the recorded "/" is not used: one clear line.
      const none = await restoreEdited(setHost("/"), []);
      assert.equal(none.code, EXIT_ERROR);
      assert.equal(none.stdout, "");
      assert.equal(
        none.stderr,
        `godwit: error: cannot restore ${edited}: this restore does not grant the snapshot's preopened directory 'data': add --dir HOST::data (HOST: the directory to give it; it was / on the checkpointing host)\n`,
      );
      // Descriptor paths that leave the preopen.
      for (const path of ["../secret", "/etc/passwd", "sub/../../secret"]) {
        const r = await restoreEdited((m) => {
          insideFd(m).path = path;
        }, grant);
        assert.equal(r.code, EXIT_ERROR, path);
        assert.equal(r.stdout, "", path);
        assert.match(
          r.stderr,
          /^godwit: error: cannot restore .*: cannot reopen '.*' in 'data' \(fd 5\): the path leaves its preopened directory\n$/,
          path,
        );
      }
      const viaLink = await restoreEdited((m) => {
        insideFd(m).path = "up/secret";
      }, grant);
      assert.equal(viaLink.code, EXIT_ERROR);
      assert.match(viaLink.stderr, /leaves its preopened directory\n$/);
      // A stdio stream twice, a descriptor kind the runtime does not have.
      const twice = await restoreEdited((m) => {
        m.host.wasi.fds.find((f: { fd: number }) => f.fd === 2).stream = 1;
      }, grant);
      assert.equal(twice.code, EXIT_ERROR);
      assert.match(twice.stderr, /fd 2: stdio stream 1 appears twice\n$/);
      const socket = await restoreEdited((m) => {
        insideFd(m).kind = "socket";
      }, grant);
      assert.equal(socket.code, EXIT_ERROR);
      assert.match(socket.stderr, /fd 5: bad kind\n$/);
      await assertTreeIntact(b, "refused restores");

      // The unedited snapshot without --dir: exit 125, naming the guest.
      const plain = await run(exe, ["--restore", snap], b);
      assert.equal(plain.code, EXIT_ERROR);
      assert.equal(
        plain.stderr,
        `godwit: error: cannot restore ${snap}: this restore does not grant the snapshot's preopened directory 'data': add --dir HOST::data (HOST: the directory to give it; it was ${
          Deno.realPathSync(`${a}/data`)
        } on the checkpointing host)\n`,
      );
      // A --dir for a guest the snapshot does not have.
      const extra = await run(exe, [
        "--restore",
        snap,
        ...grant,
        "--dir",
        `${b}/outside::more`,
      ], b);
      assert.equal(extra.code, EXIT_ERROR);
      assert.equal(
        extra.stderr,
        `godwit: error: cannot restore ${snap}: --dir ${b}/outside::more: the snapshot has no preopened directory 'more' (a restored program cannot gain directories)\n`,
      );
      // --trust-snapshot-paths: the recorded path is used (here edited to
      // the other tree, whose inside.txt reads on as "-content").
      const trusted = await restoreEdited(setHost(`${evil}/data`), [
        "--trust-snapshot-paths",
      ]);
      assert.equal(trusted.code, 0, trusted.stderr);
      assert.equal(
        first.stdout + trusted.stdout,
        EXPECTED.replace(
          "inside.txt rest: de-1234 ",
          "inside.txt rest: -content ",
        )
          .replace(
            "read sub/up2/inside.txt (up2 -> ..): ok: inside-1234 ",
            "read sub/up2/inside.txt (up2 -> ..): ok: EVIL-content ",
          ),
      );
      const trustedPlain = await run(exe, [
        "--restore",
        snap,
        "--trust-snapshot-paths",
      ], b);
      assert.equal(trustedPlain.code, 0, trustedPlain.stderr);
      assert.equal(first.stdout + trustedPlain.stdout, EXPECTED);
      await assertTreeIntact(a, "trusted restore");
      await assertTreeIntact(evil, "trusted restore of an edited path");
      // Only for --restore.
      const fresh = await run(exe, ["--trust-snapshot-paths", "--"], b);
      assert.equal(fresh.code, EXIT_ERROR);
      assert.equal(
        fresh.stderr,
        "godwit: error: --trust-snapshot-paths is only for --restore\n",
      );
    } finally {
      for (const d of [a, b, evil]) await Deno.remove(d, { recursive: true });
    }
  },
});

Deno.test({
  name: "--max-memory bounds memory.grow, also after a restore",
  ...sanitizers,
  fn: async () => {
    const exe = await probeExe();
    const dir = await Deno.makeTempDir({ prefix: "godwit-maxmem-" });
    try {
      const line = (pages: number) =>
        `then grew ${
          pages - 40
        } pages one at a time, to ${pages} pages; the next grow returned -1\n`;
      // 4 MiB = 64 pages; 48p = 48 pages; the probe first grows to 40.
      for (const [limit, pages] of [["4M", 64], ["4194304", 64], ["48p", 48]]) {
        const r = await run(exe, [
          "--max-memory",
          String(limit),
          "--",
          "grow",
          "40",
        ], dir);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, "grow to 40 pages: ok\n" + line(Number(pages)));
      }
      // Below the memory the module starts with (2 pages): refused.
      const small = await run(
        exe,
        ["--max-memory", "64K", "--", "grow", "1"],
        dir,
      );
      assert.equal(small.code, EXIT_ERROR);
      assert.match(
        small.stderr,
        /^godwit: error: memory 0 starts at 2 pages \(131072 bytes\), more than --max-memory allows \(1 page\)\n$/,
      );
      const bad = await run(exe, ["--max-memory", "4x", "--"], dir);
      assert.equal(bad.code, EXIT_ERROR);
      assert.match(bad.stderr, /^godwit: error: bad --max-memory value '4x'/);
      // A growing checkpoint (40 pages), restored under a bound.
      const snap = `${dir}/g.snap`;
      const first = await run(exe, [
        "--max-memory",
        "48p",
        "--snapshot",
        snap,
        "--checkpoint-after",
        "1000",
        "--",
        "grow",
        "40",
      ], dir);
      assert.equal(first.code, EXIT_CHECKPOINTED, first.stderr);
      assert.equal(
        snapshotJson(await Deno.readFile(snap)).memories[0].pages,
        40,
      );
      const under = await run(
        exe,
        ["--restore", snap, "--max-memory", "32p"],
        dir,
      );
      assert.equal(under.code, EXIT_ERROR);
      assert.equal(
        under.stderr,
        `godwit: error: cannot restore ${snap}: memory 0: the snapshot's 40 pages exceed this instance's limit of 32 pages (--max-memory)\n`,
      );
      const over = await run(
        exe,
        ["--restore", snap, "--max-memory", "50p"],
        dir,
      );
      assert.equal(over.code, 0, over.stderr);
      assert.equal(
        first.stdout + over.stdout,
        "grow to 40 pages: ok\n" + line(50),
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
