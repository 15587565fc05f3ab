import { decodeUtf8 } from './text-decode';
import { W3C_SCAN_WASM_BASE64 } from './w3c-scan-wasm';

/**
 * The byte level of the W3C log reader (shared/server/w3c-log.ts): lines and space-separated fields
 * found in the UTF-8 bytes as read, without decoding them. A day's log is hundreds of MB and almost
 * every record is a 200 that only counts; only the few values a statistic keeps (a failing URL, a
 * client address) become strings. LF (0x0A) and space (0x20) never occur inside a multi-byte UTF-8
 * sequence, so splitting the bytes gives exactly the lines and fields the decoded text would. Finding
 * them is the one pass over every byte: done sixteen bytes at a time in WebAssembly SIMD
 * (w3c-scan.wat) where the runtime has it, by the JavaScript loop below otherwise.
 */

export const LF = 0x0a;
export const CR = 0x0d;
export const SPACE = 0x20;
export const HASH = 0x23;
export const DASH = 0x2d;
export const COLON = 0x3a;

/** Space positions remembered per line: more than any #Fields header holds (the reader keeps 256 names). */
export const MAX_SPACES = 512;
/** Lines found before they are handed on, and room for their spaces (a batch also ends when that fills). */
export const BATCH = 2048;
export const SPACE_ROOM = BATCH * 32 + MAX_SPACES;

/**
 * Which loop finds lines and spaces: "simd" is w3c-scan.wat (sixteen bytes at a time; 3.7x the
 * JavaScript loop in bench log.line-finder), "js" the loop below, the fallback where WebAssembly SIMD is not
 * available. Both fill the same tables (tests compare them).
 */
export type LineFinder = 'simd' | 'js';

/** Bytes copied into the SIMD finder's memory at a time: its memory stays at about 1.3 MB whatever is pushed. */
export const SIMD_SLICE_BYTES = 1024 * 1024;

/**
 * The little of WebAssembly used here, typed locally: shared/ compiles without Node or DOM types
 * (DESIGN.md), and both runtimes have it.
 */
interface WasmGlobal {
  value: unknown;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
interface ScanExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  find(pos: number, to: number, delta: number): number;
  next: WasmGlobal;
  exhausted: WasmGlobal;
  spacesAt: WasmGlobal;
  startsAt: WasmGlobal;
  endsAt: WasmGlobal;
  countsAt: WasmGlobal;
  basesAt: WasmGlobal;
  inputAt: WasmGlobal;
  batch: WasmGlobal;
  maxSpaces: WasmGlobal;
  spaceRoom: WasmGlobal;
}

const runtime = globalThis as { WebAssembly?: WasmApi; atob?: (base64: string) => string };
let scanModule: object | null | undefined;

/** The compiled finder, once per process; null where WebAssembly or its SIMD is missing (or a policy forbids compiling). */
function simdModule(): object | null {
  if (scanModule === undefined) {
    try {
      scanModule = new runtime.WebAssembly!.Module(Uint8Array.from(runtime.atob!(W3C_SCAN_WASM_BASE64), (c) => c.charCodeAt(0)));
    } catch {
      scanModule = null;
    }
  }
  return scanModule;
}

/** A finder instance of its own (each ByteLines owns its memory), or null to use the JavaScript loop. */
function simdFinder(): ScanExports | null {
  const module = simdModule();
  if (!module) return null;
  const x = new runtime.WebAssembly!.Instance(module).exports as ScanExports;
  // The layout is the .wat's; the limits must be this file's, or the tables would not mean the same.
  if (x.batch.value !== BATCH || x.maxSpaces.value !== MAX_SPACES || x.spaceRoom.value !== SPACE_ROOM) throw new Error('internal: w3c-scan.wat and w3c-log-bytes.ts disagree on the batch limits');
  const need = (x.inputAt.value as number) + SIMD_SLICE_BYTES + 16;
  const have = x.memory.buffer.byteLength;
  if (need > have) x.memory.grow(Math.ceil((need - have) / 65536));
  return x;
}

/**
 * Splits UTF-8 chunks into lines (LF or CRLF; the CR is left for the caller) and finds the spaces of
 * each line in the same pass over the bytes. `line(b, start, end, n, base)` gets the line b[start, end)
 * and the count of its spaces, whose first MAX_SPACES positions are spaces[base...]. Lines are found in
 * batches and handed on after: the loop over the bytes stays small enough for the JIT to keep tight,
 * instead of growing by everything a line's handler does. A line cut by a chunk boundary is copied
 * into a carry of at most `maxBytes`; a longer one is reported once through `overlong` and skipped to
 * its newline without being kept, so memory stays at one chunk, the carry and the batch tables.
 */
export class ByteLines {
  readonly spaces: Int32Array;
  /** The spaces of one line found by spacesOf (apart: a batch may still be being handed on). */
  readonly single = new Int32Array(MAX_SPACES);
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly counts: Int32Array;
  private readonly bases: Int32Array;
  private carry = new Uint8Array(256);
  private carryLen = 0;
  private skipping = false;
  private readonly simd: ScanExports | null;
  /** The SIMD finder's memory as bytes (its memory never grows after construction, so views stay valid). */
  private readonly simdBytes: Uint8Array | null;
  readonly finder: LineFinder;

