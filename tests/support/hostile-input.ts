/**
 * Hostile values for fuzzing anything that takes untrusted input: wrong types, numbers at their
 * edges, strings that break renderers and parsers (bidi overrides, NUL, lone surrogates, emoji,
 * 1 MB), deep nesting, huge arrays, prototype keys. Everything is drawn from a seeded PRNG
 * (prng.ts), so a failing case is rebuilt from its seed; each value comes with a short
 * description of what it is, for the failure message (the value itself may be megabytes).
 *
 * Two wires: `json` values survive JSON (the browser transport), `clone` values are what
 * Electron's structured clone can carry (BigInt, Date, Map, Set, typed arrays, undefined, NaN).
 */

export type Rng = () => number;
export type Wire = 'json' | 'clone';

export interface Hostile {
  value: unknown;
  /** What it is, in a few words (never the value itself). */
  what: string;
}

export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
export const intIn = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));
export const chance = (rng: Rng, p: number): boolean => rng() < p;

/** Numbers where validation and arithmetic go wrong: signed zero, the float specials, int32/uint32/safe-integer edges. */
export const edgeNumbers: ReadonlyArray<[number, string]> = [
  [0, '0'],
  [-0, '-0'],
  [1, '1'],
  [-1, '-1'],
  [0.5, '0.5'],
  [Number.NaN, 'NaN'],
  [Number.POSITIVE_INFINITY, 'Infinity'],
  [Number.NEGATIVE_INFINITY, '-Infinity'],
  [2 ** 31 - 1, '2^31-1'],
  [2 ** 31, '2^31'],
  [-(2 ** 31), '-2^31'],
  [-(2 ** 31) - 1, '-2^31-1'],
  [2 ** 32 - 1, '2^32-1'],
  [2 ** 32, '2^32'],
  [Number.MAX_SAFE_INTEGER, '2^53-1'],
  [Number.MAX_SAFE_INTEGER + 1, '2^53'],
  [Number.MAX_SAFE_INTEGER + 3, '2^53+3 (rounds)'],
  [Number.MIN_SAFE_INTEGER, '-(2^53-1)'],
  [Number.MIN_SAFE_INTEGER - 1, '-2^53'],
  [Number.MAX_VALUE, 'MAX_VALUE'],
  [-Number.MAX_VALUE, '-MAX_VALUE'],
  [Number.MIN_VALUE, 'MIN_VALUE'],
  [Number.EPSILON, 'EPSILON'],
  [1e21, '1e21'],
  [-1e-7, '-1e-7'],
  [1.0000000000000002, '1+ulp'],
];

/** Short strings that trip parsers, escapes, renderers and path handling. */
export const nastyStrings: ReadonlyArray<[string, string]> = [
  ['', 'empty'],
  [' ', 'a space'],
  ['\t\r\n', 'whitespace'],
  ['\0', 'NUL'],
  ['a\0b', 'NUL inside'],
  ['\u202eevil\u202c', 'RTL override'],
  ['\u2066\u2067\u2068\u2069', 'bidi isolates'],
  ['\u200b\u200d\ufeff', 'zero-width and BOM'],
  ['\ud800', 'lone high surrogate'],
  ['\udfff', 'lone low surrogate'],
  ['a\ud800b\udc00c', 'lone surrogates inside'],
  ['\udc00\ud800', 'reversed surrogate pair'],
  ['👩‍👩‍👧‍👦🏳️‍🌈', 'ZWJ emoji'],
  ['e\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301', 'stacked combining marks'],
  ['\u2028\u2029', 'line/paragraph separators'],
  ['\u0085\u00a0\u1680\u3000', 'odd spaces'],
  ['\ufffd\uffff\ufffe', 'replacement and non-characters'],
  ['Łódź Żółć', 'Polish letters'],
  ['ﷺ', 'widest glyph'],
  ['%00', 'percent NUL'],
  ['%E0%A4%A', 'broken percent escape'],
  ['%', 'lone percent'],
  ['\\', 'backslash'],
  ['"\'`', 'quotes'],
  ['../../../../etc/passwd', 'path traversal'],
  ['C:\\Windows\\System32', 'Windows path'],
  ['<script>alert(1)</script>', 'HTML'],
  ['{{lead.firstName}}{{constructor.constructor}}', 'merge fields'],
  ['${process.exit()}', 'template literal'],
  ['=HYPERLINK("http://x")', 'spreadsheet formula'],
  ['__proto__', '__proto__'],
  ['constructor', 'constructor'],
  ['prototype', 'prototype'],
  ['toString', 'toString'],
  ['hasOwnProperty', 'hasOwnProperty'],
  ['NaN', '"NaN"'],
  ['1e400', '"1e400"'],
  ['-0', '"-0"'],
  ['0x1F', 'hex digits'],
  ['9007199254740993', 'past safe integer as text'],
  ['+12125550100', 'E.164 number'],
  ['+1 212 555 0100;ext=1', 'number with extension'],
  ['tel:+1-212-555-0100;phone-context=%', 'tel: URI with a bad context'],
  ['sip:%E0@pbx', 'sip: URI with a bad escape'],
  ['sips:a@[::1', 'sips: URI with a broken host'],
  ['ws://127.0.0.1:9/\u202e', 'ws: URL with an RTL override'],
  ['2026-02-30T25:61', 'impossible date-time'],
  ['9999-99-99', 'impossible date'],
  ['Europe/Nowhere', 'unknown time zone'],
  ['custom:\u202e', 'custom column with RTL override'],
  ['custom.__proto__', 'custom field named __proto__'],
];

