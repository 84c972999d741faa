// mx.io: DataIter (subclassable, iterable with for...of), NDArrayIter, CSVIter, MNISTIter.
import { H, MXNetError, host, hostOptions, describe, fromHostArray } from './base.js';
import { NDArray, array } from './ndarray.js';

export class DataDesc {
  constructor(name, shape, dtype = 'float32', layout = 'NCHW') {
    this.name = name;
    this.shape = shape;
    this.dtype = dtype;
    this.layout = layout;
  }

  toString() { return `DataDesc[${this.name},(${this.shape.join(', ')}),${this.dtype},${this.layout}]`; }
}

/** A batch: data and label arrays, padding, and for bucketing its bucketKey with its own provideData/provideLabel. */
export class DataBatch {
  constructor({ data = [], label = [], pad = 0, index = null, bucketKey = null, provideData = null, provideLabel = null } = {}) {
    this.data = data;
    this.label = label;
    this.pad = pad;
    this.index = index;
    this.bucketKey = bucketKey;
    this.provideData = provideData;
    this.provideLabel = provideLabel;
  }
}

/**
 * An iterator over batches, and a JS iterator: `for (const batch of it)` runs to the end of the
 * epoch; call reset() before the next one (as MXNet). A subclass implements nextBatch() (a
 * DataBatch, or null at the end of the epoch) and reset(), and may override provideData/provideLabel.
 */
export class DataIter {
  constructor(batchSize = 0) {
    this.batchSize = batchSize;
    this._current = null;
  }

  nextBatch() { throw new MXNetError(`${this.constructor.name}.nextBatch() is not implemented`); }

  reset() {}

  [Symbol.iterator]() { return this; }

  /** The JS iterator protocol: {value: DataBatch, done}. */
  next() {
    const b = this.nextBatch();
    this._current = b;
    return b === null || b === undefined ? { value: undefined, done: true } : { value: b, done: false };
  }

  /** MXNet's iter_next(): advance; false at the end of the epoch. */
  iterNext() { return !this.next().done; }

  _cur() {
    if (!this._current) throw new MXNetError('no current batch: call iterNext() or next() first');
    return this._current;
  }

  getData() { return this._cur().data; }

  getLabel() { return this._cur().label; }

  getPad() { return this._cur().pad; }

  getIndex() { return this._cur().index; }

  get provideData() { return []; }

  get provideLabel() { return []; }
}

/** An iterator implemented by the runtime. */
class RuntimeIter extends DataIter {
  constructor(handle) {
    super(host(() => H.batchSize(handle)));
    this._h = handle;
  }

  nextBatch() {
    const b = host(() => H.nextBatch(this._h));
    if (b === null || b === undefined) return null;
    const wrapAll = (hs) => fromHostArray(hs, (x) => new NDArray(x));
    const index = host(() => H.batchIndex(b));
    return new DataBatch({
      data: wrapAll(host(() => H.batchData(b))),
      label: wrapAll(host(() => H.batchLabel(b))),
      pad: host(() => H.batchPad(b)),
      index: index === null || index === undefined ? null : fromHostArray(index, Number),
    });
  }

  reset() { host(() => H.reset(this._h)); }

  /** Release files and threads now. */
  close() { host(() => H.closeIter(this._h)); }

  get provideData() { return descs(this._h, false); }

  get provideLabel() { return descs(this._h, true); }
}

function descs(h, label) {
  return fromHostArray(host(() => H.descs(h, label)), ([n, s, t, l]) => new DataDesc(n, fromHostArray(s, Number), t, l));
}

function toArrays(v, what) {
  if (v === null || v === undefined) return null;
  if (v instanceof NDArray) return v._h;
  if (Array.isArray(v) && v.length > 0 && v.every((x) => x instanceof NDArray)) return v.map((x) => x._h);
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return array(v)._h;
  if (typeof v === 'object') {
    const out = {};
    for (const [k, x] of Object.entries(v)) out[k] = x instanceof NDArray ? x._h : array(x)._h;
    return out;
  }
  throw new MXNetError(`NDArrayIter: ${what} must be an NDArray, an array of NDArrays, data or an object of named arrays, got ${describe(v)}`);
}

/**
 * Batches over in-memory arrays: new NDArrayIter(data, label, {batchSize, shuffle, lastBatchHandle,
 * dataName, labelName}) or new NDArrayIter({data, label, batchSize, ...}), MXNet's defaults
 * (batchSize 1, no shuffle, lastBatchHandle 'pad').
 */
export class NDArrayIter extends RuntimeIter {
  constructor(data, label, opts) {
    if (data !== null && typeof data === 'object' && !(data instanceof NDArray) && !Array.isArray(data) && !ArrayBuffer.isView(data)
        && 'data' in data && label === undefined && opts === undefined) {
      const { data: d, label: l, ...rest } = data;
      data = d; label = l; opts = rest;
    }
    const d = toArrays(data, 'data');
    if (d === null) throw new MXNetError('NDArrayIter: data is required');
    const l = toArrays(label, 'label');
    super(host(() => H.ndarrayIter(d, l, hostOptions(opts))));
  }
}

/** MNIST/Fashion-MNIST idx files: {image, label, batchSize, shuffle, flat, seed, silent, inputShape, numParts, partIndex, prefetchBuffer}. */
export class MNISTIter extends RuntimeIter {
  constructor(opts = {}) { super(host(() => H.mnistIter(hostOptions(opts)))); }
}

/** CSV files: {dataCsv, dataShape, labelCsv, labelShape, batchSize, roundBatch, dtype, prefetchBuffer}. */
export class CSVIter extends RuntimeIter {
  constructor(opts = {}) { super(host(() => H.csvIter(hostOptions(opts)))); }
}

export const io = { DataDesc, DataBatch, DataIter, NDArrayIter, MNISTIter, CSVIter };