  constructor(
    private readonly maxBytes: number,
    private readonly line: (b: Uint8Array, start: number, end: number, n: number, base: number) => void,
    private readonly overlong: () => void,
    options: { finder?: LineFinder } = {},
  ) {
    this.simd = options.finder === 'js' ? null : simdFinder();
    this.finder = this.simd ? 'simd' : 'js';
    if (this.simd) {
      const buffer = this.simd.memory.buffer;
      const table = (at: WasmGlobal, length: number) => new Int32Array(buffer, at.value as number, length);
      this.spaces = table(this.simd.spacesAt, SPACE_ROOM);
      this.starts = table(this.simd.startsAt, BATCH);
      this.ends = table(this.simd.endsAt, BATCH);
      this.counts = table(this.simd.countsAt, BATCH);
      this.bases = table(this.simd.basesAt, BATCH);
      this.simdBytes = new Uint8Array(buffer);
    } else {
      this.spaces = new Int32Array(SPACE_ROOM);
      this.starts = new Int32Array(BATCH);
      this.ends = new Int32Array(BATCH);
      this.counts = new Int32Array(BATCH);
      this.bases = new Int32Array(BATCH);
      this.simdBytes = null;
    }
  }

  push(bytes: Uint8Array): void {
    // One element type in the scanning loop (Node hands over Buffers, the carry is a Uint8Array): a
    // loop that sees two kinds of array runs several times slower.
    const chunk = bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let pos = 0;
    if (this.skipping) {
      const nl = chunk.indexOf(LF);
      if (nl < 0) return;
      this.skipping = false;
      pos = nl + 1;
    }
    if (this.carryLen) {
      const nl = chunk.indexOf(LF, pos);
      // The carried line is completed with its newline and scanned like any other.
      const kept = this.keep(chunk, pos, nl < 0 ? chunk.length : nl + 1);
      if (nl < 0) return;
      this.skipping = false;
      if (kept) this.scan(this.carry, 0, this.carryLen);
      this.carryLen = 0;
      pos = nl + 1;
    }
    const rest = this.scan(chunk, pos, chunk.length);
    if (rest < chunk.length) this.keep(chunk, rest, chunk.length);
  }

  /** The last line may lack its newline. */
  end(): void {
    if (this.carryLen && !this.skipping) {
      this.carry[this.carryLen] = LF;
      this.scan(this.carry, 0, this.carryLen + 1);
    }
    this.carryLen = 0;
    this.skipping = false;
  }

  /** The spaces of one line b[start, end) into `single`; their count. */
  spacesOf(b: Uint8Array, start: number, end: number): number {
    const sp = this.single;
    let n = 0;
    for (let i = start; i < end; i++) {
      if (b[i] === SPACE) {
        if (n < MAX_SPACES) sp[n] = i;
        n++;
      }
    }
    return n;
  }

  /** Hand on every complete line of b[pos, to), batch by batch; returns where the unfinished last line starts. */
  private scan(b: Uint8Array, pos: number, to: number): number {
    return this.simd ? this.scanSimd(this.simd, b, pos, to) : this.scanJs(b, pos, to);
  }

  /**
   * scan through the SIMD finder, one slice of at most SIMD_SLICE_BYTES copied into its memory at a
   * time; a slice ends at its last complete line and the next starts there. A line longer than a whole
   * slice (no log line is: it is overlong, over MAX_LINE_BYTES) is left to the JavaScript loop.
   */
  private scanSimd(x: ScanExports, b: Uint8Array, pos: number, to: number): number {
    const input = x.inputAt.value as number;
    let from = pos;
    for (;;) {
      const till = Math.min(to, from + SIMD_SLICE_BYTES);
      this.simdBytes!.set(b.subarray(from, till), input);
      const delta = from - input;
      let at = input;
      let next: number;
      for (;;) {
        this.deliver(b, x.find(at, till - delta, delta));
        next = x.next.value as number;
        if (x.exhausted.value) break;
        at = next - delta;
      }
      if (till === to) return next;
      if (next === from) return this.scanJs(b, from, to);
      from = next;
    }
  }

  private scanJs(b: Uint8Array, pos: number, to: number): number {
    let start = pos;
    for (;;) {
      const lines = this.find(b, start, to);
      this.deliver(b, lines);
      start = this.next;
      if (this.exhausted) return start;
    }
  }

  /** Where find stopped: after the batch's last line, or at the unfinished line when the bytes ran out. */
  private next = 0;
  private exhausted = false;

