/** Where something is in a zone file (1-based line and column). */
export interface Place {
  file: string;
  line: number;
  column: number;
}

/**
 * The place of every parsed record, by record index, in flat arrays: a million records need
 * 12 octets each here rather than an object each.
 */
export class RecordPlaces {
  private readonly files: string[] = [];
  private fileIds = new Int32Array(1024);
  private lines = new Int32Array(1024);
  private columns = new Int32Array(1024);
  length = 0;

  push(file: string, line: number, column: number): void {
    if (this.length === this.lines.length) this.grow();
    let id = this.files.length - 1;
    if (id < 0 || this.files[id] !== file) {
      id = this.files.indexOf(file);
      if (id < 0) id = this.files.push(file) - 1;
    }
    this.fileIds[this.length] = id;
    this.lines[this.length] = line;
    this.columns[this.length] = column;
    this.length++;
  }

  at(i: number): Place {
    return { file: this.files[this.fileIds[i]], line: this.lines[i], column: this.columns[i] };
  }

  line(i: number): number {
    return this.lines[i];
  }

  /** Text equal for records with the same place (those of one $GENERATE share it). */
  key(i: number): string {
    return `${this.fileIds[i]} ${this.lines[i]} ${this.columns[i]}`;
  }

  private grow(): void {
    const size = this.lines.length * 2;
    const widen = (a: Int32Array) => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    this.fileIds = widen(this.fileIds);
    this.lines = widen(this.lines);
    this.columns = widen(this.columns);
  }
}
