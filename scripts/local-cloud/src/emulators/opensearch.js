'use strict';

// A development stand-in for an OpenSearch domain, so that the official client
// (@opensearch-project/opensearch) indexes and searches log lines on the local cloud unchanged:
// index admin, _bulk with OpenSearch's per-item results, _search and _count with a subset of the
// query DSL, in memory. It follows OpenSearch where a caller could tell (dynamic mapping fixes a
// field's type at first sight, `create` conflicts, text fields refuse to sort, a bulk body must end
// in a newline); what it does not serve it refuses with a 400 that says so, never a silent guess.
// Where it differs from OpenSearch is listed in the local cloud's README. A fault switch
// (POST /_local/faults) makes it answer 429/503 for a while, for the shipper's retry tests.

const crypto = require('node:crypto');
const http = require('node:http');
const { readRequestBody, UnreadableBody } = require('./request-body');

const VERSION = '2.19.0'; // what GET / reports: the API served here is that of any OpenSearch 2.x
const MAX_RESULT_WINDOW = 10_000; // index.max_result_window
const DEFAULT_TRACK_TOTAL_HITS = 10_000;
const KEYWORD_IGNORE_ABOVE = 256; // the dynamic `keyword` sub-field of a text field skips longer strings

/** An error OpenSearch answers with: status, its `type` and `reason`, in OpenSearch's body shape. */
class OpenSearchError extends Error {
  /** @param {number} status @param {string} type @param {string} reason @param {Record<string, unknown>} [extra] */
  constructor(status, type, reason, extra = {}) {
    super(reason);
    this.status = status;
    this.type = type;
    this.extra = extra;
  }

  /** @override OpenSearch's `caused_by`-style detail, not a wrapped error */
  get cause() {
    return { type: this.type, reason: this.message, ...this.extra };
  }

  toBody() {
    return { error: { root_cause: [this.cause], ...this.cause }, status: this.status };
  }
}

const badRequest = (/** @type {string} */ reason, type = 'illegal_argument_exception') => new OpenSearchError(400, type, reason);
const notServed = (/** @type {string} */ what) => badRequest(`${what} is not served by the local OpenSearch stand-in`);
const indexNotFound = (/** @type {string} */ name) =>
  new OpenSearchError(404, 'index_not_found_exception', `no such index [${name}]`, { 'resource.type': 'index_or_alias', 'resource.id': name, index: name, index_uuid: '_na_' });
const mapperParsing = (/** @type {string} */ reason) => new OpenSearchError(400, 'mapper_parsing_exception', reason);

// ---- dates: ISO strings, epoch millis and date math (now-15m, 2024-01-01||+1d/d) ----------------

