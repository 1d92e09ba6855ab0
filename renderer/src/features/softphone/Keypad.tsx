const KEYS: readonly { key: string; letters: string }[] = [
  { key: '1', letters: '' },
  { key: '2', letters: 'ABC' },
  { key: '3', letters: 'DEF' },
  { key: '4', letters: 'GHI' },
  { key: '5', letters: 'JKL' },
  { key: '6', letters: 'MNO' },
  { key: '7', letters: 'PQRS' },
  { key: '8', letters: 'TUV' },
  { key: '9', letters: 'WXYZ' },
  { key: '*', letters: '' },
  { key: '0', letters: '+' },
  { key: '#', letters: '' },
];

const SPOKEN: Record<string, string> = { '*': 'star', '#': 'pound' };

/** The 12-key pad; what a key does (type or send a tone) is the caller's business. */
export function Keypad({ onKey, label, disabled = false }: { onKey: (key: string) => void; label: string; disabled?: boolean }) {
  return (
    <div className="keypad" role="group" aria-label={label}>
      {KEYS.map(({ key, letters }) => (
        <button key={key} type="button" className="key" disabled={disabled} aria-label={SPOKEN[key] ?? key} onClick={() => onKey(key)}>
          <span className="key-digit" aria-hidden="true">
            {key}
          </span>
          <span className="key-letters" aria-hidden="true">
            {letters}
          </span>
        </button>
      ))}
    </div>
  );
}
