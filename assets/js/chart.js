// Charts with Chart.js (pinned in package.json, served by app/assets.c from
// node_modules under /vendor/). Its UMD build is imported as a module for
// its side effect (it sets globalThis.Chart): the ESM build imports a bare
// package name that a browser cannot resolve without an import map, and an
// inline import map is not allowed by the Content-Security-Policy. Chart.js
// draws on a <canvas> and sets element.style from script, which the CSP
// allows; it injects no stylesheet.
//
// The library is loaded on first use only, so pages without charts never
// fetch it and a report's table shows before its charts.
//
//   const chart = await drawChart(canvas, { type: 'bar', data, options });
//   chart.destroy();   // when the page goes
//
// Every chart needs a text alternative: give the canvas an aria-label and
// aria-describedby pointing at a table with the same numbers (chartCanvas).
import { h } from './dom.js';

const SRC = '/vendor/chart.js/dist/chart.umd.min.js';
let loading = null;

/** Chart.js's constructor (loads the library once). */
export function loadChart() {
  if (!loading) {
    loading = import(SRC).then(() => {
      if (!globalThis.Chart) throw new Error('Chart.js did not load');
      return globalThis.Chart;
    });
    loading.catch(() => { loading = null; });   // a later call may retry
  }
  return loading;
}

/** Colours that read on light and dark backgrounds, in series order. */
export const PALETTE = ['#3b63f0', '#e8590c', '#2b8a3e', '#ae3ec9', '#1098ad', '#c92a2a', '#846a00', '#5f3dc4'];

function cssVar(name, fallback) {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

/** A canvas that is an image with a name, described by the element (a
 *  table of the same numbers) whose id is describedBy. */
export function chartCanvas({ id, label, describedBy }) {
  return h('canvas', { id, role: 'img', 'aria-label': label, 'aria-describedby': describedBy },
    // Fallback content for browsers that draw no canvas.
    h('p', null, `${label}. The numbers are in the table below the chart.`));
}

/** Draws config on canvas with the app's colours and fonts; resolves to
 *  the Chart instance. */
export async function drawChart(canvas, config) {
  const Chart = await loadChart();
  const text = cssVar('--text', '#1b2232');
  const muted = cssVar('--muted', '#5a6378');
  const grid = cssVar('--border', '#dde2ec');
  Chart.defaults.color = muted;
  Chart.defaults.borderColor = grid;
  Chart.defaults.font.family = cssVar('--font', 'system-ui, sans-serif');
  const still = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  const options = {
    responsive: true,
    maintainAspectRatio: false,
    animation: still ? false : { duration: 250 },
    ...config.options,
    plugins: {
      legend: { labels: { color: text, boxWidth: 12 } },
      ...(config.options && config.options.plugins),
    },
  };
  return new Chart(canvas, { ...config, options });
}
