import { describe, expect, it } from 'vitest';
import { PhoneNormaliser } from '../../../electron/core/import/phone-cache';
import { normalisePhone } from '../../../shared/phone';

/** Deterministic pseudo-random digits. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

const d = (r: () => number, n: number): string => Array.from({ length: n }, () => Math.floor(r() * 10)).join('');

describe('PhoneNormaliser', () => {
  it('gives exactly normalisePhone’s answers, across countries and ways of writing numbers', () => {
    const r = rng(42);
    const fast = new PhoneNormaliser();
    const cases: Array<[string, string]> = [];
    const shapes: Array<(c: string) => string> = [
      () => `+1 ${d(r, 3)} ${d(r, 3)} ${d(r, 4)}`,
      () => `(${d(r, 3)}) ${d(r, 3)}-${d(r, 4)}`,
      () => `1-${d(r, 3)}-${d(r, 3)}-${d(r, 4)}`,
      () => `+48 ${d(r, 2)} ${d(r, 3)} ${d(r, 2)} ${d(r, 2)}`,
      () => `${d(r, 3)} ${d(r, 3)} ${d(r, 3)}`,
      () => `0048${d(r, 9)}`,
      () => `+44 ${d(r, 4)} ${d(r, 6)}`,
      () => `0${d(r, 4)} ${d(r, 6)}`,
      () => `+49 ${d(r, 3)} ${d(r, 7)}`,
      () => `0${d(r, 3)} ${d(r, 8)}`,
      () => `+33 ${d(r, 1)} ${d(r, 2)} ${d(r, 2)} ${d(r, 2)} ${d(r, 2)}`,
      () => `+34 ${d(r, 9)}`,
      () => `+39 ${d(r, 10)}`,
      () => `+61 ${d(r, 9)}`,
      () => `+91 ${d(r, 10)}`,
      () => `+55 ${d(r, 2)} ${d(r, 9)}`,
    ];
    // Many numbers sharing prefixes (as real lists do), and many that do not.
    const prefixes = Array.from({ length: 300 }, () => shapes[Math.floor(r() * shapes.length)]('x'));
    /** The same written number with its last four digits replaced. */
    const newTail = (base: string): string => {
      const chars = [...base];
      let left = 4;
      for (let k = chars.length - 1; k >= 0 && left > 0; k--) {
        if (/\d/.test(chars[k])) {
          chars[k] = String(Math.floor(r() * 10));
          left--;
        }
      }
      return chars.join('');
    };
    for (let i = 0; i < 12_000; i++) {
      const country = ['US', 'PL', 'GB', 'DE', 'FR', 'CA'][i % 6];
      const base = i % 2 ? prefixes[Math.floor(r() * prefixes.length)] : shapes[Math.floor(r() * shapes.length)]('x');
      cases.push([newTail(base), country]);
    }
    let disagreements = 0;
    for (const [raw, country] of cases) {
      const a = fast.normalise(raw, country);
      const b = normalisePhone(raw, country);
      if (JSON.stringify(a) !== JSON.stringify(b)) disagreements++;
      expect(a, `${raw} (${country})`).toEqual(b);
    }
    expect(disagreements).toBe(0);
    expect(fast.hits).toBeGreaterThan(1000);
  }, 120_000);

  it('passes anything unusual straight to normalisePhone', () => {
    const fast = new PhoneNormaliser();
    for (const raw of ['abc', '+48 22 555 01 23 ext. 12', '112', '', '   ']) {
      expect(fast.normalise(raw, 'PL')).toEqual(normalisePhone(raw, 'PL'));
    }
    expect(fast.hits).toBe(0);
  });
});
