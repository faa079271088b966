/**
 * Editing snapshots as an attacker would: change the JSON metadata, then
 * re-seal the file (JSON length in the header, CRC-32 trailer) so that only
 * the runtime's checks of the content stand between the edit and a restore.
 * Layout: docs/snapshot.md ("Byte layout").
 */
import { crc32 } from "../compiler/snapshot/read.ts";

const HEADER_SIZE = 32;
const TRAILER_SIZE = 4;

// deno-lint-ignore no-explicit-any
type Json = any;

/** The JSON metadata of a snapshot's bytes. */
export function snapshotJson(bytes: Uint8Array): Json {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLen = Number(view.getBigUint64(16, true));
  return JSON.parse(
    new TextDecoder().decode(
      bytes.subarray(HEADER_SIZE, HEADER_SIZE + jsonLen),
    ),
  );
}

/**
 * The snapshot with its JSON metadata replaced by what `edit` makes of it
 * (edit mutates its argument), header and CRC re-sealed.
 */
export function editSnapshot(
  bytes: Uint8Array,
  edit: (meta: Json) => void,
): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLen = Number(view.getBigUint64(16, true));
  const meta = snapshotJson(bytes);
  edit(meta);
  const json = new TextEncoder().encode(JSON.stringify(meta));
  const blob = bytes.subarray(
    HEADER_SIZE + jsonLen,
    bytes.length - TRAILER_SIZE,
  );
  const out = new Uint8Array(
    HEADER_SIZE + json.length + blob.length + TRAILER_SIZE,
  );
  out.set(bytes.subarray(0, HEADER_SIZE));
  out.set(json, HEADER_SIZE);
  out.set(blob, HEADER_SIZE + json.length);
  const ov = new DataView(out.buffer);
  ov.setBigUint64(16, BigInt(json.length), true);
  const end = out.length - TRAILER_SIZE;
  ov.setUint32(end, crc32(out.subarray(0, end)), true);
  return out;
}
