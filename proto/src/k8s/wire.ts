// Protobuf wire format: a growable writer and a bounds-checked reader. Only what Kubernetes' messages use:
// varint (0), fixed64 (1), length-delimited (2), fixed32 (5).

export const VARINT = 0;
export const FIXED64 = 1;
export const LEN = 2;
export const FIXED32 = 5;

export class WireError extends Error {}

export class Writer {
  buf: Buffer;
  pos = 0;
  constructor(size = 1024) {
    this.buf = Buffer.allocUnsafe(size);
  }

  private need(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** A non-negative integer below 2^53. */
  uvarint(v: number): void {
    this.need(10);
    while (v > 0x7f) {
      this.buf[this.pos++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  /** int32/int64 as Go writes them: negatives sign-extended to ten bytes. */
  varint(v: number): void {
    if (v >= 0) return this.uvarint(v);
    let b = BigInt.asUintN(64, BigInt(v));
    this.need(10);
    while (b > 0x7fn) {
      this.buf[this.pos++] = Number(b & 0x7fn) | 0x80;
      b >>= 7n;
    }
    this.buf[this.pos++] = Number(b);
  }

  tag(num: number, wire: number): void {
    this.uvarint(num * 8 + wire);
  }

  string(s: string): void {
    const n = Buffer.byteLength(s);
    this.uvarint(n);
    this.need(n);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  bytes(b: Uint8Array): void {
    this.uvarint(b.length);
    this.need(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  double(v: number): void {
    this.need(8);
    this.pos = this.buf.writeDoubleLE(v, this.pos);
  }

  /** Starts a length-delimited field; returns the mark to hand to end(). */
  begin(num: number): number {
    this.tag(num, LEN);
    this.need(1);
    return this.pos++; // one byte for the length, moved over if it needs more
  }

  end(mark: number): void {
    const len = this.pos - mark - 1;
    if (len < 0x80) {
      this.buf[mark] = len;
      return;
    }
    let extra = 0;
    for (let v = len; v > 0x7f; v = Math.floor(v / 128)) extra++;
    this.need(extra);
    this.buf.copyWithin(mark + 1 + extra, mark + 1, this.pos);
    this.pos += extra;
    let v = len;
    let p = mark;
    while (v > 0x7f) {
      this.buf[p++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[p] = v;
  }

  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

export class Reader {
  pos: number;
  end: number;
  readonly buf: Buffer;
  /** bounds of the last span() */
  a = 0;
  b = 0;
  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.buf = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = start;
    this.end = end;
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  private byte(): number {
    if (this.pos >= this.end) throw new WireError('unexpected end of message');
    return this.buf[this.pos++]!;
  }

  /** A varint as an unsigned 64-bit BigInt (slow path). */
  private bigVarint(low: number): bigint {
    let result = BigInt(low);
    let shift = 28n;
    for (let i = 4; i < 10; i++) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asUintN(64, result);
      shift += 7n;
    }
    throw new WireError('varint overflows 64 bits');
  }

  /** A varint read as Go's int64 (and int32: the low 32 bits of the same value, sign-extended). */
  varint(int32 = false): number {
    let low = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      const b = this.byte();
      low |= (b & 0x7f) << shift;
      if (b < 0x80) return int32 ? low | 0 : low;
    }
    const big = this.bigVarint(low);
    if (int32) return Number(BigInt.asIntN(32, big));
    const signed = BigInt.asIntN(64, big);
    if (signed > BigInt(Number.MAX_SAFE_INTEGER) || signed < BigInt(Number.MIN_SAFE_INTEGER)) throw new WireError(`integer ${signed} is not representable in JSON numbers exactly`);
    return Number(signed);
  }

  /** A field key: number * 8 + wire type. */
  key(): number {
    const t = this.varint();
    if (t < 8) throw new WireError(`invalid field number ${Math.floor(t / 8)}`);
    return t;
  }

  tag(): [num: number, wire: number] {
    const t = this.key();
    return [Math.floor(t / 8), t & 7];
  }

  /** Skips a length-delimited value, leaving its bounds in this.a, this.b. */
  skipSpan(): void {
    const n = this.varint();
    if (n < 0 || this.pos + n > this.end) throw new WireError('length-delimited field overruns its message');
    this.a = this.pos;
    this.pos += n;
    this.b = this.pos;
  }

  /** Bounds [start, end) of a length-delimited value. */
  span(): [number, number] {
    this.skipSpan();
    return [this.a, this.b];
  }

  /** A length-delimited UTF-8 string. */
  string(): string {
    this.skipSpan();
    return this.a === this.b ? '' : this.buf.toString('utf8', this.a, this.b);
  }

  double(): number {
    if (this.pos + 8 > this.end) throw new WireError('unexpected end of message');
    const v = Buffer.from(this.buf.buffer, this.buf.byteOffset + this.pos, 8).readDoubleLE(0);
    this.pos += 8;
    return v;
  }

  /** Skips a value; returns whether it was a zero value (varint 0, empty bytes, zero fixed). */
  skip(wire: number): boolean {
    switch (wire) {
      case VARINT:
        return this.varintIsZero();
      case FIXED64:
        return this.fixedIsZero(8);
      case LEN: {
        const [s, e] = this.span();
        return s === e;
      }
      case FIXED32:
        return this.fixedIsZero(4);
      default:
        throw new WireError(`unsupported wire type ${wire}`);
    }
  }

  private varintIsZero(): boolean {
    let zero = true;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      if ((b & 0x7f) !== 0) zero = false;
      if (b < 0x80) return zero;
    }
    throw new WireError('varint overflows 64 bits');
  }

  private fixedIsZero(n: number): boolean {
    if (this.pos + n > this.end) throw new WireError('unexpected end of message');
    let zero = true;
    for (let i = 0; i < n; i++) if (this.buf[this.pos + i] !== 0) zero = false;
    this.pos += n;
    return zero;
  }
}

/** UTF-8 text of buf[start, end); invalid sequences become U+FFFD (Go does not validate proto2 strings either). */
export function utf8(buf: Uint8Array, start: number, end: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8', start, end);
}
