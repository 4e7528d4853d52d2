import { connect, type Socket } from 'node:net';

/** A raw DNS-over-TCP client for tests: write any bytes, collect length-framed replies, see the close. */
export class TcpStream {
  readonly frames: Buffer[] = [];
  closed = false;
  private input = Buffer.alloc(0);
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.input = Buffer.concat([this.input, chunk]);
      while (this.input.length >= 2 && this.input.length >= 2 + this.input.readUInt16BE(0)) {
        const length = this.input.readUInt16BE(0);
        this.frames.push(this.input.subarray(2, 2 + length));
        this.input = this.input.subarray(2 + length);
      }
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined); // resets show up as 'close'
  }

  static open(port: number, host = '127.0.0.1'): Promise<TcpStream> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new TcpStream(socket));
      });
    });
  }

  /** The query with its 2-byte length prefix (RFC 1035 §4.2.2). */
  static frame(query: Uint8Array): Buffer {
    const out = Buffer.alloc(2 + query.length);
    out.writeUInt16BE(query.length, 0);
    out.set(query, 2);
    return out;
  }

  write(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve) => this.socket.write(bytes, () => resolve()));
  }

  /** Resolves once `count` frames have arrived; rejects on close or timeout first. */
  async waitFrames(count: number, timeoutMs = 2000): Promise<Buffer[]> {
    await this.waitFor(() => this.frames.length >= count, timeoutMs, `${count} frame(s)`);
    return this.frames.slice(0, count);
  }

  /** Resolves once the server has closed the connection; returns the time it took. */
  async waitClose(timeoutMs = 2000): Promise<number> {
    const started = Date.now();
    await this.waitFor(() => this.closed, timeoutMs, 'the connection to close');
    return Date.now() - started;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private waitFor(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (have ${this.frames.length} frames, closed=${this.closed})`)), timeoutMs);
      const check = () => {
        if (done()) {
          clearTimeout(timer);
          resolve();
        } else if (this.closed) {
          clearTimeout(timer);
          reject(new Error(`connection closed while waiting for ${what} (have ${this.frames.length} frames)`));
        } else {
          this.waiters.push(check);
        }
      };
      check();
    });
  }
}
