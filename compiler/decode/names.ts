/**
 * The `name` custom section: function names for error messages, symbols and
 * snapshot inspection. The section is advisory, so a malformed one yields
 * whatever names were read before the damage, never an error.
 *
 * @module
 */

import { ByteReader } from "./reader.ts";

/** Subsection id of function names. */
const FUNCTION_NAMES = 1;

/**
 * Function names (function index, imports counted, to name) from the
 * contents of a `name` custom section (the bytes after the section's name).
 */
export function parseNameSection(contents: Uint8Array): Map<number, string> {
  const names = new Map<number, string>();
  const r = new ByteReader(contents);
  try {
    while (!r.atEnd()) {
      const id = r.u8();
      const size = r.len32();
      const end = r.pos + size;
      if (id === FUNCTION_NAMES) {
        r.end = end;
        const count = r.len32();
        for (let i = 0; i < count; i++) {
          const index = r.u32();
          names.set(index, r.name());
        }
        r.end = contents.length;
      }
      r.pos = end;
    }
  } catch {
    // A damaged name section loses the rest of its names, nothing more.
  }
  return names;
}
