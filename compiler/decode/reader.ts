/**
 * A cursor over the bytes of a module: LEB128 integers, fixed-size values,
 * byte vectors and UTF-8 names, with the spec's malformedness checks. Every
 * failure is a {@link WasmError} of kind "malformed" carrying the offset.
 *
 * @module
 */

import { WasmError } from "./errors.ts";

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Reads binary-format values from `bytes`, never past `end`. */
export class ByteReader {
  /** The whole module. */
  readonly bytes: Uint8Array;
  /** The next byte to read. */
  pos: number;
  /** Reads stop here: the end of the module or of the current section. */
  end: number;
  /** Name of the section being read, for error messages. */
  section: string | undefined;
  /** Function index being read (imports counted), for error messages. */
  func: number | undefined;
  private readonly view: DataView;

  /** A reader over all of `bytes`, starting at offset 0. */
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.pos = 0;
    this.end = bytes.length;
    this.section = undefined;
    this.func = undefined;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** A "malformed" error at `offset` (default: the current position). */
  error(reason: string, offset: number = this.pos, detail?: string): WasmError {
    return new WasmError("malformed", reason, {
      section: this.section,
      func: this.func,
      offset,
      detail,
    });
  }

  /** True when every byte up to `end` has been read. */
  atEnd(): boolean {
    return this.pos >= this.end;
  }

  private eof(): WasmError {
    return this.error(
      this.end < this.bytes.length || this.section !== undefined
        ? "unexpected end of section or function"
        : "unexpected end",
    );
  }

  /** One byte. */
  u8(): number {
    if (this.pos >= this.end) throw this.eof();
    return this.bytes[this.pos++];
  }

  /** The next byte without consuming it, or -1 at the end. */
  peek(): number {
    return this.pos < this.end ? this.bytes[this.pos] : -1;
  }

  /** An unsigned 32-bit LEB128 integer. */
  u32(): number {
    const bytes = this.bytes;
    const start = this.pos;
    if (start < this.end) {
      const b = bytes[start];
      if (b < 0x80) {
        this.pos = start + 1;
        return b;
      }
    }
    let result = 0;
    let shift = 0;
    for (let i = 0;; i++) {
      if (this.pos >= this.end) throw this.eof();
      const b = bytes[this.pos++];
      if (i === 4) {
        if (b & 0x80) {
          throw this.error("integer representation too long", this.pos - 1);
        }
        if (b & 0x70) throw this.error("integer too large", this.pos - 1);
        return (result + b * 2 ** 28) >>> 0;
      }
      result |= (b & 0x7f) << shift;
      shift += 7;
      if ((b & 0x80) === 0) return result >>> 0;
    }
  }

  /** A signed 32-bit LEB128 integer. */
  s32(): number {
    let result = 0;
    let shift = 0;
    const bytes = this.bytes;
    for (let i = 0;; i++) {
      if (this.pos >= this.end) throw this.eof();
      const b = bytes[this.pos++];
      if (i === 4) {
        if (b & 0x80) {
          throw this.error("integer representation too long", this.pos - 1);
        }
        // Bits 32..34 must repeat the sign bit (bit 31, this byte's bit 3).
        const high = b & 0x78;
        if (high !== 0 && high !== 0x78) {
          throw this.error("integer too large", this.pos - 1);
        }
        return result | (b << 28);
      }
      result |= (b & 0x7f) << shift;
      shift += 7;
      if ((b & 0x80) === 0) {
        return shift < 32 ? (result << (32 - shift)) >> (32 - shift) : result;
      }
    }
  }

  /** A signed 33-bit LEB128 integer (block types), as a number. */
  s33(): number {
    let result = 0;
    let mult = 1;
    const bytes = this.bytes;
    for (let i = 0;; i++) {
      if (this.pos >= this.end) throw this.eof();
      const b = bytes[this.pos++];
      if (i === 4) {
        if (b & 0x80) {
          throw this.error("integer representation too long", this.pos - 1);
        }
        // Bits 33..34 must repeat the sign bit (bit 32, this byte's bit 4).
        const high = b & 0x70;
        if (high !== 0 && high !== 0x70) {
          throw this.error("integer too large", this.pos - 1);
        }
        result += (b & 0x1f) * mult;
        return result >= 2 ** 32 ? result - 2 ** 33 : result;
      }
      result += (b & 0x7f) * mult;
      mult *= 128;
      if ((b & 0x80) === 0) {
        return b & 0x40 ? result - mult : result;
      }
    }
  }

  /** A signed 64-bit LEB128 integer. */
  s64(): bigint {
    const bytes = this.bytes;
    // Fast path: fits in a safe number (up to 7 bytes, 49 bits).
    let result = 0;
    let mult = 1;
    const start = this.pos;
    for (let i = 0; i < 7; i++) {
      if (this.pos >= this.end) throw this.eof();
      const b = bytes[this.pos++];
      result += (b & 0x7f) * mult;
      mult *= 128;
      if ((b & 0x80) === 0) {
        return BigInt(b & 0x40 ? result - mult : result);
      }
    }
    this.pos = start;
    let big = 0n;
    let shift = 0n;
    for (let i = 0;; i++) {
      if (this.pos >= this.end) throw this.eof();
      const b = bytes[this.pos++];
      if (i === 9) {
        if (b & 0x80) {
          throw this.error("integer representation too long", this.pos - 1);
        }
        // Only bit 63 remains; the rest must repeat it.
        if (b !== 0 && b !== 0x7f) {
          throw this.error("integer too large", this.pos - 1);
        }
        big |= BigInt(b & 1) << 63n;
        return BigInt.asIntN(64, big);
      }
      big |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) {
        if (b & 0x40) big -= 1n << shift;
        return BigInt.asIntN(64, big);
      }
    }
  }

  /** A little-endian u32 (f32 bit patterns). */
  fixed32(): number {
    if (this.pos + 4 > this.end) throw this.eof();
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** A little-endian u64 (f64 bit patterns). */
  fixed64(): bigint {
    if (this.pos + 8 > this.end) throw this.eof();
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** `n` raw bytes (a view into the module, not a copy). */
  take(n: number): Uint8Array {
    if (this.pos + n > this.end) throw this.eof();
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /**
   * A u32 length that must fit in the bytes left (the spec's `len32`):
   * vector counts, byte-vector and name lengths, section sizes.
   */
  len32(): number {
    const start = this.pos;
    const n = this.u32();
    if (n > this.end - this.pos) {
      throw this.error("length out of bounds", start);
    }
    return n;
  }

  /** A length-prefixed byte vector (a copy, so the module may be freed). */
  byteVec(): Uint8Array {
    return this.take(this.len32()).slice();
  }

  /** A length-prefixed UTF-8 name. */
  name(): string {
    const n = this.len32();
    const start = this.pos;
    const raw = this.take(n);
    // Pure ASCII is by far the common case and needs no decoder.
    let ascii = true;
    for (let i = 0; i < n; i++) {
      if (raw[i] >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii && n <= 256) return String.fromCharCode(...raw);
    try {
      return utf8.decode(raw);
    } catch {
      throw this.error("malformed UTF-8 encoding", start);
    }
  }
}