// strict_date_optional_time, the format dynamic date detection recognises.
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}(?::\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** @param {string} text */
function isoMillis(text) {
  if (!ISO_DATE.test(text)) return Number.NaN;
  let normal = text.replace(',', '.');
  // OpenSearch reads a time without a zone as UTC; Date.parse would read it as local time.
  if (normal.includes('T') && !/(?:Z|[+-]\d{2}:?\d{2})$/.test(normal)) normal += 'Z';
  if (/T\d{2}(?:Z|[+-]|$)/.test(normal)) normal = normal.replace(/T(\d{2})/, 'T$1:00');
  return Date.parse(normal);
}

/** @type {Record<string, number>} */
const UNIT_MS = { w: 604_800_000, d: 86_400_000, h: 3_600_000, H: 3_600_000, m: 60_000, s: 1000 };

/** @param {number} ms @param {string} unit @returns {number} */
function startOf(ms, unit) {
  const date = new Date(ms);
  const [y, mo, d] = [date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()];
  if (unit === 'y') return Date.UTC(y, 0, 1);
  if (unit === 'M') return Date.UTC(y, mo, 1);
  if (unit === 'w') return Date.UTC(y, mo, d) - ((date.getUTCDay() + 6) % 7) * /** @type {number} */ (UNIT_MS.d); // weeks start on Monday
  const unitMs = /** @type {number} */ (UNIT_MS[unit]); // the date math's pattern allows only these units
  return ms - (((ms % unitMs) + unitMs) % unitMs);
}

/** @param {number} ms @param {number} amount @param {string} unit */
function add(ms, amount, unit) {
  if (unit !== 'y' && unit !== 'M') return ms + amount * /** @type {number} */ (UNIT_MS[unit]);
  const date = new Date(ms);
  if (unit === 'y') date.setUTCFullYear(date.getUTCFullYear() + amount);
  else date.setUTCMonth(date.getUTCMonth() + amount);
  return date.getTime();
}

/**
 * A date bound of a range query in epoch millis. `roundUp` is OpenSearch's rule for `/unit`
 * rounding: gt and lte round to the end of the unit, gte and lt to its start.
 * @param {unknown} value
 * @param {{ roundUp: boolean, now: () => number }} options
 * @returns {number}
 */
function dateBound(value, { roundUp, now }) {
  if (typeof value === 'number') return value;
  const text = String(value);
  if (/^-?\d+$/.test(text)) return Number(text);
  const [anchor, math] = text.startsWith('now') ? ['now', text.slice(3)] : text.includes('||') ? text.split('||') : [text, ''];
  let ms = anchor === 'now' ? now() : isoMillis(String(anchor));
  if (Number.isNaN(ms) || !/^(?:[+-]\d*[yMwdhHms]|\/[yMwdhHms])*$/.test(String(math))) {
    throw new OpenSearchError(400, 'parse_exception', `failed to parse date field [${text}] with format [strict_date_optional_time||epoch_millis]`);
  }
  for (const [, sign, amount, unit = '', rounding] of String(math).matchAll(/([+-])(\d*)([yMwdhHms])|\/([yMwdhHms])/g)) {
    if (rounding) ms = roundUp ? add(startOf(ms, rounding), 1, rounding) - 1 : startOf(ms, rounding);
    else ms = add(ms, (sign === '-' ? -1 : 1) * Number(amount || 1), unit);
  }
  return ms;
}

// ---- dynamic mapping ----------------------------------------------------------------------------

// What a query can tell of a field's type. The first value a field gets fixes it, as with
// OpenSearch's dynamic mapping: strings that look like dates become `date`, other strings `text`
// (with a `keyword` sub-field, read as `<field>.keyword`), whole numbers `long`, others `float`.
/** @param {unknown} value @returns {string} */
function dynamicType(value) {
  if (typeof value === 'number') return Number.isInteger(value) ? 'long' : 'float';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return Number.isNaN(isoMillis(value)) ? 'text' : 'date';
  return 'object';
}

// Explicit mappings (PUT /<index> {"mappings": …}) in the types the stand-in tells apart.
/** @type {Record<string, string>} */
const DECLARED_TYPES = {
  text: 'text', keyword: 'keyword', match_only_text: 'text', date: 'date', boolean: 'boolean', object: 'object',
  long: 'long', integer: 'long', short: 'long', byte: 'long', float: 'float', double: 'float', half_float: 'float', scaled_float: 'float',
};

/**
 * A field path -> the type the stand-in tells apart (text, keyword, date, boolean, long, float, object).
 * @typedef {Map<string, string>} Mapping
 */

/**
 * @param {Record<string, any> | undefined} properties as PUT /<index> declares them
 * @param {string} [prefix]
 * @param {Mapping} [into]
 * @returns {Mapping}
 */
function declaredMapping(properties, prefix = '', into = new Map()) {
  for (const [name, field] of Object.entries(properties ?? {})) {
    const path = prefix + name;
    const type = field.properties ? 'object' : DECLARED_TYPES[field.type ?? 'object'];
    if (!type) throw mapperParsing(`No handler for type [${field.type}] declared on field [${path}] (the local OpenSearch stand-in maps ${Object.keys(DECLARED_TYPES).join(', ')})`);
    into.set(path, type);
    if (field.properties) declaredMapping(field.properties, `${path}.`, into);
  }
  return into;
}

/**
 * The mapping as GET /<index>/_mapping shows it: nested `properties`.
 * @param {Mapping} mapping
 */
function renderedMapping(mapping) {
  /** @type {Record<string, any>} */
  const root = {};
  for (const [path, type] of [...mapping].sort(([a], [b]) => a.localeCompare(b))) {
    const parts = path.split('.');
    let node = root;
    for (const part of parts.slice(0, -1)) node = (node[part] ??= { properties: {} }).properties;
    const last = /** @type {string} */ (parts.at(-1));
    if (type === 'object') node[last] = { properties: node[last]?.properties ?? {} };
    else if (type === 'text') node[last] = { type, fields: { keyword: { type: 'keyword', ignore_above: KEYWORD_IGNORE_ABOVE } } };
    else node[last] = { type };
  }
  return { properties: root };
}

/** @param {unknown} value @param {string} type @param {() => number} now */
function fitsType(value, type, now) {
  if (type === 'text' || type === 'keyword') return typeof value !== 'object';
  if (type === 'long' || type === 'float') return typeof value === 'number' || (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)));
  if (type === 'boolean') return value === true || value === false || value === 'true' || value === 'false';
  if (type === 'date') {
    if (typeof value === 'number') return true;
    try {
      return !Number.isNaN(dateBound(value, { roundUp: false, now }));
    } catch {
      return false;
    }
  }
  return false;
}

/**
 * The fields a document adds to its index's mapping, or the mapper_parsing_exception OpenSearch
 * answers when a value does not fit the type its field already has (an object where a string was,
 * a word where a number was). Nothing is added unless the whole document fits.
 * @param {Mapping} mapping
 * @param {object} source
 * @param {string} id
 * @param {() => number} now
 * @returns {Mapping}
 */
function mappingUpdates(mapping, source, id, now) {
  /** @type {Mapping} */
  const added = new Map();
  const typeOf = (/** @type {string} */ path) => mapping.get(path) ?? added.get(path);
  /** @type {(value: unknown, path: string) => void} */
  const visit = (value, path) => {
    if (value == null) return;
    if (Array.isArray(value)) return value.forEach((item) => visit(item, path));
    const known = typeOf(path);
    const isObject = typeof value === 'object';
    if (known === 'object' && !isObject) {
      throw mapperParsing(`object mapping for [${path}] tried to parse field [${path}] as object, but found a concrete value`);
    }
    if (known && known !== 'object' && !fitsType(value, known, now)) {
      throw mapperParsing(`failed to parse field [${path}] of type [${known}] in document with id '${id}'. Preview of field's value: '${isObject ? JSON.stringify(value) : value}'`);
    }
    if (!known) added.set(path, dynamicType(value));
    if (isObject) for (const [key, inner] of Object.entries(value)) visit(inner, `${path}.${key}`);
  };
  for (const [key, value] of Object.entries(source)) visit(value, key);
  return added;
}

/**
 * Every value at a dotted path, through nested objects, arrays and keys that contain dots.
 * @param {any} node
 * @param {string[]} parts
 * @returns {unknown[]}
 */
