/** An object's bytes as ranged reads: its size from the listing, and bytes [start, end). */
export interface ByteSource {
  readonly size: number;
  read(start: number, end: number): Promise<Uint8Array>;
}

/** The file is not what its header says (truncated, malformed): a property of the file, not a failure to read it. */
export class Unreadable extends Error {
  override readonly name = 'Unreadable';
}

/** Reading what the file needs would pass the per-object byte cap. */
export class OverReadCap extends Error {
  override readonly name = 'OverReadCap';
}

export interface ReadLimits {
  /** The first read: enough for the header segments of almost every image. */
  firstRange: number;
  /** Each later read asks for at least this much, so a walk through many segments is not a read per segment. */
  nextRange: number;
  /** Bytes read from one object at most, all reads together. */
  maxBytes: number;
}

export const DEFAULT_LIMITS: ReadLimits = {
  firstRange: 64 * 1024,
  nextRange: 16 * 1024,
  maxBytes: 16 * 1024 * 1024,
};

interface Window {
  start: number;
  bytes: Uint8Array;
}

const concat = (a: Uint8Array, b: Uint8Array) => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

/**
 * Serves byte ranges of one object from as few ranged GETs as it can: a read that continues what
 * it already has fetches only the missing tail, and every byte fetched is counted against the cap
 * before it is asked for.
 */
export class RangedReader {
  bytesRead = 0;
  reads = 0;
  private windows: Window[] = [];

  constructor(
    private readonly source: ByteSource,
    private readonly limits: ReadLimits,
  ) {}

  get size(): number {
    return this.source.size;
  }

  /** Bytes [start, start + length); Unreadable when the object ends before, OverReadCap past the cap. */
  async bytes(start: number, length: number, what = 'the file'): Promise<Uint8Array> {
    const end = start + length;
    if (end > this.source.size)
      throw new Unreadable(
        `${what} needs bytes up to ${end} but the object has ${this.source.size}: truncated or malformed`,
      );
    const inside = this.windows.find((w) => w.start <= start && w.start + w.bytes.length >= end);
    if (inside) return inside.bytes.subarray(start - inside.start, end - inside.start);

    const continued = this.windows.find((w) => w.start <= start && w.start + w.bytes.length >= start);
    const from = continued ? continued.start + continued.bytes.length : start;
    const minimum = this.reads === 0 ? this.limits.firstRange : this.limits.nextRange;
    const to = Math.min(this.source.size, Math.max(end, from + minimum));
    // Round the read down to what the cap leaves rather than fail, as long as it covers the need.
    const allowed = Math.min(to, from + (this.limits.maxBytes - this.bytesRead));
    if (allowed < end)
      throw new OverReadCap(
        `${what} needs bytes up to ${end}; reading them would pass the cap of ${this.limits.maxBytes} bytes per object`,
      );
    const fetched = await this.source.read(from, allowed);
    this.reads += 1;
    this.bytesRead += fetched.length;
    if (fetched.length < allowed - from)
      throw new Unreadable(
        `S3 returned ${fetched.length} bytes for a range of ${allowed - from}: the object changed size`,
      );
    if (continued) {
      continued.bytes = concat(continued.bytes, fetched);
      return continued.bytes.subarray(start - continued.start, end - continued.start);
    }
    this.windows.push({ start: from, bytes: fetched });
    return fetched.subarray(0, length);
  }

  /** The whole object (what a hash binding covers), read as the rest of what is already read. */
  whole(): Promise<Uint8Array> {
    return this.bytes(0, this.source.size, 'the hash binding of its Content Credentials');
  }
}