  /**
   * Fill the batch tables from b[pos, to) in one pass: every byte is compared once, and only those at
   * or below a space are looked at further. Nothing is called from this loop, so nothing is inlined
   * into it. Returns the number of lines found.
   */
  private find(b: Uint8Array, pos: number, to: number): number {
    const { spaces, starts, ends, counts, bases } = this;
    let lines = 0;
    let base = 0;
    let n = 0;
    let start = pos;
    for (let i = pos; i < to; i++) {
      const x = b[i]!;
      if (x > SPACE) continue;
      if (x === SPACE) {
        if (n < MAX_SPACES) spaces[base + n] = i;
        n++;
      } else if (x === LF) {
        starts[lines] = start;
        ends[lines] = i;
        counts[lines] = n;
        bases[lines] = base;
        lines++;
        base += n < MAX_SPACES ? n : MAX_SPACES;
        start = i + 1;
        n = 0;
        if (lines === BATCH || base > SPACE_ROOM - MAX_SPACES) {
          this.next = start;
          this.exhausted = false;
          return lines;
        }
      }
    }
    this.next = start;
    this.exhausted = true;
    return lines;
  }

  private deliver(b: Uint8Array, lines: number): void {
    for (let j = 0; j < lines; j++) this.line(b, this.starts[j]!, this.ends[j]!, this.counts[j]!, this.bases[j]!);
  }

  /** Append chunk[from, to) to the carried partial line; false when that makes it longer than any line. */
  private keep(chunk: Uint8Array, from: number, to: number): boolean {
    const len = this.carryLen + to - from;
    if (len > this.maxBytes) {
      if (!this.skipping) this.overlong();
      this.carryLen = 0;
      this.skipping = true;
      return false;
    }
    if (len + 1 > this.carry.length) {
      // + 1: room for the newline end() adds.
      const grown = new Uint8Array(Math.min(this.maxBytes + 1, Math.max(len + 1, this.carry.length * 2)));
      grown.set(this.carry.subarray(0, this.carryLen));
      this.carry = grown;
    }
    this.carry.set(chunk.subarray(from, to), this.carryLen);
    this.carryLen = len;
    return true;
  }
}

/**
 * Where each wanted value of one line lies, `wanted` holding (column, value) pairs. Offsets are kept
 * per value; a value whose column is not logged reads as "-", as W3C writes an empty field.
 */
export class ByteFields {
  buf: Uint8Array = new Uint8Array(0);
  readonly at: Int32Array;
  readonly to: Int32Array;
  private placed: Int16Array | null = null;

  constructor(values: number) {
    this.at = new Int32Array(values);
    this.to = new Int32Array(values);
  }

  /**
   * Place the values of the line b[start, end) from its `n` space positions (spaces[base...]); false
   * when it does not have `count` fields.
   */
  place(b: Uint8Array, start: number, end: number, spaces: Int32Array, base: number, n: number, count: number, wanted: Int16Array): boolean {
    if (n + 1 !== count) return false;
    const at = this.at;
    const to = this.to;
    // Values no column holds stay -1 from one line to the next under the same header.
    if (wanted !== this.placed) {
      at.fill(-1);
      this.placed = wanted;
    }
    this.buf = b;
    for (let j = 0; j < wanted.length; j += 2) {
      const col = wanted[j]!;
      const k = wanted[j + 1]!;
      at[k] = col === 0 ? start : spaces[base + col - 1]! + 1;
      to[k] = col === n ? end : spaces[base + col]!;
    }
    return true;
  }
  /** Value k as text ("-" when not logged). */
  text(k: number): string {
    const at = this.at[k]!;
    return at < 0 ? '-' : decodeUtf8(this.buf, at, this.to[k]!);
  }

  /** Value k is absent, empty or "-" (W3C's empty field). */
  empty(k: number): boolean {
    const at = this.at[k]!;
    if (at < 0) return true;
    const len = this.to[k]! - at;
    return len === 0 || (len === 1 && this.buf[at] === DASH);
  }

  /** Value k is exactly this ASCII text. */
  is(k: number, ascii: string): boolean {
    const at = this.at[k]!;
    if (at < 0) return ascii === '-';
    if (this.to[k]! - at !== ascii.length) return false;
    for (let i = 0; i < ascii.length; i++) if (this.buf[at + i] !== ascii.charCodeAt(i)) return false;
    return true;
  }

  /** Value k equals the first `len` bytes of `bytes` (a cache of the previous line's value). */
  same(k: number, bytes: Uint8Array, len: number): boolean {
    const at = this.at[k]!;
    if (at < 0 || this.to[k]! - at !== len) return false;
    for (let i = 0; i < len; i++) if (this.buf[at + i] !== bytes[i]) return false;
    return true;
  }

  /**
   * Value k as a number when it is 1 to 4 ASCII digits, its length kept ("07" is not "7"): a key
   * below 50,000 that needs no string. -1 otherwise.
   */
  digits(k: number): number {
    const at = this.at[k]!;
    const len = this.to[k]! - at;
    if (at < 0 || len < 1 || len > 4) return -1;
    let value = 0;
    for (let i = at; i < at + len; i++) {
      const d = this.buf[i]! - 48;
      if (d < 0 || d > 9) return -1;
      value = value * 10 + d;
    }
    return len * 10_000 + value;
  }

  /** Copy value k into `into` (at most its length); the number of bytes, -1 when it does not fit or is not logged. */
  copy(k: number, into: Uint8Array): number {
    const at = this.at[k]!;
    const len = this.to[k]! - at;
    if (at < 0 || len > into.length) return -1;
    into.set(this.buf.subarray(at, at + len));
    return len;
  }
}