function valuesAt(node, parts) {
  if (node == null) return [];
  if (Array.isArray(node)) return node.flatMap((item) => valuesAt(item, parts));
  if (parts.length === 0) return [node];
  if (typeof node !== 'object') return [];
  /** @type {unknown[]} */
  const found = [];
  for (let i = 1; i <= parts.length; i += 1) {
    const key = parts.slice(0, i).join('.');
    if (Object.hasOwn(node, key)) found.push(...valuesAt(node[key], parts.slice(i)));
  }
  return found;
}

// ---- the query DSL subset -----------------------------------------------------------------------

// Roughly the standard analyzer: lower-cased, split on anything that is not a letter, digit or
// underscore (the real one follows Unicode word boundaries, and keeps `3.14` in one token).
const tokens = (/** @type {unknown} */ text) => String(text).toLowerCase().split(/[^\p{L}\p{N}_]+/u).filter(Boolean);

/**
 * A field as a query names it, in one index: `message.keyword` is the keyword view of text `message`.
 * @param {Mapping} mapping
 * @param {string} name
 * @returns {{ path: string, type: string | undefined }}
 */
function resolveField(mapping, name) {
  if (name.endsWith('.keyword') && mapping.get(name.slice(0, -'.keyword'.length)) === 'text') {
    return { path: name.slice(0, -'.keyword'.length), type: 'keyword' };
  }
  return { path: name, type: mapping.get(name) };
}

/**
 * A field's value as its type compares it: numbers, epoch millis, exact strings.
 * @param {unknown} value
 * @param {string} type
 * @param {() => number} now
 * @returns {number | string | undefined}
 */
function comparable(value, type, now) {
  if (type === 'long' || type === 'float') return Number(value);
  if (type === 'date') return dateBound(value, { roundUp: false, now });
  if (type === 'boolean') return String(value) === 'true' ? 1 : 0;
  if (type === 'keyword') return String(value).length > KEYWORD_IGNORE_ABOVE ? undefined : String(value);
  return String(value);
}

/**
 * @param {unknown} value
 * @param {string} type
 * @param {unknown} wanted
 * @param {{ caseInsensitive?: boolean, now: () => number }} options
 */
function termMatches(value, type, wanted, { caseInsensitive, now }) {
  if (type === 'text') return tokens(value).includes(caseInsensitive ? String(wanted).toLowerCase() : String(wanted));
  if (type === 'keyword' && caseInsensitive) return String(value).toLowerCase() === String(wanted).toLowerCase();
  return comparable(value, type, now) === comparable(wanted, type, now);
}

/** @type {(value: any) => any[]} */
const clauses = (value) => (value == null ? [] : Array.isArray(value) ? value : [value]);

/**
 * The one field of `{ "term": { "level": … } }`, past the options a query may carry beside it.
 * @param {string} kind
 * @param {any} spec
 * @returns {[string, any]}
 */
function fieldOf(kind, spec) {
  const fields = Object.keys(spec ?? {}).filter((key) => key !== 'boost' && key !== '_name');
  if (fields.length !== 1) throw new OpenSearchError(400, 'parsing_exception', `[${kind}] query expects exactly one field, got [${fields.join(', ')}]`);
  const field = /** @type {string} */ (fields[0]);
  return [field, spec[field]];
}

/** @param {unknown} setting @param {number} count @param {boolean} required */
function minimumShouldMatch(setting, count, required) {
  if (setting == null) return required || count === 0 ? 0 : 1;
  const text = String(setting).trim();
  const number = Number.parseInt(text, 10);
  let minimum = text.endsWith('%') ? Math.trunc((count * Math.abs(number)) / 100) : Math.abs(number);
  if (number < 0) minimum = count - minimum;
  return Math.max(0, Math.min(count, minimum));
}

const SERVED_QUERIES = ['match_all', 'match_none', 'bool', 'term', 'terms', 'match', 'match_phrase', 'range', 'exists', 'ids', 'prefix'];

/**
 * A query as a predicate over a stored document ({ id, source, index }), compiled once per request
 * so that a malformed or unserved query fails even when there is nothing to search.
 * @param {any} query
 * @param {() => number} now
 * @returns {(doc: Doc) => boolean}
 */
