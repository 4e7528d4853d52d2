// docs/testing.md shows each recipe file in full: this keeps the page and the tests the same text.
import { readFileSync, readdirSync } from 'node:fs';
import { expect, test } from 'vitest';

const docs = readFileSync(new URL('../../docs/testing.md', import.meta.url), 'utf8');
const recipes = readdirSync(new URL('.', import.meta.url)).filter((f) => f.endsWith('.test.ts') && f !== 'docs-in-sync.test.ts');

test.each(recipes)('docs/testing.md shows test/recipes/%s as it is', (file) => {
  const shown = docs.match(new RegExp(`\\[\`test/recipes/${file.replace(/\./g, '\\.')}\`\\]\\([^)]*\\)\\n\\n\`\`\`ts\\n([\\s\\S]*?)\`\`\``));
  expect(shown, `docs/testing.md has no block for ${file}`).not.toBeNull();
  expect(shown![1]).toBe(readFileSync(new URL(file, import.meta.url), 'utf8'));
});
