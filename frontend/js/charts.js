// Line and bar charts drawn by uPlot (vendored into frontend/vendor by
// deploy/local/lib.sh). Each chart's figure carries data-points, the number of
// points the last draw used, and sits next to a table of the same values.
import { h } from './dom.js';

let uPlotModule = null;
async function loadUPlot() {
  uPlotModule ??= import('../vendor/uPlot.esm.js').then((m) => m.default);
  return uPlotModule;
}

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

const HEIGHT = 220;

// drawChart(figure, { x, y, xKind: 'day' | 'share', label, format, bars }) → { destroy() }.
export async function drawChart(figure, { x, y, xKind, label, format, bars = false }) {
  const uPlot = await loadUPlot();
  const text = cssVar('--muted');
  const grid = cssVar('--border');
  const accent = cssVar('--accent');
  const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  const xAxis = xKind === 'share'
    ? { ...axis, values: (u, vals) => vals.map((v) => `${Math.round(v * 100)}%`) }
    : axis;
  const opts = {
    width: Math.max(260, figure.clientWidth),
    height: HEIGHT,
    scales: {
      // Half a day either side keeps the first and last days' bars inside the plot.
      x: xKind === 'day' ? { time: true, range: (u, min, max) => [min - 43200, max + 43200] } : { time: false },
      y: { range: (u, min, max) => [0, xKind === 'share' || !(max > 0) ? 1 : max * 1.1] },
    },
    axes: [xAxis, { ...axis, size: 60, values: (u, vals) => vals.map(format) }],
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    series: [
      {},
      {
        label,
        stroke: accent,
        width: 2,
        fill: bars ? accent : undefined,
        paths: bars ? uPlot.paths.bars({ size: [0.6, 40] }) : undefined,
        points: { show: !bars },
      },
    ],
    hooks: { draw: [(u) => { figure.dataset.points = String(u.data[1].length); }] },
  };
  const plot = new uPlot(opts, [x, y], figure);
  const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(260, figure.clientWidth), height: HEIGHT }));
  resize.observe(figure);
  return {
    destroy() {
      resize.disconnect();
      plot.destroy();
    },
  };
}

// A <figure> for a chart with its caption.
export function chartFigure(className, caption) {
  return h('figure', { class: `chart ${className}`, 'data-points': '0' }, h('figcaption', {}, caption));
}