function compileQuery(query, now) {
  if (query == null) return () => true;
  const kinds = Object.keys(query);
  if (kinds.length !== 1) throw new OpenSearchError(400, 'parsing_exception', `[query] must hold exactly one query, got [${kinds.join(', ')}]`);
  const kind = /** @type {string} */ (kinds[0]);
  const spec = query[kind];
  /** @type {(name: string, test: (value: unknown, type: string) => boolean) => (doc: Doc) => boolean} */
  const onField = (name, test) => (doc) => {
    const { path, type } = resolveField(doc.index.mapping, name);
    if (!type || type === 'object') return false; // unmapped in this index: matches nothing, as in OpenSearch
    return valuesAt(doc.source, path.split('.')).some((value) => test(value, type));
  };

  switch (kind) {
    case 'match_all':
      return () => true;
    case 'match_none':
      return () => false;
    case 'bool': {
      const required = [...clauses(spec.must), ...clauses(spec.filter)].map((clause) => compileQuery(clause, now));
      const excluded = clauses(spec.must_not).map((clause) => compileQuery(clause, now));
      const optional = clauses(spec.should).map((clause) => compileQuery(clause, now));
      const minimum = minimumShouldMatch(spec.minimum_should_match, optional.length, required.length > 0);
      return (doc) =>
        required.every((test) => test(doc)) &&
        !excluded.some((test) => test(doc)) &&
        (minimum === 0 || optional.filter((test) => test(doc)).length >= minimum);
    }
    case 'term': {
      const [field, wanted] = fieldOf(kind, spec);
      const options = typeof wanted === 'object' && wanted !== null ? wanted : { value: wanted };
      return onField(field, (value, type) => termMatches(value, type, options.value, { caseInsensitive: options.case_insensitive === true, now }));
    }
    case 'terms': {
      const [field, wanted] = fieldOf(kind, spec);
      if (!Array.isArray(wanted)) throw new OpenSearchError(400, 'parsing_exception', '[terms] query expects an array of values (terms lookup is not served)');
      return onField(field, (value, type) => wanted.some((/** @type {unknown} */ one) => termMatches(value, type, one, { now })));
    }
    case 'match':
    case 'match_phrase': {
      const [field, wanted] = fieldOf(kind, spec);
      const options = typeof wanted === 'object' && wanted !== null ? wanted : { query: wanted };
      const words = tokens(options.query);
      const all = kind === 'match_phrase' || String(options.operator ?? 'or').toLowerCase() === 'and';
      return onField(field, (value, type) => {
        if (type !== 'text') return termMatches(value, type, options.query, { now }); // keywords, numbers, dates: the whole value
        const have = tokens(value);
        if (kind === 'match_phrase') return words.length > 0 && have.some((_, i) => words.every((word, j) => have[i + j] === word));
        return words.length > 0 && (all ? words.every((word) => have.includes(word)) : words.some((word) => have.includes(word)));
      });
    }
    case 'range': {
      const [field, bounds] = fieldOf(kind, spec);
      const tests = Object.entries(bounds).filter(([op]) => ['gt', 'gte', 'lt', 'lte'].includes(op));
      for (const op of Object.keys(bounds)) {
        if (!['gt', 'gte', 'lt', 'lte', 'boost', 'format', 'time_zone'].includes(op)) throw new OpenSearchError(400, 'parsing_exception', `[range] query does not support [${op}]`);
      }
      if (bounds.time_zone) throw notServed('[range] time_zone');
      return onField(field, (value, type) => {
        /** @type {any} */
        const have = comparable(value, type, now);
        return tests.every(([op, bound]) => {
          /** @type {any} */
          const limit = type === 'date' ? dateBound(bound, { roundUp: op === 'gt' || op === 'lte', now }) : comparable(bound, type, now);
          return op === 'gt' ? have > limit : op === 'gte' ? have >= limit : op === 'lt' ? have < limit : have <= limit;
        });
      });
    }
    case 'exists': {
      const name = spec?.field;
      if (typeof name !== 'string') throw new OpenSearchError(400, 'parsing_exception', '[exists] must be provided with a [field]');
      return (doc) => valuesAt(doc.source, resolveField(doc.index.mapping, name).path.split('.')).length > 0;
    }
    case 'ids': {
      const ids = new Set(clauses(spec?.values).map(String));
      return (doc) => ids.has(doc.id);
    }
    case 'prefix': {
      const [field, wanted] = fieldOf(kind, spec);
      const prefix = String(typeof wanted === 'object' && wanted !== null ? wanted.value : wanted);
      return onField(field, (value, type) => (type === 'text' ? tokens(value).some((token) => token.startsWith(prefix)) : String(value).startsWith(prefix)));
    }
    default:
      throw new OpenSearchError(400, 'parsing_exception', `unknown query [${kind}]: the local OpenSearch stand-in serves ${SERVED_QUERIES.join(', ')}`);
  }
}

// ---- sorting ------------------------------------------------------------------------------------

/**
 * @typedef {{ field: string, order: string, missing?: string, unmappedType?: string }} SortSpec
 */

/**
 * `sort` from the body (["@timestamp", {"level": "desc"}, {"n": {"order": "asc", "missing": "_first"}}]) or ?sort=a:desc,b.
 * @param {unknown} bodySort
 * @param {string | null} querySort
 * @returns {SortSpec[]}
 */
function sortSpecs(bodySort, querySort) {
  const fromQuery = querySort ? querySort.split(',').map((item) => { const [field = '', order] = item.split(':'); return { [field]: order ?? 'asc' }; }) : undefined;
  return clauses(fromQuery ?? bodySort).map((item) => {
    if (typeof item === 'string') return { field: item, order: item === '_score' ? 'desc' : 'asc' };
    const [field, options] = fieldOf('sort', item);
    const settings = typeof options === 'string' ? { order: options } : options ?? {};
    return { field, order: settings.order ?? (field === '_score' ? 'desc' : 'asc'), missing: settings.missing ?? '_last', unmappedType: settings.unmapped_type };
  });
}

const TEXT_SORT_REFUSED = (/** @type {string} */ field) =>
  `Text fields are not optimised for operations that require per-document field data like aggregations and sorting, so these operations are disabled by default. Please use a keyword field instead (here [${field}.keyword]).`;

/**
 * A document's sort value for one spec: the smallest of its values ascending, the largest descending, as OpenSearch's default mode.
 * @param {Doc & { score?: number }} doc
 * @param {SortSpec} spec
 * @param {() => number} now
 * @returns {unknown}
 */
function sortValue(doc, spec, now) {
  if (spec.field === '_score') return doc.score;
  if (spec.field === '_doc') return doc.seq;
  const { path, type } = resolveField(doc.index.mapping, spec.field);
  if (type === 'text') throw badRequest(TEXT_SORT_REFUSED(spec.field));
  if (!type || type === 'object') return null;
  const values = valuesAt(doc.source, path.split('.')).map((value) => comparable(value, type, now)).filter((value) => value !== undefined);
  if (values.length === 0) return null;
  return values.reduce((best, value) => ((spec.order === 'desc' ? /** @type {any} */ (value) > /** @type {any} */ (best) : /** @type {any} */ (value) < /** @type {any} */ (best)) ? value : best));
}

