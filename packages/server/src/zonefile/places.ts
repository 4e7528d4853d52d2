/** Where something is in a zone file (1-based line and column). */
export interface Place {
  file: string;
  line: number;
  column: number;
}

/**
 * The place of every parsed record, by record index, in flat arrays: a million records need
 * 4 octets each here rather than an object each. Files and columns get their arrays only once
 * a record is not at column 1 of the first file ($GENERATE, $INCLUDE).
 */
export class RecordPlaces {
  private readonly files: string[] = [];
  private lines: Int32Array;
  private fileIds: Int32Array | undefined;
  private columns: Int32Array | undefined;
  length = 0;

  /** `capacity`: the records expected (the arrays double past it). */
  constructor(capacity = 1024) {
    this.lines = new Int32Array(Math.max(capacity, 16));
  }

  push(file: string, line: number, column: number): void {
    if (this.length === this.lines.length) this.grow();
    const at = this.length++;
    this.lines[at] = line;
    if (this.files.length === 0) this.files.push(file);
    if (file !== this.files[0] || this.fileIds) {
      let id = this.files.indexOf(file);
      if (id < 0) id = this.files.push(file) - 1;
      this.fileIds ??= new Int32Array(this.lines.length);
      this.fileIds[at] = id;
    }
    if (column !== 1 || this.columns) {
      this.columns ??= new Int32Array(this.lines.length).fill(1);
      this.columns[at] = column;
    }
  }

  at(i: number): Place {
    return { file: this.files[this.fileIds ? this.fileIds[i] : 0], line: this.lines[i], column: this.columns ? this.columns[i] : 1 };
  }

  line(i: number): number {
    return this.lines[i];
  }

  /** Text equal for records with the same place (those of one $GENERATE share it). */
  key(i: number): string {
    return `${this.fileIds ? this.fileIds[i] : 0} ${this.lines[i]} ${this.columns ? this.columns[i] : 1}`;
  }

  private grow(): void {
    const size = this.lines.length * 2;
    const widen = (a: Int32Array, fill: number) => {
      const b = new Int32Array(size).fill(fill, a.length);
      b.set(a);
      return b;
    };
    this.lines = widen(this.lines, 0);
    if (this.fileIds) this.fileIds = widen(this.fileIds, 0);
    if (this.columns) this.columns = widen(this.columns, 1);
  }
}
