import { useId, useState } from 'react';
import type { ComplianceDecision, TargetReadingView } from '../../../../shared/compliance';
import { basisLabel, decidingReading, outcomeText, ruleName, ruleShort, verdictOf, verdictText, viaText } from './compliance-format';

/**
 * "Why this call is allowed / blocked": the dial gate's decision in words. Compact by default
 * (headline, summary, one chip per check); expands to every check's detail, the exemption and
 * the called party's local time. It says which number(s) the target reaches and through which
 * prefixes (every reading is decided, the strictest stands), and which country's rules decided.
 * The verdict is a word and a glyph, never colour alone. All text comes from main (built from
 * lead data and what the agent typed) and is rendered as text. Decisions from before the dial
 * plan carry no target or pack: those parts are simply left out.
 */
export function ComplianceCard({
  decision,
  context,
  summaryId,
  headingLevel = 3,
  defaultExpanded = false,
}: {
  decision: ComplianceDecision;
  /** Which call this is about: "Before the call", "This call", "Number typed". */
  context: string;
  /** Lets a dial button point at the summary (aria-describedby). */
  summaryId?: string;
  headingLevel?: 2 | 3 | 4;
  defaultExpanded?: boolean;
}) {
  const id = useId();
  const [expanded, setExpanded] = useState(defaultExpanded);
  const verdict = verdictOf(decision);
  const { icon, headline } = verdictText[verdict];
  const H = `h${headingLevel}` as 'h2' | 'h3' | 'h4';
  const Sub = `h${Math.min(headingLevel + 1, 6)}` as 'h3' | 'h4' | 'h5';
  const detailsId = `${id}-details`;
  const readings = decision.target?.readings ?? [];
  const decided = decidingReading(decision);
  const pack = decision.pack ?? null;
  return (
    <section
      className={`compliance-card verdict-${verdict}`}
      role="region"
      aria-label={`${context}: why this call is ${verdict === 'blocked' ? 'blocked' : 'allowed'}`}
    >
      <header className="cc-head">
        <span className="cc-icon" aria-hidden="true">
          {icon}
        </span>
        <H className="cc-headline">{headline}</H>
        <span className="cc-context">{context}</span>
        <button type="button" className="btn btn-sm cc-toggle" aria-expanded={expanded} aria-controls={detailsId} onClick={() => setExpanded((e) => !e)}>
          {expanded ? 'Hide details' : 'Why?'}
        </button>
      </header>
      <p id={summaryId} className="cc-summary">
        {decision.summary}
      </p>
      {!expanded && readings.length > 0 ? <CompactReach readings={readings} decided={decided} /> : null}
      {!expanded ? (
        <ul className="cc-chips" aria-label="Checks">
          {decision.checks.map((c) => (
            <li key={c.rule} className={`cc-chip outcome-${c.outcome}`} title={c.detail}>
              <span aria-hidden="true">{outcomeText[c.outcome].icon}</span> {ruleShort[c.rule]}
              {c.rule === 'registry' && decision.registry ? ` ${decision.registry}` : ''}
              <span className="sr-only">: {outcomeText[c.outcome].label}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {!expanded && pack ? (
        <p className="cc-pack-line" title={pack.source}>
          <span className="cc-pack-key">Rules:</span> {pack.name}
        </p>
      ) : null}
      <div id={detailsId} className="cc-details" hidden={!expanded}>
        {decision.target ? (
          <>
            <Sub className="cc-subhead">{readings.length > 1 ? `Reaches one of ${readings.length} — the strictest decides` : 'Reaches'}</Sub>
            {readings.length > 0 ? (
              <ul className="cc-readings">
                {readings.map((r, i) => (
                  <li key={`${r.label}-${i}`} className={`cc-reading ${r.allowed ? 'is-allowed' : 'is-blocked'}${i === decided ? ' is-decided' : ''}`}>
                    <div className="cc-reading-head">
                      <span className="cc-reading-label">{r.label}</span>
                      {readings.length > 1 || i === decided ? <ReadingOutcome reading={r} decided={i === decided} /> : null}
                    </div>
                    {r.via.length > 0 ? <p className="cc-via">via {viaText(r.via)}</p> : null}
                    {readings.length > 1 ? <p className="cc-detail">{r.summary}</p> : null}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="cc-detail">No telephone number or colleague could be read from what was typed.</p>
            )}
            <dl className="cc-facts cc-dialled">
              <div>
                <dt>Typed</dt>
                <dd>{decision.target.input}</dd>
              </div>
              <div>
                <dt>Dials</dt>
                <dd>{decision.target.uri ?? 'Nothing: not dialled'}</dd>
              </div>
            </dl>
          </>
        ) : null}
        <Sub className="cc-subhead">Checks</Sub>
        <ul className="cc-checks">
          {decision.checks.map((c) => (
            <li key={c.rule} className={`cc-check outcome-${c.outcome}`}>
              <div className="cc-check-head">
                <span className="cc-rule">{ruleName(c.rule, decision)}</span>
                <span className={`cc-outcome outcome-${c.outcome}`}>
                  <span aria-hidden="true">{outcomeText[c.outcome].icon}</span> {outcomeText[c.outcome].label}
                </span>
              </div>
              <p className="cc-detail">{c.detail}</p>
            </li>
          ))}
        </ul>
        {decision.exemption ? (
          <>
            <Sub className="cc-subhead">Exemption</Sub>
            <dl className="cc-facts">
              <div>
                <dt>Basis</dt>
                <dd>{basisLabel[decision.exemption.basis] ?? decision.exemption.basis}</dd>
              </div>
              <div>
                <dt>Evidence</dt>
                <dd>{decision.exemption.evidence}</dd>
              </div>
              <div>
                <dt>Valid until</dt>
                <dd>{decision.exemption.validUntil ?? 'No end date'}</dd>
              </div>
            </dl>
          </>
        ) : null}
        {decision.localTimes.length > 0 ? (
          <>
            <Sub className="cc-subhead">Called party's local time</Sub>
            <ul className="cc-times">
              {decision.localTimes.map((t) => (
                <li key={t.zone} className={t.inside ? 'is-inside' : 'is-outside'}>
                  <strong className="cc-time">{t.local}</strong> <span className="cc-zone">{t.zone}</span>
                  <span className="cc-window">{t.window ? `window ${t.window}` : 'no calling window'}</span>
                  <span className="cc-inside">
                    <span aria-hidden="true">{t.inside ? '✓' : '✕'}</span> {t.inside ? 'inside' : 'outside'}
                  </span>
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {pack ? (
          <>
            <Sub className="cc-subhead">Rules applied</Sub>
            <p className="cc-pack-name">{pack.name}</p>
            <p className="cc-pack-source">{pack.source}</p>
          </>
        ) : null}
      </div>
    </section>
  );
}

/** A reading's own verdict: the one that decided a blocked call says so. */
function ReadingOutcome({ reading, decided }: { reading: TargetReadingView; decided: boolean }) {
  const outcome = reading.allowed ? 'pass' : 'block';
  return (
    <span className={`cc-outcome outcome-${outcome}`}>
      <span aria-hidden="true">{outcomeText[outcome].icon}</span> {decided ? 'Decided the call' : reading.allowed ? 'Allowed' : 'Blocked'}
    </span>
  );
}

/** One line under the summary: the number(s) reached, and the route when there is one. */
function CompactReach({ readings, decided }: { readings: TargetReadingView[]; decided: number | null }) {
  if (readings.length === 1) {
    const r = readings[0]!;
    return (
      <p className="cc-reach">
        <span className="cc-reach-key">Reaches</span> <strong className="cc-reading-label">{r.label}</strong>
        {r.via.length > 0 ? <span className="cc-via"> via {viaText(r.via)}</span> : null}
      </p>
    );
  }
  return (
    <p className="cc-reach">
      <span className="cc-reach-key">Reaches one of {readings.length}:</span>{' '}
      {readings.map((r, i) => (
        <span key={`${r.label}-${i}`} className={`cc-reach-item ${r.allowed ? 'is-allowed' : 'is-blocked'}${i === decided ? ' is-decided' : ''}`}>
          <span aria-hidden="true">{r.allowed ? '✓' : '✕'}</span> <strong className="cc-reading-label">{r.label}</strong>
          <span className="sr-only">{i === decided ? ': blocked, decided the call' : r.allowed ? ': allowed' : ': blocked'}</span>
          {i < readings.length - 1 ? ', ' : ''}
        </span>
      ))}
    </p>
  );
}