/** @param {any[]} a @param {any[]} b @param {SortSpec[]} specs */
function compareSortValues(a, b, specs) {
  for (const [i, spec] of specs.entries()) {
    const [x, y] = [a[i], b[i]];
    if (x === y) continue;
    // A missing value sorts last (or first) whatever the order, as OpenSearch's `missing` says.
    if (x == null || y == null) return (x == null ? 1 : -1) * (spec.missing === '_first' ? -1 : 1);
    const order = x < y ? -1 : 1;
    return spec.order === 'desc' ? -order : order;
  }
  return 0;
}

// ---- the store ----------------------------------------------------------------------------------

const INVALID_INDEX_NAME = /[\\/*?"<>| ,#:A-Z]|^[-_+]|^\.\.?$/;

/**
 * @typedef {{ id: string, source: any, index: Index, version: number, seqNo: number, seq: number }} Doc
 * @typedef {{ name: string, uuid: string, created: number, mapping: Mapping, docs: Map<string, Doc>, versions: Map<string, number>, seqNo: number }} Index
 * @typedef {{ _index: string, _id: string | null | undefined, status: number, error?: object } & Record<string, unknown>} BulkItem
 */

/** @param {{ now: () => number }} options */
function createStore({ now }) {
  /** @type {Map<string, Index>} */
  const indices = new Map(); // name -> { name, uuid, created, mapping: Map(path -> type), docs: Map(id -> doc), versions: Map(id -> last version, deletes too), seqNo }
  let seq = 0; // insertion order across the store, for stable ties

  /** @param {string} name @param {{ mappings?: { properties?: Record<string, any> } }} [settings] */
  function createIndex(name, { mappings } = {}) {
    if (INVALID_INDEX_NAME.test(name) || Buffer.byteLength(name) > 255) {
      throw new OpenSearchError(400, 'invalid_index_name_exception', `Invalid index name [${name}], must be lowercase and must not contain \\, /, *, ?, ", <, >, |, space, comma, # or :, nor start with _, - or +`, { index: name, index_uuid: '_na_' });
    }
    if (indices.has(name)) {
      const index = /** @type {Index} */ (indices.get(name));
      throw new OpenSearchError(400, 'resource_already_exists_exception', `index [${name}/${index.uuid}] already exists`, { index: name, index_uuid: index.uuid });
    }
    /** @type {Index} */
    const index = { name, uuid: crypto.randomBytes(16).toString('base64url').slice(0, 22), created: now(), mapping: declaredMapping(mappings?.properties), docs: new Map(), versions: new Map(), seqNo: -1 };
    indices.set(name, index);
    return index;
  }

  /** The indices an expression names: `logs-2024.01.01`, `logs-*`, `a,b`, `_all`; `-x` excludes. */
  /**
   * @param {string} expression
   * @param {{ ignoreUnavailable?: boolean }} [options]
   * @returns {Index[]}
   */
  function resolve(expression, { ignoreUnavailable = false } = {}) {
    /** @type {Set<string>} */
    const names = new Set();
    const parts = !expression || expression === '_all' ? ['*'] : expression.split(',');
    for (const part of parts) {
      const exclude = part.startsWith('-') && names.size > 0;
      const name = exclude ? part.slice(1) : part;
      const pattern = new RegExp(`^${name.split('*').map((piece) => piece.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
      const named = [...indices.keys()].filter((known) => pattern.test(known));
      if (named.length === 0 && !name.includes('*') && !ignoreUnavailable && !exclude) throw indexNotFound(name);
      for (const known of named) {
        if (exclude) names.delete(known);
        else names.add(known);
      }
    }
    return [...names].sort().map((name) => /** @type {Index} */ (indices.get(name)));
  }

  /** @param {string} index @param {string | null | undefined} id @param {OpenSearchError} error @returns {BulkItem} */
  function itemError(index, id, error) {
    return { _index: index, _id: id, status: error.status, error: { ...error.cause, index, shard: '0', index_uuid: indices.get(index)?.uuid ?? '_na_' } };
  }

  /**
   * One write (index, create, update or delete), as a bulk item answers it: the result, or the
   * item's own error. Indexes are created on first write, as OpenSearch's auto_create_index does.
   * @param {string} action
   * @param {string} indexName
   * @param {unknown} givenId
   * @param {any} [body]
   * @returns {BulkItem}
   */
  function write(action, indexName, givenId, body) {
    const id = givenId == null || givenId === '' ? (action === 'index' || action === 'create' ? crypto.randomBytes(15).toString('base64url') : undefined) : String(givenId);
    try {
      if (id === undefined) throw badRequest(`Validation Failed: 1: id is missing for ${action};`, 'action_request_validation_exception');
      const index = indices.get(indexName) ?? (action === 'delete' || action === 'update' ? undefined : createIndex(indexName));
      if (!index) throw indexNotFound(indexName);
      const existing = index.docs.get(id);
      /** @type {any} */
      let source;
      if (action === 'delete') {
        if (!existing) return bumped(index, id, 'not_found', 404);
        index.docs.delete(id);
        return bumped(index, id, 'deleted', 200);
      }
      if (body === null || typeof body !== 'object' || Array.isArray(body)) throw mapperParsing('failed to parse: the document is not a JSON object');
      if (action === 'create' && existing) {
        throw new OpenSearchError(409, 'version_conflict_engine_exception', `[${id}]: version conflict, document already exists (current version [${existing.version}])`);
      }
      if (action === 'update') {
        if (body.script) throw notServed('[update] with a script');
        if (!existing && !body.doc_as_upsert && !body.upsert) throw new OpenSearchError(404, 'document_missing_exception', `[${id}]: document missing`);
        source = existing ? deepMerge(structuredClone(existing.source), body.doc ?? {}) : structuredClone(body.upsert ?? body.doc ?? {});
        if (existing && JSON.stringify(source) === JSON.stringify(existing.source)) {
          return { _index: index.name, _id: id, _version: existing.version, result: 'noop', _shards: { total: 0, successful: 0, failed: 0 }, _seq_no: existing.seqNo, _primary_term: 1, status: 200 };
        }
      } else {
        source = body;
      }
      const added = mappingUpdates(index.mapping, source, id, now);
      for (const [path, type] of added) index.mapping.set(path, type);
      const item = bumped(index, id, existing ? 'updated' : 'created', existing ? 200 : 201);
      index.docs.set(id, { id, source, index, version: item._version, seqNo: item._seq_no, seq: (seq += 1) });
      return item;
    } catch (error) {
      if (!(error instanceof OpenSearchError)) throw error;
      return itemError(indexName, id, error);
    }
  }

  /** @param {Index} index @param {string} id @param {string} result @param {number} status */
  function bumped(index, id, result, status) {
    const version = (index.versions.get(id) ?? 0) + 1;
    index.versions.set(id, version);
    index.seqNo += 1;
    return { _index: index.name, _id: id, _version: version, result, _shards: { total: 2, successful: 1, failed: 0 }, _seq_no: index.seqNo, _primary_term: 1, status };
  }

  return { indices, createIndex, resolve, write, itemError };
}

/** @param {Record<string, any>} target @param {Record<string, any>} patch @returns {Record<string, any>} */
function deepMerge(target, patch) {
  for (const [key, value] of Object.entries(patch)) {
    const current = target[key];
    if (value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object' && !Array.isArray(current)) deepMerge(current, value);
    else target[key] = value;
  }
  return target;
}

// ---- the fault switch ---------------------------------------------------------------------------

/** @type {Record<number, [string, string]>} */
const FAULT_TYPES = {
  429: ['es_rejected_execution_exception', 'rejected execution of coordinating operation (the local stand-in\'s fault switch)'],
  503: ['unavailable_shards_exception', 'primary shard is not active (the local stand-in\'s fault switch)'],
};

/**
 * POST /_local/faults {"status": 429|5xx, "times": N | "forMs": MS, "scope": "items"|"requests"}:
 * the next N bulk item writes (scope "items", the default) or N whole requests (scope "requests")
 * answer that status, or all of them for MS milliseconds, or until DELETE /_local/faults.
 * @param {{ now: () => number }} options
 */
function createFaultSwitch({ now }) {
  /** @type {{ status: number, scope: string, remaining: number, until: number } | undefined} */
  let fault;
  return {
    /** @param {any} settings the request's JSON */
    set(settings) {
      const { status, times, forMs, scope = 'items' } = settings ?? {};
      if (status !== 429 && !(Number.isInteger(status) && status >= 500 && status <= 599)) throw badRequest('[status] must be 429 or a 5xx status');
      if (scope !== 'items' && scope !== 'requests') throw badRequest('[scope] must be "items" or "requests"');
      if (times != null && !(Number.isInteger(times) && times > 0)) throw badRequest('[times] must be a positive integer');
      if (forMs != null && !(Number.isFinite(forMs) && forMs > 0)) throw badRequest('[forMs] must be a positive number of milliseconds');
      fault = { status, scope, remaining: times ?? Number.POSITIVE_INFINITY, until: forMs == null ? Number.POSITIVE_INFINITY : now() + forMs };
      return this.describe();
    },
    clear() {
      fault = undefined;
    },
    describe() {
      if (fault && (fault.remaining <= 0 || now() >= fault.until)) fault = undefined;
      if (!fault) return { active: false };
      const { status, scope, remaining, until } = fault;
      return { active: true, status, scope, ...(Number.isFinite(remaining) ? { remaining } : {}), ...(Number.isFinite(until) ? { remainingMs: until - now() } : {}) };
    },
    /** The error to answer this item or request with, if the switch is on for `scope`; counts it. */
    /** @param {string} scope @returns {OpenSearchError | undefined} */
    take(scope) {
      if (!this.describe().active || !fault || fault.scope !== scope) return undefined;
      fault.remaining -= 1;
      const [type, reason] = FAULT_TYPES[fault.status] ?? ['exception', 'the local stand-in\'s fault switch'];
      return new OpenSearchError(fault.status, type, reason);
    },
  };
}

// ---- HTTP ---------------------------------------------------------------------------------------

/** The body as text; a compressed body that does not decompress is a 400 parse_exception. */
const readBody = (/** @type {import('node:http').IncomingMessage} */ request) =>
  readRequestBody(request).catch((error) => {
    throw error instanceof UnreadableBody ? badRequest(error.message, 'parse_exception') : error;
  });

/** @param {string} text @returns {any} */
function parseJson(text) {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`request body is not valid JSON: ${/** @type {Error} */ (error).message}`, 'parse_exception');
  }
}

/** @param {{ log?: (line: string) => void, now?: () => number }} [options] */
function createOpenSearch({ log = () => {}, now = Date.now } = {}) {
  const store = createStore({ now });
  const faults = createFaultSwitch({ now });
  const clusterUuid = crypto.randomUUID();

  /** @param {string} text @param {string | undefined} defaultIndex */
  function bulk(text, defaultIndex) {
    // OpenSearch reads a bulk body line by line and refuses one whose last line is not ended.
    if (text.length > 0 && !text.endsWith('\n')) throw badRequest('The bulk request must be terminated by a newline [\\n]');
    const lines = text.split('\n');
    /** @type {Record<string, BulkItem>[]} */
    const items = [];
    let line = 0;
    while (line < lines.length) {
      if (String(lines[line]).trim() === '') { line += 1; continue; }
      let action;
      try {
        action = JSON.parse(String(lines[line]));
      } catch (error) {
        throw badRequest(`Malformed action/metadata line [${line + 1}]: ${/** @type {Error} */ (error).message}`);
      }
      const kinds = Object.keys(action ?? {});
      const kind = String(kinds[0]);
      if (kinds.length !== 1 || !['index', 'create', 'update', 'delete'].includes(kind)) {
        throw badRequest(`Malformed action/metadata line [${line + 1}], expected one of [index, create, update, delete] but found [${kinds.join(', ')}]`);
      }
      const meta = action[kind] ?? {};
      const indexName = meta._index ?? defaultIndex;
      if (!indexName) throw badRequest('Validation Failed: 1: index is missing;', 'action_request_validation_exception');
      line += 1;
      let body;
      let unparsable;
      if (kind !== 'delete') {
        if (line >= lines.length || String(lines[line]).trim() === '') throw badRequest(`The bulk request's ${kind} action on line [${line}] has no source line after it`);
        try {
          body = JSON.parse(String(lines[line]));
        } catch (error) {
          unparsable = mapperParsing(`failed to parse: ${/** @type {Error} */ (error).message}`);
        }
        line += 1;
      }
      const fault = faults.take('items');
      if (fault || unparsable) items.push({ [kind]: store.itemError(indexName, meta._id ?? null, /** @type {OpenSearchError} */ (fault ?? unparsable)) });
      else items.push({ [kind]: store.write(kind, indexName, meta._id, body) });
    }
    // `errors` says whether any item failed; a delete of a missing document is no failure.
    const errors = items.some((item) => Object.values(item)[0]?.error !== undefined);
    return { errors, items };
  }

  /** @param {string} target @param {any} body @param {URLSearchParams} query */
  function search(target, body = {}, query) {
    if (body.aggs || body.aggregations) throw notServed('[aggregations]');
    if (query.get('q')) throw notServed('[q] (query string search)');
    const indices = store.resolve(target, { ignoreUnavailable: query.get('ignore_unavailable') === 'true' });
    const size = Number(query.get('size') ?? body.size ?? 10);
    const from = Number(query.get('from') ?? body.from ?? 0);
    if (from + size > MAX_RESULT_WINDOW) {
      throw badRequest(`Result window is too large, from + size must be less than or equal to: [${MAX_RESULT_WINDOW}] but was [${from + size}]. See the scroll api for a more efficient way to request large data sets.`);
    }
    const matches = compileQuery(body.query, now);
    const specs = sortSpecs(body.sort, query.get('sort'));
    const scored = specs.length === 0 || specs.some((spec) => spec.field === '_score');
    /** @type {any[]} the matching documents, then the page's hits */
    let hits = indices.flatMap((index) => [...index.docs.values()].filter(matches)).map((doc) => ({ ...doc, score: 1 }));
    const keyed = hits.map((doc) => ({ doc, key: [...specs.map((spec) => sortValue(doc, spec, now)), doc.seq] }));
    const order = [...specs, { field: '_seq', order: 'asc' }];
    keyed.sort((a, b) => (specs.length === 0 ? a.doc.seq - b.doc.seq : compareSortValues(a.key, b.key, order)));
    let page = keyed;
    if (body.search_after !== undefined) {
      if (!Array.isArray(body.search_after) || body.search_after.length !== specs.length) throw badRequest('search_after needs as many values as there are sort fields');
      page = keyed.filter(({ key }) => compareSortValues(key.slice(0, specs.length), body.search_after, specs) > 0);
    }
    const total = keyed.length;
    const track = body.track_total_hits ?? query.get('track_total_hits') ?? DEFAULT_TRACK_TOTAL_HITS;
    const limit = track === true || track === 'true' ? Number.POSITIVE_INFINITY : Number(track);
    hits = page.slice(from, from + size).map(({ doc, key }) => ({
      _index: doc.index.name,
      _id: doc.id,
      _score: scored ? doc.score : null,
      ...(body._source === false ? {} : { _source: doc.source }),
      ...(specs.length > 0 ? { sort: key.slice(0, specs.length) } : {}),
    }));
    return {
      timed_out: false,
      _shards: { total: indices.length, successful: indices.length, skipped: 0, failed: 0 },
      hits: {
        total: total > limit ? { value: limit, relation: 'gte' } : { value: total, relation: 'eq' },
        max_score: scored && hits.length > 0 ? 1 : null,
        hits,
      },
    };
  }

  /** @param {string} target @param {any} body @param {URLSearchParams} query */
  function count(target, body = {}, query) {
    const indices = store.resolve(target, { ignoreUnavailable: query.get('ignore_unavailable') === 'true' });
    const matches = compileQuery(body.query, now);
    return { count: indices.reduce((sum, index) => sum + [...index.docs.values()].filter(matches).length, 0), _shards: { total: indices.length, successful: indices.length, skipped: 0, failed: 0 } };
  }

  const indexInfo = (/** @type {Index} */ index) => ({
    aliases: {},
    mappings: renderedMapping(index.mapping),
    settings: { index: { creation_date: String(index.created), number_of_shards: '1', number_of_replicas: '1', uuid: index.uuid, provided_name: index.name, version: { created: '136408127' } } },
  });

  /**
   * Answers one request: [status, body], body undefined for HEAD.
   * @param {string | undefined} method
   * @param {string[]} segments
   * @param {URLSearchParams} query
   * @param {string} text
   * @returns {Promise<[number, unknown?]>}
   */
  async function route(method, segments, query, text) {
    const [first = '', second = '', third] = segments;
    const json = () => parseJson(text);
    const started = now();
    const timed = (/** @type {object} */ result) => ({ took: now() - started, ...result });

    if (first === '_local' && second === 'faults') {
      if (method === 'POST' || method === 'PUT') return [200, { acknowledged: true, fault: faults.set(json()) }];
      if (method === 'DELETE') {
        faults.clear();
        return [200, { acknowledged: true }];
      }
      if (method === 'GET') return [200, faults.describe()];
    }
    const fault = faults.take('requests');
    if (fault) return [fault.status, fault.toBody()];

    if (segments.length === 0 && (method === 'GET' || method === 'HEAD')) {
      return [200, {
        name: 'local-cloud', cluster_name: 'local-cloud', cluster_uuid: clusterUuid,
        version: { distribution: 'opensearch', number: VERSION, build_type: 'local-stand-in', lucene_version: '9.12.1', minimum_wire_compatibility_version: '7.10.0', minimum_index_compatibility_version: '7.0.0' },
        tagline: 'The OpenSearch Project: https://opensearch.org/',
      }];
    }
    if (first === '_cluster' && second === 'health' && method === 'GET') {
      return [200, { cluster_name: 'local-cloud', status: 'green', timed_out: false, number_of_nodes: 1, number_of_data_nodes: 1, active_primary_shards: store.indices.size, active_shards: store.indices.size }];
    }
    const bulkTarget = first === '_bulk' ? null : second === '_bulk' ? first : undefined;
    if (bulkTarget !== undefined && ['POST', 'PUT'].includes(String(method))) return [200, timed(bulk(text, bulkTarget ?? undefined))];
    // /_search, /logs-*/_search, /_all/_count …
    const readTarget = segments.length === 1 && first.startsWith('_') ? '' : segments.length === 2 && (first === '_all' || !first.startsWith('_')) ? first : undefined;
    const readOp = readTarget === '' ? first : second;
    if (readTarget !== undefined && ['GET', 'POST'].includes(String(method))) {
      if (readOp === '_search') return [200, timed(search(readTarget, json(), query))];
      if (readOp === '_count') return [200, count(readTarget, json(), query)];
      if (readOp === '_refresh') {
        const indices = store.resolve(readTarget); // writes are searchable at once: nothing to refresh
        return [200, { _shards: { total: indices.length, successful: indices.length, failed: 0 } }];
      }
      if (readOp === '_mapping' && method === 'GET') {
        return [200, Object.fromEntries(store.resolve(readTarget).map((index) => [index.name, { mappings: renderedMapping(index.mapping) }]))];
      }
    }
    if (first.startsWith('_')) throw notServed(`${method} /${segments.join('/')}`);

    if (second === '_doc') {
      if (segments.length === 2 && method === 'POST') return answerWrite(store.write('index', first, undefined, json()));
      if (segments.length === 3 && ['PUT', 'POST'].includes(String(method))) return answerWrite(store.write(query.get('op_type') === 'create' ? 'create' : 'index', first, third, json()));
      if (segments.length === 3 && method === 'DELETE') return answerWrite(store.write('delete', first, third));
      if (segments.length === 3 && (method === 'GET' || method === 'HEAD')) {
        // One index, as OpenSearch reads a document: a pattern matching none is no such index.
        const index = store.resolve(first)[0];
        if (!index) throw indexNotFound(first);
        const doc = index.docs.get(String(third));
        if (!doc) return [404, { _index: index.name, _id: third, found: false }];
        return [200, { _index: index.name, _id: doc.id, _version: doc.version, _seq_no: doc.seqNo, _primary_term: 1, found: true, _source: doc.source }];
      }
    }
    if (segments.length === 1) {
      if (method === 'PUT') {
        const settings = json() ?? {};
        store.createIndex(first, settings);
        return [200, { acknowledged: true, shards_acknowledged: true, index: first }];
      }
      if (method === 'HEAD') return [store.resolve(first, { ignoreUnavailable: true }).length > 0 ? 200 : 404];
      if (method === 'GET') return [200, Object.fromEntries(store.resolve(first).map((index) => [index.name, indexInfo(index)]))];
      if (method === 'DELETE') {
        for (const index of store.resolve(first)) store.indices.delete(index.name);
        return [200, { acknowledged: true }];
      }
    }
    throw notServed(`${method} /${segments.join('/')}`);
  }

  /** @param {BulkItem} item @returns {[number, unknown]} */
  function answerWrite(item) {
    const { status, error, ...result } = item;
    if (error) return [status, { error: { root_cause: [error], ...error }, status }];
    return [status, result];
  }

  return http.createServer(async (request, response) => {
    const url = new URL(String(request.url), 'http://localhost');
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    /** @type {number} */
    let status;
    /** @type {unknown} */
    let body;
    try {
      [status, body] = await route(request.method, segments, url.searchParams, await readBody(request));
    } catch (thrown) {
      let error = /** @type {OpenSearchError} */ (thrown);
      if (!(thrown instanceof OpenSearchError)) {
        log(`opensearch stand-in error on ${request.method} ${url.pathname}: ${/** @type {Error} */ (thrown).stack}`);
        error = new OpenSearchError(500, 'exception', `the local OpenSearch stand-in failed: ${/** @type {Error} */ (thrown).message}`);
      }
      [status, body] = [error.status, error.toBody()];
    }
    const headers = { 'content-type': 'application/json; charset=UTF-8' };
    if (request.method === 'HEAD' || body === undefined) return response.writeHead(status, { ...headers, 'content-length': 0 }).end();
    response.writeHead(status, headers).end(JSON.stringify(body));
  });
}

module.exports = { createOpenSearch };