const hugeUnits: ReadonlyArray<[string, string]> = [
  ['a', 'a'],
  ['\u202e', 'RTL override'],
  ['\0', 'NUL'],
  ['\ud800', 'lone surrogate'],
  ['😀', 'emoji'],
  ['9', 'digits'],
  ['"', 'quotes'],
  ['%', 'percent'],
];
/** Sizes in UTF-16 units: up to 1 MiB, a byte past, and a 64 KiB one. */
const hugeSizes = [65_536, 262_144, 1 << 20, (1 << 20) + 1];
const hugeCache = new Map<string, string>();

/** A long string (64 KiB … 1 MiB and one more) of one hostile unit; memoised, since making them is the slow part. */
export function hugeString(rng: Rng): Hostile {
  const [unit, name] = pick(rng, hugeUnits);
  const size = pick(rng, hugeSizes);
  const key = `${name}:${size}`;
  let s = hugeCache.get(key);
  if (s === undefined) {
    s = unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
    hugeCache.set(key, s);
  }
  return { value: s, what: `${size.toLocaleString('en-US')} UTF-16 units of ${name}` };
}

/** A string: one of the nasty ones, one glued to ordinary text, or a huge one. */
export function hostileString(rng: Rng, hugeOdds = 0.1): Hostile {
  if (chance(rng, hugeOdds)) return hugeString(rng);
  const [s, what] = pick(rng, nastyStrings);
  if (chance(rng, 0.3)) return { value: `Jan ${s} Kowalski`, what: `${what} inside text` };
  return { value: s, what };
}

const bigArrays = new Map<string, unknown[]>();
/** An array of 100 000 items (numbers, E.164 strings, nasty strings, empty objects); memoised. */
export function hugeArray(rng: Rng): Hostile {
  const kinds = ['numbers', 'phone numbers', 'nasty strings', 'empty objects', 'nulls'] as const;
  const kind = pick(rng, kinds);
  let a = bigArrays.get(kind);
  if (!a) {
    const n = 100_000;
    a = Array.from({ length: n }, (_, i): unknown => {
      if (kind === 'numbers') return i;
      if (kind === 'phone numbers') return `+1212${String(5_000_000 + i).padStart(7, '0')}`;
      if (kind === 'nasty strings') return nastyStrings[i % nastyStrings.length][0];
      if (kind === 'empty objects') return {};
      return null;
    });
    bigArrays.set(kind, a);
  }
  return { value: a, what: `100,000 ${kind}` };
}

/** `depth` levels of arrays or objects around `inner`. */
export function deepNest(depth: number, kind: 'array' | 'object', inner: unknown = 1): unknown {
  let v = inner;
  for (let i = 0; i < depth; i++) v = kind === 'array' ? [v] : { a: v };
  return v;
}

/**
 * Objects whose own keys are `__proto__`, `constructor` or `prototype` (as JSON.parse makes them:
 * own properties, not the prototype), carrying a canary that must never reach Object.prototype.
 */
export const POLLUTION_CANARY = 'ringsidePolluted';
export function protoKeyed(rng: Rng): Hostile {
  const forms: Array<[string, string]> = [
    [`{"__proto__":{"${POLLUTION_CANARY}":true}}`, '__proto__ key'],
    [`{"constructor":{"prototype":{"${POLLUTION_CANARY}":true}}}`, 'constructor.prototype key'],
    [`{"prototype":{"${POLLUTION_CANARY}":true}}`, 'prototype key'],
    [`{"__proto__":{"__proto__":{"${POLLUTION_CANARY}":true}}}`, 'nested __proto__'],
    [`[{"__proto__":{"${POLLUTION_CANARY}":true}}]`, '__proto__ in an array'],
    [`{"toString":"${POLLUTION_CANARY}","valueOf":1,"hasOwnProperty":null}`, 'shadowed Object methods'],
  ];
  const [json, what] = pick(rng, forms);
  return { value: JSON.parse(json) as unknown, what };
}

