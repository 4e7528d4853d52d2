import { TextError } from '../errors.js';
import { parseName } from '../name.js';
import type { Name } from '../types.js';
import { parseCharacterString } from './charstring.js';
import type { Token } from './tokenizer.js';
import { parseTtl } from './ttl.js';

/** Walks a record's rdata tokens; every error names the token it is about. */
export class Reader {
  i = 0;
  constructor(
    readonly tokens: readonly Token[],
    readonly origin: Name | undefined,
    readonly type: string,
  ) {}

  next(what: string): Token {
    const t = this.tokens[this.i];
    if (t === undefined) throw new TextError('MISSING_FIELD', `${this.type} record is missing its ${what}`, this.i);
    this.i++;
    return t;
  }

  get done(): boolean {
    return this.i >= this.tokens.length;
  }

  /** Runs `fn` on the next token, tagging any TextError it throws with that token's index. */
  field<T>(what: string, fn: (text: string, t: Token) => T): T {
    const index = this.i;
    const t = this.next(what);
    try {
      return fn(t.text, t);
    } catch (err) {
      if (err instanceof TextError && err.token === undefined) throw new TextError(err.code, `${this.type} ${what}: ${err.message}`, index);
      throw err;
    }
  }

  int(what: string, max: number): number {
    return this.field(what, (s) => {
      if (!/^\d+$/.test(s) || Number(s) > max) throw new TextError('BAD_NUMBER', `"${s}" is not a number from 0 to ${max}`);
      return Number(s);
    });
  }

  /** SOA timers accept TTL units ("1h"), as BIND and NSD do; a plain number may use all 32 bits (RFC 1035 §3.3.13). */
  seconds(what: string): number {
    return this.field(what, (s) => {
      const v = /^\d{1,10}$/.test(s) && Number(s) <= 0xffffffff ? Number(s) : parseTtl(s);
      if (v === undefined) throw new TextError('BAD_TTL', `"${s}" is not a time value`);
      return v;
    });
  }

  name(what: string): Name {
    return this.field(what, (s) => parseName(s, this.origin));
  }

  string(what: string, max = 255): Uint8Array {
    return this.field(what, (s) => parseCharacterString(s, max));
  }

  end(): void {
    if (!this.done) throw new TextError('EXTRA_FIELD', `${this.type} record has extra data "${this.tokens[this.i].text}"`, this.i);
  }
}
