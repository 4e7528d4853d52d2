/**
 * A token of presentation-format text. `text` is what stood between delimiters with the quotes
 * removed and backslash escapes kept as written; the consumer decides what an escape means (a
 * name keeps `\.` as a literal dot inside a label, a character-string resolves it).
 */
export interface Token {
  text: string;
  quoted: boolean;
}

/**
 * Splits one line of presentation text (rdata as dig prints it, or a resource record) into tokens.
 * `;` outside quotes starts a comment; parentheses are ignored, as they only group lines in zone
 * files (the zone parser has its own multi-line lexer).
 */
export function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    const c = line[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '(' || c === ')') {
      i++;
    } else if (c === ';') {
      break;
    } else if (c === '"') {
      let j = i + 1;
      while (j < n && line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
      tokens.push({ text: line.slice(i + 1, Math.min(j, n)), quoted: true });
      i = j + 1;
    } else {
      let j = i;
      while (j < n && !' \t\r\n();"'.includes(line[j])) j += line[j] === '\\' ? 2 : 1;
      tokens.push({ text: line.slice(i, Math.min(j, n)), quoted: false });
      i = j;
    }
  }
  return tokens;
}
