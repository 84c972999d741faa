// mx.viz: printSummary (MXNet's layer table) and plotNetwork (the graph as Graphviz DOT), from dev.mxj.viz.Viz.
import { H, host, MXNetError, describe, isOptions, paramString } from './base.js';
import { Symbol } from './symbol.js';

function shapeArgs(shape) {
  if (shape === undefined || shape === null) return [null, null];
  if (!isOptions(shape)) throw new MXNetError(`viz: shape must be an object of input shapes ({data: [1, 784]}), got ${describe(shape)}`);
  return [Object.keys(shape), Object.values(shape).map((s) => Array.from(s, Number))];
}

function checkSymbol(s) {
  if (!(s instanceof Symbol)) throw new MXNetError(`viz: expected a Symbol, got ${describe(s)}`);
}

/** The table printSummary prints (an mxj extra, for callers that want the text). */
export function summary(symbol, { shape = null, lineLength = 120, positions = [0.44, 0.64, 0.74, 1] } = {}) {
  checkSymbol(symbol);
  const [names, shapes] = shapeArgs(shape);
  return host(() => H.vizSummary(symbol._h, names, shapes, lineLength, positions.map(Number)));
}

/** MXNet's print_summary(symbol, shape): layers, output shapes (batch axis dropped), parameter counts. */
export function printSummary(symbol, opts = {}) {
  console.log(summary(symbol, opts).replace(/\n$/, ''));
}

/** What plotNetwork returns: the DOT source, save() to a .gv file and render() through Graphviz's `dot` when installed. */
export class Digraph {
  constructor(handle, name, format) {
    this._h = handle;
    this.name = name;
    this.format = format;
  }

  get source() { return host(() => H.dotSource(this._h)); }

  toString() { return this.source; }

  /** Write the source to `filename` (default `<name>.gv`) in `directory`; the path written. */
  save({ filename = null, directory = null } = {}) {
    const f = filename ?? `${this.name}.gv`;
    const path = directory ? `${directory.replace(/\/$/, '')}/${f}` : f;
    host(() => H.dotSave(this._h, path));
    return path;
  }

  /** Save, then run `dot -T<format>` into `<saved file>.<format>`; the rendered path. Fails with MXNetError without Graphviz. */
  render({ filename = null, directory = null, format = null } = {}) {
    const src = this.save({ filename, directory });
    const out = `${src}.${format ?? this.format}`;
    host(() => H.dotRender(this._h, out, format ?? this.format));
    return out;
  }
}

/**
 * MXNet's plot_network(symbol, {title, saveFormat, shape, dtype, nodeAttrs, hideWeights}): one node
 * per operator, edges labelled with shapes (and dtypes) when given, weights hidden by default.
 */
export function plotNetwork(symbol, { title = 'plot', saveFormat = 'pdf', shape = null, dtype = null, nodeAttrs = {}, hideWeights = true } = {}) {
  checkSymbol(symbol);
  const [names, shapes] = shapeArgs(shape);
  let tnames = null, types = null;
  if (dtype !== null) {
    if (!isOptions(dtype)) throw new MXNetError(`plotNetwork: dtype must be an object of input dtypes, got ${describe(dtype)}`);
    tnames = Object.keys(dtype);
    types = Object.values(dtype).map((t) => paramString(t, 'dtype'));
  }
  const attrs = {};
  for (const [k, v] of Object.entries(nodeAttrs ?? {})) attrs[k] = String(v);
  return new Digraph(host(() => H.vizPlot(symbol._h, String(title), names, shapes, tnames, types, attrs, Boolean(hideWeights))), String(title), saveFormat);
}

export const viz = { printSummary, plotNetwork, summary, Digraph };
