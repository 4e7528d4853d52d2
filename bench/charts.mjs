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
/** The opening of a chart: the svg element, a white ground, the title and the subtitle if any. */
function svgHead(width, height, title, subtitle) {
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="16" y="24" font-size="15" font-weight="bold">${esc(title)}</text>`,
  ];
  if (subtitle) out.push(`<text x="16" y="44" fill="#555">${esc(subtitle)}</text>`);
  return out;
}

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
  const out = svgHead(width, height, title, subtitle);
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

/**
 * Lines over time: one polyline per series ([x, y] points, x ascending), dashed vertical marks
 * at given x (events) and dashed horizontal lines at given y (references). With `logY`, a
 * logarithmic y axis (every y must then be > 0), for latencies that span orders of magnitude.
 * @param {{ title: string, subtitle?: string, xUnit: string, yUnit: string, logY?: boolean,
 *   series: { name: string, points: [number, number][] }[],
 *   marks?: { x: number, label: string }[], levels?: { y: number, label: string, series: number }[] }} chart
 * @returns {string} the SVG document
 */
export function lineChart({ title, subtitle = '', xUnit, yUnit, logY = false, series, marks = [], levels = [] }) {
  const width = 760;
  const left = 70;
  const right = 20;
  const top = subtitle ? 86 : 70;
  const plotW = width - left - right;
  const plotH = 300;
  const height = top + plotH + 50;
  const xs = series.flatMap((s) => s.points.map((p) => p[0])).concat(marks.map((m) => m.x));
  const ys = series.flatMap((s) => s.points.map((p) => p[1])).concat(levels.map((l) => l.y)).filter((y) => Number.isFinite(y) && (!logY || y > 0));
  const xMax = Math.max(...xs, 1);
  const xStep = tickStep(xMax);
  const xAxis = Math.ceil(xMax / xStep) * xStep;
  const x = (v) => left + (v / xAxis) * plotW;
  let y;
  const yTicks = [];
  if (logY) {
    const lo = Math.floor(Math.log10(Math.min(...ys, 1)));
    const hi = Math.ceil(Math.log10(Math.max(...ys, 1)));
    const span = Math.max(1, hi - lo);
    y = (v) => top + plotH - ((Math.log10(Math.max(v, 10 ** lo)) - lo) / span) * plotH;
    for (let e = lo; e <= hi; e++) yTicks.push(10 ** e);
  } else {
    const yMax = Math.max(...ys, 0) || 1;
    const yStep = tickStep(yMax);
    const yAxis = Math.ceil(yMax / yStep) * yStep;
    y = (v) => top + plotH - (v / yAxis) * plotH;
    for (let v = 0; v <= yAxis + yStep / 2; v += yStep) yTicks.push(v);
  }
  const out = svgHead(width, height, title, subtitle);
  series.forEach((s, i) => {
    const lx = left + i * 170;
    out.push(`<rect x="${lx}" y="${top - 24}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/><text x="${lx + 18}" y="${top - 14}">${esc(s.name)}</text>`);
  });
  for (const v of yTicks) {
    out.push(`<line x1="${left}" y1="${y(v).toFixed(1)}" x2="${left + plotW}" y2="${y(v).toFixed(1)}" stroke="#e2e2e2"/>`);
    out.push(`<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" fill="#555">${fmtNum(v)}</text>`);
  }
  for (let v = 0; v <= xAxis + xStep / 2; v += xStep) {
    out.push(`<text x="${x(v).toFixed(1)}" y="${top + plotH + 16}" text-anchor="middle" fill="#555">${fmtNum(v)}</text>`);
  }
  out.push(`<text x="${left + plotW / 2}" y="${top + plotH + 36}" text-anchor="middle" fill="#333">${esc(xUnit)}</text>`);
  out.push(`<text x="16" y="${top + plotH / 2}" fill="#333" transform="rotate(-90 16 ${top + plotH / 2})" text-anchor="middle">${esc(yUnit)}</text>`);
  out.push(`<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#888"/>`);
  marks.forEach((m, i) => {
    out.push(`<line x1="${x(m.x).toFixed(1)}" y1="${top}" x2="${x(m.x).toFixed(1)}" y2="${top + plotH}" stroke="#555" stroke-dasharray="4 3"/>`);
    out.push(`<text x="${(x(m.x) + 4).toFixed(1)}" y="${top + 12 + i * 14}" fill="#333">${esc(m.label)}</text>`);
  });
  for (const l of levels) {
    const color = COLORS[l.series % COLORS.length];
    out.push(`<line x1="${left}" y1="${y(l.y).toFixed(1)}" x2="${left + plotW}" y2="${y(l.y).toFixed(1)}" stroke="${color}" stroke-dasharray="2 3"/>`);
    out.push(`<text x="${left + plotW - 4}" y="${(y(l.y) - 4).toFixed(1)}" text-anchor="end" fill="${color}">${esc(l.label)}</text>`);
  }
  series.forEach((s, i) => {
    const pts = s.points.filter((p) => Number.isFinite(p[1]) && (!logY || p[1] > 0)).map((p) => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`);
    if (pts.length > 0) out.push(`<polyline fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="1.5" points="${pts.join(' ')}"/>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