/** Values only structured clone carries (Electron's IPC), not JSON. */
function cloneOnly(rng: Rng): Hostile {
  const forms: Array<() => Hostile> = [
    () => ({ value: undefined, what: 'undefined' }),
    () => ({ value: 2n ** 64n, what: 'BigInt 2^64' }),
    () => ({ value: -1n, what: 'BigInt -1' }),
    () => ({ value: new Date(Number.NaN), what: 'invalid Date' }),
    () => ({ value: new Date(8.64e15), what: 'the last Date' }),
    () => ({ value: new Map([['target', '+12125550100']]), what: 'a Map' }),
    () => ({ value: new Set(['a']), what: 'a Set' }),
    () => ({ value: new Uint8Array(1024), what: 'a Uint8Array' }),
    () => ({ value: new ArrayBuffer(16), what: 'an ArrayBuffer' }),
    () => ({ value: /x/g, what: 'a RegExp' }),
    // eslint-disable-next-line no-sparse-arrays -- a sparse array is the point
    () => ({ value: [1, , 3], what: 'a sparse array' }),
    () => ({ value: new Error('boom'), what: 'an Error object' }),
    () => {
      const cycle: Record<string, unknown> = { a: 1 };
      cycle.self = cycle;
      return { value: cycle, what: 'a cyclic object' };
    },
  ];
  return pick(rng, forms)();
}

/** Any hostile value: primitives of every type, strings, numbers at their edges, containers, nesting, prototype keys. */
export function hostileValue(rng: Rng, wire: Wire): Hostile {
  const r = rng();
  if (r < 0.22) return hostileString(rng);
  if (r < 0.4) {
    const [value, what] = pick(rng, edgeNumbers);
    return { value, what };
  }
  if (r < 0.5)
    return pick(rng, [
      { value: null, what: 'null' },
      { value: true, what: 'true' },
      { value: false, what: 'false' },
    ] as Hostile[]);
  if (r < 0.58)
    return pick(rng, [
      { value: [], what: '[]' },
      { value: {}, what: '{}' },
      { value: [[]], what: '[[]]' },
      { value: [null], what: '[null]' },
    ] as Hostile[]);
  if (r < 0.64) return hugeArray(rng);
  if (r < 0.72) {
    // Deeper than any schema; JSON.stringify (the browser test's own sender) manages a few thousand.
    const depth = pick(rng, wire === 'json' ? [64, 1000, 2000] : [64, 1000, 5000]);
    const kind = chance(rng, 0.5) ? 'array' : 'object';
    return { value: deepNest(depth, kind), what: `${depth} nested ${kind}s` };
  }
  if (r < 0.82) return protoKeyed(rng);
  if (r < 0.9 && wire === 'clone') return cloneOnly(rng);
  return { value: { [pick(rng, nastyStrings)[0]]: pick(rng, nastyStrings)[0] }, what: 'an object with a nasty key' };
}

/** Keys a strict schema must refuse, or that try to reach the prototype. */
const extraKeys = ['__proto__', 'constructor', 'prototype', '', ' ', 'id ', 'ID', '\u202eid', '\0', 'toString', 'then', 'x'.repeat(10_000)];

type Path = Array<string | number>;

function leafPaths(value: unknown, path: Path = [], out: Path[] = [], depth = 0): Path[] {
  out.push(path);
  if (depth > 6 || value === null || typeof value !== 'object') return out;
  if (Array.isArray(value)) value.slice(0, 20).forEach((v, i) => leafPaths(v, [...path, i], out, depth + 1));
  else for (const [k, v] of Object.entries(value)) leafPaths(v, [...path, k], out, depth + 1);
  return out;
}

function copy(value: unknown): unknown {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
}

function setAt(root: unknown, path: Path, leaf: unknown): unknown {
  if (path.length === 0) return leaf;
  let node = root as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  // defineProperty: a `__proto__` key stays an own property, as JSON.parse would make it.
  Object.defineProperty(node, path[path.length - 1], { value: leaf, enumerable: true, writable: true, configurable: true });
  return root;
}

function deleteAt(root: unknown, path: Path): unknown {
  if (path.length === 0) return undefined;
  let node = root as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  const key = path[path.length - 1];
  if (Array.isArray(node)) node.splice(Number(key), 1);
  else delete node[key];
  return root;
}

const show = (path: Path): string => (path.length === 0 ? 'payload' : `payload.${path.join('.')}`);

