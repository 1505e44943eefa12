// Bytes arriving in chunks (a socket's reads, a WebSocket's frames), read back by exact
// counts: a read waits for "need more bytes" instead of parsing half a message. Used by the
// console proxy's RFB handshake and by the test and bench RFB client.
export class ByteQueue {
  private chunks: Buffer[] = [];
  private length = 0;
  private waiter: { n: number; resolve: (b: Buffer) => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;
  total = 0;

  push(b: Buffer): void {
    this.chunks.push(b);
    this.length += b.length;
    this.total += b.length;
    this.wake();
  }

  fail(err: Error): void {
    this.failure ??= err;
    if (this.waiter && this.length < this.waiter.n) {
      const w = this.waiter;
      this.waiter = null;
      w.reject(err);
    }
  }

  read(n: number): Promise<Buffer> {
    if (this.waiter) return Promise.reject(new Error('one read at a time'));
    if (this.length >= n) return Promise.resolve(this.take(n));
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = { n, resolve, reject };
    });
  }

  /** Everything not read yet, in order; the queue is empty afterwards. */
  drain(): Buffer[] {
    const out = this.chunks;
    this.chunks = [];
    this.length = 0;
    return out;
  }

  /** Wait until `n` more bytes have arrived and drop them without keeping them (for throughput runs). */
  async skip(n: number): Promise<void> {
    let left = n;
    while (left > 0) {
      if (this.length === 0)
        await this.read(1).then(() => {
          left -= 1;
        });
      const k = Math.min(left, this.length);
      if (k > 0) {
        this.discard(k);
        left -= k;
      }
    }
  }

  private wake(): void {
    if (this.waiter && this.length >= this.waiter.n) {
      const w = this.waiter;
      this.waiter = null;
      w.resolve(this.take(w.n));
    }
  }

  private discard(n: number): void {
    let left = n;
    while (left > 0) {
      const c = this.chunks[0]!;
      if (c.length <= left) {
        this.chunks.shift();
        left -= c.length;
      } else {
        this.chunks[0] = c.subarray(left);
        left = 0;
      }
    }
    this.length -= n;
  }

  private take(n: number): Buffer {
    let out: Buffer;
    const first = this.chunks[0]!;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let off = 0;
      while (off < n) {
        const c = this.chunks[0]!;
        const k = Math.min(c.length, n - off);
        c.copy(out, off, 0, k);
        off += k;
        if (k === c.length) this.chunks.shift();
        else this.chunks[0] = c.subarray(k);
      }
    }
    this.length -= n;
    return out;
  }
}
