// Small SVG charts drawn by the app itself (no library): a column chart and a horizontal bar chart.
// Every chart is an <svg role="img"> named by its <title> and described by a <desc> that says the
// numbers in words, and comes with a <details> table of the same numbers. Elements are made with
// createElementNS and text is set as text nodes; only geometry attributes are set (no style
// attributes: the look is in style.css, classes .chart…).
import { h, uid } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';

/** s('rect', {x: 1, class: 'a'}, children…): an SVG element, as h() makes HTML ones. */
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'dataset') {
      for (const [k, v] of Object.entries(value)) el.setAttribute(`data-${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, String(v));
    } else {
      el.setAttribute(key, String(value));
    }
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

const round = (n) => Math.round(n * 10) / 10;

/** A step of 1, 2 or 5 × 10^k so that about `count` steps reach `max` (at least 1: counts are whole). */
function niceStep(max, count = 4) {
  const raw = Math.max(max / count, 1);
  const pow = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

/** The chart's frame: the <svg> with its <title> and <desc>, and the ids that name it. */
function frame({ id, title, description, width, height }) {
  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  const svg = s('svg', {
    xmlns: NS, viewBox: `0 0 ${width} ${height}`, class: 'chart__svg', role: 'img',
    'aria-labelledby': `${titleId} ${descId}`, focusable: 'false', id: `${id}-svg`,
  },
  s('title', { id: titleId }, title),
  s('desc', { id: descId }, description));
  return svg;
}

/** The box the chart scrolls sideways in on a narrow screen: a named region with a tab stop, so the
 *  keyboard can scroll it too (as the tables' .table-wrap). */
function canvas(id, svg) {
  return h('div', { class: 'chart__canvas', tabindex: '0', role: 'region', 'aria-labelledby': `${id}-heading` }, svg);
}

/** The <details> with the chart's numbers as a table (for screen readers and anyone who prefers it). */
function dataTable({ id, title, columns, rows }) {
  return h('details', { class: 'chart__data', id: `${id}-data` },
    h('summary', { class: 'chart__data-summary' }, `${title}: the numbers as a table`),
    h('div', { class: 'table-wrap' },
      h('table', { class: 'table table--compact', id: `${id}-table` },
        h('caption', { class: 'visually-hidden' }, title),
        h('thead', {}, h('tr', {}, columns.map((c, i) => h('th', { scope: 'col', class: i ? 'table__number' : null }, c)))),
        h('tbody', {}, rows.map((r) => h('tr', {},
          h('th', { scope: 'row', dataset: { label: columns[0] } }, r[0]),
          r.slice(1).map((v, i) => h('td', { class: 'table__number', dataset: { label: columns[i + 1] } }, v))))))));
}

/**
 * columnChart({id, title, description, items: [{label, short, value}], unit, columns})
 * A vertical bar per item (e.g. per month) with a value axis, gridlines, the value above each bar
 * (when there is room) and the item's short label under it (thinned out when there are many).
 */
export function columnChart({ id = uid('chart'), title, description, items, columns = ['Item', 'Value'], format = (v) => v.toLocaleString('en-GB') }) {
  const W = 720; const H = 300;
  const left = 48; const right = 12; const top = 26; const bottom = 46;
  const plotW = W - left - right; const plotH = H - top - bottom;
  const n = Math.max(items.length, 1);
  const max = Math.max(0, ...items.map((it) => Number(it.value) || 0));
  const step = niceStep(max);
  const axisMax = Math.max(step, Math.ceil(max / step) * step);
  const y = (v) => top + plotH - (v / axisMax) * plotH;
  const band = plotW / n;
  const barW = Math.max(1, band * 0.68);
  const labelEvery = Math.ceil(n / 12);
  const showValues = n <= 24;

  const svg = frame({ id, title, description, width: W, height: H });
  const grid = s('g', { class: 'chart__grid' });
  const axis = s('g', { class: 'chart__axis', 'aria-hidden': 'true' });
  for (let v = 0; v <= axisMax; v += step) {
    const yy = round(y(v));
    grid.append(s('line', { x1: left, x2: W - right, y1: yy, y2: yy, class: v === 0 ? 'chart__baseline' : 'chart__gridline' }));
    axis.append(s('text', { x: left - 8, y: yy + 4, class: 'chart__tick', 'text-anchor': 'end' }, format(v)));
  }
  const bars = s('g', { class: 'chart__bars' });
  const labels = s('g', { class: 'chart__labels', 'aria-hidden': 'true' });
  items.forEach((it, i) => {
    const v = Number(it.value) || 0;
    const x = left + i * band + (band - barW) / 2;
    const yy = y(v);
    bars.append(s('rect', {
      x: round(x), y: round(yy), width: round(barW), height: round(top + plotH - yy), class: 'chart__bar',
      dataset: { label: it.label, value: v },
    }, s('title', {}, `${it.label}: ${format(v)}`)));
    if (showValues) {
      labels.append(s('text', { x: round(x + barW / 2), y: round(yy - 6), class: 'chart__value', 'text-anchor': 'middle' }, format(v)));
    }
    if (i % labelEvery === 0 || i === items.length - 1) {
      const [first, second] = String(it.short || it.label).split('\n');
      labels.append(s('text', { x: round(x + barW / 2), y: top + plotH + 18, class: 'chart__label', 'text-anchor': 'middle' },
        s('tspan', { x: round(x + barW / 2) }, first),
        second ? s('tspan', { x: round(x + barW / 2), dy: 15, class: 'chart__label-sub' }, second) : null));
    }
  });
  svg.append(grid, bars, axis, labels);
  return h('div', { class: 'chart', id },
    h('h3', { class: 'heading-s chart__title', id: `${id}-heading` }, title),
    canvas(id, svg),
    dataTable({ id, title, columns, rows: items.map((it) => [it.label, format(Number(it.value) || 0)]) }));
}

/**
 * barChart({id, title, description, items: [{label, value}], columns})
 * One horizontal bar per item, its label above it and its value at its end.
 */
export function barChart({ id = uid('chart'), title, description, items, columns = ['Item', 'Value'], format = (v) => v.toLocaleString('en-GB') }) {
  const W = 720; const rowH = 46; const top = 4;
  const H = top + Math.max(items.length, 1) * rowH;
  const valueRoom = 70;
  const max = Math.max(0, ...items.map((it) => Number(it.value) || 0));
  const scale = (W - valueRoom) / Math.max(max, 1);
  const svg = frame({ id, title, description, width: W, height: H });
  const rows = s('g', { class: 'chart__bars' });
  items.forEach((it, i) => {
    const v = Number(it.value) || 0;
    const y0 = top + i * rowH;
    const w = round(v * scale);
    rows.append(s('g', { class: 'chart__row' },
      s('text', { x: 0, y: y0 + 14, class: 'chart__label', 'aria-hidden': 'true' }, it.label),
      s('rect', { x: 0, y: y0 + 20, width: w, height: 18, class: ['chart__bar', v === 0 ? 'chart__bar--zero' : ''].join(' ').trim(), dataset: { label: it.label, value: v } },
        s('title', {}, `${it.label}: ${format(v)}`)),
      s('text', { x: round(w + 8), y: y0 + 34, class: 'chart__value', 'aria-hidden': 'true' }, format(v))));
  });
  svg.append(s('line', { x1: 0.5, x2: 0.5, y1: top + 16, y2: H, class: 'chart__baseline' }), rows);
  return h('div', { class: 'chart', id },
    h('h3', { class: 'heading-s chart__title', id: `${id}-heading` }, title),
    canvas(id, svg),
    dataTable({ id, title, columns, rows: items.map((it) => [it.label, format(Number(it.value) || 0)]) }));
}
