/** A table printed as aligned text on stdout and kept as Markdown for results.md. */

export class Table {
  constructor(title, columns) {
    this.title = title;
    this.columns = columns;
    this.rows = [];
    this.notes = [];
  }

  add(row) {
    this.rows.push(row.map((c) => String(c)));
  }

  note(text) {
    this.notes.push(text);
  }

  text() {
    const widths = this.columns.map((c, i) => Math.max(c.length, ...this.rows.map((r) => (r[i] ?? '').length)));
    const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
    return [`\n== ${this.title}`, line(this.columns), widths.map((w) => '-'.repeat(w)).join('  '), ...this.rows.map(line), ...this.notes.map((n) => `  ${n}`)].join('\n');
  }

  markdown() {
    const row = (cells) => `| ${cells.join(' | ')} |`;
    return [
      `### ${this.title}`,
      '',
      row(this.columns),
      row(this.columns.map((_, i) => (i === 0 ? '---' : '---:'))),
      ...this.rows.map(row),
      '',
      ...this.notes.map((n) => `- ${n}`),
      '',
    ].join('\n');
  }
}
