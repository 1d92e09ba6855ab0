/**
 * Numbers and percentages in the language the UI is written in (the page's `lang`), so a figure
 * reads the way the words around it do; the browser's language only when the page names none.
 */
export function uiLocale(): string {
  const lang = typeof document !== 'undefined' ? document.documentElement.lang : '';
  return lang || (typeof navigator !== 'undefined' ? navigator.language : '') || 'en';
}

/** Formatters are costly to build: one per locale and kind. */
const cache = new Map<string, Intl.NumberFormat>();
function formatter(kind: 'count' | 'percent'): Intl.NumberFormat {
  const locale = uiLocale();
  const key = `${kind}:${locale}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(
      locale,
      kind === 'percent' ? { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 } : { maximumFractionDigits: 0 },
    );
    cache.set(key, f);
  }
  return f;
}

/** "12,400" */
export const formatNumber = (n: number): string => formatter('count').format(n);

/** "38.5%", "30.0%" (one decimal, so a column lines up); a rate of nothing (0 ÷ 0) is a dash, not 0 %. */
export const formatRate = (x: number | null): string => (x === null ? '—' : formatter('percent').format(x));
