import { useId, useState } from 'react';
import type { ComplianceDecision } from '../../../shared/compliance';
import { basisLabel, outcomeText, ruleName, ruleShort, verdictOf, verdictText } from './compliance-format';

/**
 * "Why this call is allowed / blocked": the dial gate's decision in words. Compact by default
 * (headline, summary, one chip per check); expands to every check's detail, the exemption and
 * the called party's local time. The verdict is a word and a glyph, never colour alone. All
 * text comes from main (built from lead data) and is rendered as text.
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
  return (
    <section className={`compliance-card verdict-${verdict}`} role="region" aria-label={`${context}: why this call is ${verdict === 'blocked' ? 'blocked' : 'allowed'}`}>
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
      <div id={detailsId} className="cc-details" hidden={!expanded}>
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
      </div>
    </section>
  );
}
