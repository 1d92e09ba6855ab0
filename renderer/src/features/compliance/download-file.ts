/**
 * Saves text that main produced (an audit CSV) through a download: a Blob URL on an
 * <a download>, clicked once and revoked. Nothing in the text is ever opened as a URL, and the
 * suggested file name is cut down to a plain name.
 */
export function downloadText(text: string, fileName: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const a = document.createElement('a');
  a.href = url;
  a.download = safeFileName(fileName);
  a.rel = 'noopener';
  a.click();
  // Give the click a moment to start the download before the URL goes away.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A file name without folders or odd characters, ending in `.csv`. */
export function safeFileName(name: string, fallback = 'ringside-audit.csv'): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base
    .replace(/[^A-Za-z0-9._ -]/g, '_')
    .replace(/^[.\s]+/, '')
    .slice(0, 120)
    .trim();
  if (!clean) return fallback;
  return /\.csv$/i.test(clean) ? clean : `${clean}.csv`;
}
