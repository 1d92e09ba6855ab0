import { useId, useState } from 'react';
import { useApi } from '../../ui/api-context';
import { formatCount } from './compliance-format';
import { useInlineRequest } from './use-inline-request';

/**
 * The company's own Do-Not-Call list, which no exemption overrides: numbers typed or pasted
 * (one per line, or separated by commas/semicolons), normalised in main; invalid ones listed back.
 */
export function InternalDncPanel() {
  const api = useApi();
  const id = useId();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ added: number; already: number; invalid: string[] } | null>(null);
  const [error, run] = useInlineRequest();
  const numbers = text
    .split(/[\n;,\t]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const add = async () => {
    setBusy(true);
    const r = await run(api.compliance.addToDnc(numbers.slice(0, 100_000), numbers.length > 1 ? 'import' : 'manual'));
    setBusy(false);
    if (r) {
      setResult(r);
      setText(r.invalid.length ? r.invalid.map((x) => x.split(':')[0]).join('\n') : '');
    }
  };
  return (
    <section aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`} className="section-title">
        Internal Do-Not-Call list
      </h3>
      <p className="hint">Numbers here are never called, whatever the campaign or the lead’s consent. The “Do not call” disposition adds to it too.</p>
      <label htmlFor={`${id}-numbers`}>Numbers (one per line, or paste a list)</label>
      <textarea
        id={`${id}-numbers`}
        rows={6}
        style={{ width: '100%', maxWidth: '32rem', display: 'block' }}
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder={'+1 212 555 0100\n(416) 555-0199'}
      />
      <div className="row">
        <button type="button" className="btn btn-primary" disabled={busy || numbers.length === 0} onClick={() => void add()}>
          {busy ? 'Adding…' : `Add ${numbers.length || ''} to the list`.replace('  ', ' ')}
        </button>
      </div>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      {result ? (
        <p role="status">
          {formatCount(result.added)} added, {formatCount(result.already)} already on the list
          {result.invalid.length
            ? `; ${result.invalid.length} not ${result.invalid.length === 1 ? 'a valid number' : 'valid numbers'} (left in the box): ${result.invalid.slice(0, 5).join('; ')}`
            : ''}
          .
        </p>
      ) : null}
    </section>
  );
}
