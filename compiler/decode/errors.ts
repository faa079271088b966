/**
 * The one error type of the front end: a module that is malformed (the
 * binary format is broken) or invalid (it decodes but does not validate).
 *
 * @module
 */

/** Where an error was found, as far as it is known. */
export interface WasmErrorLocation {
  /** Section name, for example "code" or "import". */
  section?: string;
  /** Function index (imports counted). */
  func?: number;
  /** Byte offset in the module. */
  offset?: number;
  /** Extra words after the reason, for example "in i32.add". */
  detail?: string;
}

/**
 * A malformed or invalid module. `reason` is the bare text the spec
 * interpreter uses for this error (what `assert_malformed` and
 * `assert_invalid` expect); `message` adds the kind, detail and location:
 * `invalid module: type mismatch in i32.add (section code, function 3, offset 0x1a2)`.
 */
export class WasmError extends Error {
  /** "malformed" for decoding errors, "invalid" for validation errors. */
  readonly kind: "malformed" | "invalid";
  /** The spec interpreter's wording, for example "type mismatch". */
  readonly reason: string;
  /** Section name, when known. */
  readonly section?: string;
  /** Function index (imports counted), when known. */
  readonly func?: number;
  /** Byte offset in the module, when known. */
  readonly offset?: number;

  /** Builds the error and its message from the parts that are known. */
  constructor(
    kind: "malformed" | "invalid",
    reason: string,
    where: WasmErrorLocation = {},
  ) {
    super(formatMessage(kind, reason, where));
    this.name = "WasmError";
    this.kind = kind;
    this.reason = reason;
    if (where.section !== undefined) this.section = where.section;
    if (where.func !== undefined) this.func = where.func;
    if (where.offset !== undefined) this.offset = where.offset;
  }
}

function formatMessage(
  kind: string,
  reason: string,
  where: WasmErrorLocation,
): string {
  const parts: string[] = [];
  if (where.section !== undefined) parts.push(`section ${where.section}`);
  if (where.func !== undefined) parts.push(`function ${where.func}`);
  if (where.offset !== undefined) {
    parts.push(`offset 0x${where.offset.toString(16)}`);
  }
  const detail = where.detail ? ` ${where.detail}` : "";
  const location = parts.length > 0 ? ` (${parts.join(", ")})` : "";
  return `${kind} module: ${reason}${detail}${location}`;
}
