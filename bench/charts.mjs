/**
 * Plain hand-written SVG charts of the bench's figures, written by the same run that measured
 * them (into .bench-out/ and docs/charts/): grouped horizontal bars, one group per label. No
 * plotting library: a few rectangles and text elements a browser or GitHub renders as is.
 */

const COLORS = ['#2b6cb0', '#c05621', '#2f855a', '#6b46c1', '#b7791f', '#718096'];
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A tick step (1, 2 or 5 × 10^k) giving about five ticks up to `max`. */
function tickStep(max) {
  const raw = max / 5;
  const pow = 10 ** Math.floor(Math.log10(raw || 1));
  return [1, 2, 5, 10].map((m) => m * pow).find((s) => raw <= s);
}

const fmtNum = (v) => (v === 0 ? '0' : v >= 100 ? Math.round(v).toLocaleString('en-US') : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/**
 * Horizontal bars: `groups` are rows of labelled bars (one bar per series), `unit` names the axis.
 * @param {{ title: string, subtitle?: string, unit: string, series: string[], groups: { label: string, values: number[] }[] }} chart
 * @returns {string} the SVG document
 */
export function barChart({ title, subtitle = '', unit, series, groups }) {
  const barH = 18;
  const gap = 10;
  const left = 190;
  const width = 760;
  const plotW = width - left - 90;
  const top = subtitle ? 62 : 48;
  const legendH = series.length > 1 ? 24 : 0;
  const groupH = series.length * barH + gap;
  const height = top + legendH + groups.length * groupH + 40;
  const max = Math.max(...groups.flatMap((g) => g.values.filter(Number.isFinite)), 0) || 1;
  const step = tickStep(max);
  const axisMax = Math.ceil(max / step) * step;
  const x = (v) => left + (v / axisMax) * plotW;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="16" y="24" font-size="15" font-weight="bold">${esc(title)}</text>`,
  ];
  if (subtitle) out.push(`<text x="16" y="44" fill="#555">${esc(subtitle)}</text>`);
  series.forEach((name, i) => {
    if (series.length < 2) return;
    const lx = left + i * 150;
    out.push(`<rect x="${lx}" y="${top - 4}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/><text x="${lx + 18}" y="${top + 6}">${esc(name)}</text>`);
  });
  const plotTop = top + legendH;
  const plotBottom = plotTop + groups.length * groupH;
  for (let v = 0; v <= axisMax + step / 2; v += step) {
    out.push(`<line x1="${x(v)}" y1="${plotTop - 4}" x2="${x(v)}" y2="${plotBottom}" stroke="#e2e2e2"/>`);
    out.push(`<text x="${x(v)}" y="${plotBottom + 16}" text-anchor="middle" fill="#555">${fmtNum(v)}</text>`);
  }
  out.push(`<text x="${left + plotW / 2}" y="${plotBottom + 33}" text-anchor="middle" fill="#333">${esc(unit)}</text>`);
  groups.forEach((g, gi) => {
    const y0 = plotTop + gi * groupH;
    out.push(`<text x="${left - 8}" y="${y0 + (series.length * barH) / 2 + 4}" text-anchor="end">${esc(g.label)}</text>`);
    g.values.forEach((v, si) => {
      if (!Number.isFinite(v)) return;
      const y = y0 + si * barH;
      out.push(`<rect x="${left}" y="${y}" width="${Math.max(1, x(v) - left).toFixed(1)}" height="${barH - 3}" fill="${COLORS[si % COLORS.length]}"/>`);
      out.push(`<text x="${(x(v) + 4).toFixed(1)}" y="${y + barH - 7}" fill="#222">${fmtNum(v)}</text>`);
    });
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
