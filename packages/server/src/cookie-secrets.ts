/**
 * The server-cookie secret (RFC 9018 §4.4): random at start, replaced every `rotateSeconds`; the
 * one before keeps verifying for one more period, so a cookie handed out just before a rollover
 * stays good for the hour RFC 9018 §4.3 gives it.
 */
import { randomBytes } from 'node:crypto';

export class CookieSecrets {
  private list: Uint8Array[];
  private rotatedAt: number;

  constructor(
    private readonly rotateSeconds: number,
    nowSeconds: number,
    private readonly random: (n: number) => Uint8Array = randomBytes,
  ) {
    this.list = [this.random(16)];
    this.rotatedAt = nowSeconds;
  }

  /** The signing secret first, then the previous one; rotates when the period is over. */
  at(nowSeconds: number): readonly Uint8Array[] {
    if (nowSeconds - this.rotatedAt >= this.rotateSeconds) {
      this.list = [this.random(16), this.list[0]];
      this.rotatedAt = nowSeconds;
    }
    return this.list;
  }
}