/** Same-typed but hostile: a string stays a string (nasty, long), a number a number (an edge), an array grows. */
function sameTypeHostile(rng: Rng, old: unknown): Hostile {
  if (typeof old === 'string') return hostileString(rng, 0.15);
  if (typeof old === 'number') {
    const [value, what] = pick(rng, edgeNumbers);
    return { value, what };
  }
  if (Array.isArray(old)) {
    if (chance(rng, 0.5)) return hugeArray(rng);
    return { value: Array.from({ length: intIn(rng, 2, 300) }, () => (old.length ? old[0] : hostileString(rng, 0).value)), what: 'the array repeated' };
  }
  return hostileValue(rng, 'json');
}

/**
 * A hostile variant of a valid payload: one leaf replaced (by another type, or the same type at
 * its edge), a key dropped, an extra or prototype key added, the whole payload replaced, wrapped
 * or nested; sometimes the valid payload itself with nasty text in its strings, so handlers run.
 */
export function mutate(rng: Rng, valid: unknown, wire: Wire): Hostile {
  const base = copy(valid);
  const paths = leafPaths(base);
  const path = pick(rng, paths);
  const r = rng();
  if (r < 0.1) return { value: base, what: 'the valid payload' };
  if (r < 0.32) {
    const h = hostileValue(rng, wire);
    return { value: setAt(base, path, h.value), what: `${show(path)} := ${h.what}` };
  }
  if (r < 0.55) {
    let old: unknown = base;
    for (const k of path) old = (old as Record<string | number, unknown>)[k];
    const h = sameTypeHostile(rng, old);
    return { value: setAt(base, path, h.value), what: `${show(path)} := ${h.what} (same type)` };
  }
  if (r < 0.63 && path.length > 0) return { value: deleteAt(base, path), what: `${show(path)} removed` };
  if (r < 0.75 && base !== null && typeof base === 'object') {
    const key = pick(rng, extraKeys);
    const h = chance(rng, 0.5) ? protoKeyed(rng) : hostileValue(rng, wire);
    return { value: setAt(base, [key], h.value), what: `extra key ${JSON.stringify(key.slice(0, 20))} := ${h.what}` };
  }
  if (r < 0.8) return { value: [base], what: 'payload wrapped in an array' };
  if (r < 0.85) return { value: deepNest(intIn(rng, 2, 2000), 'object', base), what: 'payload nested deep' };
  const h = hostileValue(rng, wire);
  return { value: h.value, what: `payload := ${h.what}` };
}

/** Channels no handler has: near misses, prototype names, hostile text; and channels that are not strings. */
export function hostileChannel(rng: Rng, family: string, wire: Wire): Hostile {
  const names = [
    `${family}:nope`,
    `${family}:`,
    `${family}`,
    `${family.toUpperCase()}:LIST`,
    `${family}:list `,
    ` ${family}:list`,
    `${family}:list\0`,
    `${family}:\u202etsil`,
    `${family}::list`,
    `${family}/list`,
    '__proto__',
    'constructor',
    'hasOwnProperty',
    'toString',
    'valueOf',
    '',
    ':',
    'x'.repeat(100_000),
    '\ud800:list',
  ];
  if (chance(rng, 0.6)) {
    const value = pick(rng, names);
    return { value, what: `unknown channel ${JSON.stringify(value.slice(0, 24))}${value.length > 24 ? '…' : ''}` };
  }
  const others: Hostile[] = [
    { value: 0, what: 'channel 0' },
    { value: -0, what: 'channel -0' },
    { value: Number.NaN, what: 'channel NaN' },
    { value: 1e308, what: 'channel 1e308' },
    { value: null, what: 'channel null' },
    { value: true, what: 'channel true' },
    { value: {}, what: 'channel {}' },
    { value: [], what: 'channel []' },
    { value: [`${family}:list`], what: 'channel in an array' },
    { value: { toString: `${family}:list` }, what: 'channel object with toString' },
    { value: JSON.parse('{"__proto__":{"x":1}}') as unknown, what: 'channel object with __proto__' },
    { value: deepNest(500, 'array'), what: 'channel 500 nested arrays' },
  ];
  if (wire === 'clone')
    others.push({ value: undefined, what: 'channel undefined' }, { value: 10n, what: 'channel BigInt' }, { value: new Date(0), what: 'channel Date' });
  return pick(rng, others);
}

/** Builds the memoised huge strings and arrays now, so a heap measured later does not count them. */
export function warmHostileCaches(): void {
  for (const [unit, name] of hugeUnits)
    for (const size of hugeSizes) hugeCache.set(`${name}:${size}`, unit.repeat(Math.ceil(size / unit.length)).slice(0, size));
  let i = 0;
  const cycle: Rng = () => (i++ % 5) / 5 + 0.01;
  for (let k = 0; k < 5; k++) hugeArray(cycle);
}
