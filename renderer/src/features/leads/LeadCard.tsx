import { DateTime } from 'luxon';
import { useEffect, useId, useState } from 'react';
import { outcomeLabel, type CallOutcome } from '../../../../shared/call-session';
import { leadName, type Callback, type Lead, type LeadHistoryEntry } from '../../../../shared/lead';
import type { WorkspaceLead } from '../../../../shared/workspace';
import { useRingside } from '../../store/store';
import { agentZone, isValidZone } from '../workspace/callback-time';
import { useLeadDetail } from './use-lead-detail';
import { useApi } from '../../ui/api-context';
import { formatDuration } from '../softphone/call-format';
import { ComplianceCard } from '../compliance/ComplianceCard';
import { OpenInCrmButton, OpenInCrmRefusal, useOpenInCrm } from '../crm/OpenInCrmButton';
import { requestDial } from '../softphone/dial-request';
import { DispositionBar } from '../workspace/DispositionBar';
import { LeadEditor } from './LeadEditor';
import { TemperatureChip } from '../softphone/TemperatureChip';
import { useNow } from '../../ui/use-now';
import { alertOnFailure, useRequest } from '../../ui/use-request';

const STATUS_LABEL: Record<Lead['status'], string> = {
  new: 'New',
  active: 'Active',
  callback: 'Callback',
  closed: 'Closed',
  'bad-number': 'Bad number',
  dnc: 'Do not call',
  'max-attempts': 'Max attempts',
};

function dateTime(ms: number, zone?: string): string {
  return DateTime.fromMillis(ms, zone ? { zone } : {}).toFormat('d LLL yyyy, HH:mm');
}

/** The lead on screen (the workspace's, or one opened from the list), its phones, history, dispositions. */
export function LeadCard() {
  const workspace = useRingside((s) => s.workspace);
  const viewed = useRingside((s) => s.viewedLeadId);
  const current = workspace.current;
  const leadId = current?.leadId ?? viewed;
  if (leadId === null) {
    return (
      <section className="lead-card lead-card-empty" aria-label="Lead">
        <p className="empty-state">{workspace.notice ?? (workspace.campaignId === null ? 'Choose a campaign to start.' : 'No lead on screen.')}</p>
        <NextLeadButton />
      </section>
    );
  }
  return <LeadCardFor key={leadId} leadId={leadId} current={current?.leadId === leadId ? current : null} />;
}

function NextLeadButton() {
  const api = useApi();
  const send = useRequest();
  const campaignId = useRingside((s) => s.workspace.campaignId);
  const required = useRingside((s) => s.workspace.dispositionRequired);
  if (campaignId === null) return null;
  return (
    <button type="button" className="btn btn-primary" disabled={required} onClick={() => send(api.workspace.next())}>
      Next lead
    </button>
  );
}

function LeadCardFor({ leadId, current }: { leadId: number; current: WorkspaceLead | null }) {
  const id = useId();
  // Fetched again when the workspace moves on (call placed, ended, disposed).
  const refresh = current ? `${current.stage}:${current.callId ?? ''}:${current.wrapUpStartedAt ?? ''}` : null;
  const dispositionRequired = useRingside((s) => s.workspace.dispositionRequired);
  const detail = useLeadDetail(leadId, `${refresh}:${dispositionRequired}`);
  const [editing, setEditing] = useState(false);
  const api = useApi();
  const crm = useOpenInCrm(leadId);
  /** The gate's refusal of the last dial from this card (main decides again on every dial). */
  const [refused, setRefused] = useState<string | null>(null);
  const decision = current?.compliance ?? null;
  // During the lead's call, the card shows that call's own decision (the one main dialled on).
  const callDecision = useRingside((s) => (current?.stage === 'call' && current.callId ? (s.calls[current.callId]?.compliance ?? null) : null));
  // A new answer from the gate (not just a fresh copy of the same one) replaces the refusal.
  const decisionKey = decision ? `${decision.allowed}:${decision.summary}` : '';
  useEffect(() => setRefused(null), [decisionKey, current?.phoneIndex]);
  const gate: DialGate = {
    blocked: decision !== null && !decision.allowed,
    reasonId: `${id}-gate`,
    dial: (phoneIndex) =>
      alertOnFailure(
        requestDial(api.workspace.dial(phoneIndex)).then((r) => setRefused(r.ok ? null : r.blocked)),
        'Dialling',
      ),
  };
  if (!detail) {
    return (
      <section className="lead-card" aria-label="Lead" aria-busy="true">
        <p className="empty-state">Loading lead…</p>
      </section>
    );
  }
  const { lead, history, callbacks } = detail;
  return (
    <section className="lead-card" aria-labelledby={`${id}-name`}>
      <div className="lead-scroll">
        <header className="lead-head">
          <div className="lead-title">
            <h2 id={`${id}-name`} className="lead-name">
              {leadName(lead)}
            </h2>
            {current ? <TemperatureChip temperature={current.temperature} /> : null}
            <span className={`lead-status status-${lead.status}`}>{STATUS_LABEL[lead.status]}</span>
            {/* Main opens only the lead on screen: a lead opened from the list has no button. */}
            {current ? <OpenInCrmButton crm={crm} /> : null}
          </div>
          <div className="lead-sub">
            {lead.company && leadName(lead) !== lead.company ? <span className="lead-company">{lead.company}</span> : null}
            <LeadClock lead={lead} />
          </div>
        </header>
        {current ? <OpenInCrmRefusal crm={crm} /> : null}
        {current?.stage === 'preview' ? <PreviewBar current={current} lead={lead} gate={gate} /> : null}
        {current?.stage === 'preview' && decision ? <ComplianceCard decision={decision} context="Before the call" summaryId={gate.reasonId} /> : null}
        {callDecision ? <ComplianceCard decision={callDecision} context="This call" /> : null}
        {refused ? (
          <p className="dial-refused" role="alert">
            <span aria-hidden="true">✕ </span>Call refused: {refused}
          </p>
        ) : null}
        <PhoneList lead={lead} current={current} gate={gate} />
        {editing ? <LeadEditor lead={lead} onDone={() => setEditing(false)} /> : <LeadFacts lead={lead} onEdit={() => setEditing(true)} />}
        <LeadHistory history={history} callbacks={callbacks} />
      </div>
      {current ? <DispositionBar current={current} lead={lead} /> : null}
    </section>
  );
}

/** The lead's local time now, in its zone (or a warning when the zone is unknown). */
function LeadClock({ lead }: { lead: Lead }) {
  const now = useNow(true, 15_000);
  if (!isValidZone(lead.timeZone)) {
    return (
      <span className="lead-clock lead-clock-unknown">
        Time zone unknown (your time {DateTime.fromMillis(now).toFormat('HH:mm')}, {agentZone()})
      </span>
    );
  }
  const t = DateTime.fromMillis(now, { zone: lead.timeZone });
  return (
    <span className="lead-clock">
      Local time <strong>{t.toFormat('HH:mm')}</strong> {t.toFormat('ccc')} · {lead.timeZone}
    </span>
  );
}

/** What the compliance gate said about the workspace lead's selected phone, for its dial buttons. */
interface DialGate {
  blocked: boolean;
  /** The card's summary, which says why (the buttons point at it). */
  reasonId: string;
  dial(phoneIndex: number): void;
}

function PreviewBar({ current, lead, gate }: { current: WorkspaceLead; lead: Lead; gate: DialGate }) {
  const api = useApi();
  const send = useRequest();
  const now = useNow(current.countdownEndsAt !== null, 250);
  const secs = current.countdownEndsAt !== null ? Math.max(0, Math.ceil((current.countdownEndsAt - now) / 1000)) : null;
  const phone = lead.phones[current.phoneIndex];
  return (
    <div className="preview-bar" role="group" aria-label="Preview">
      <div className="preview-text">
        <span className="preview-label">Preview</span>
        {phone ? <span className="preview-phone">{phone.raw || phone.e164}</span> : <span>No phone</span>}
        {secs !== null ? (
          <span className="countdown" role="timer" aria-live="polite">
            Calling in {secs} s
          </span>
        ) : null}
      </div>
      <button
        type="button"
        className="btn btn-call btn-lg"
        disabled={gate.blocked}
        aria-describedby={gate.blocked ? gate.reasonId : undefined}
        onClick={() => gate.dial(current.phoneIndex)}
      >
        Call now
      </button>
      <button type="button" className="btn" onClick={() => send(api.workspace.skip())}>
        Skip
      </button>
    </div>
  );
}

function PhoneList({ lead, current, gate }: { lead: Lead; current: WorkspaceLead | null; gate: DialGate }) {
  const inCall = current?.stage === 'call';
  const required = useRingside((s) => s.workspace.dispositionRequired);
  return (
    <ul className="phones" aria-label="Phone numbers">
      {lead.phones.length === 0 ? <li className="empty-note">No phone numbers.</li> : null}
      {lead.phones.map((p, i) => {
        // The gate's decision is for the selected phone; main checks the others when dialled.
        const blocked = gate.blocked && current?.phoneIndex === i;
        return (
          <li key={`${p.e164}-${i}`} className={p.bad ? 'phone is-bad' : 'phone'}>
            <span className="phone-number">{p.raw || p.e164}</span>
            {p.label ? <span className="phone-label">{p.label}</span> : null}
            {p.raw && p.raw !== p.e164 ? <span className="phone-e164">{p.e164}</span> : null}
            {p.bad ? <span className="phone-bad">Bad number</span> : null}
            {blocked ? (
              <span className="phone-blocked">
                <span aria-hidden="true">✕ </span>Blocked
              </span>
            ) : null}
            <button
              type="button"
              className="btn btn-call btn-sm"
              aria-label={`Call ${p.raw || p.e164}${p.bad ? ' (marked bad)' : ''}${blocked ? ' (blocked)' : ''}`}
              aria-describedby={blocked ? gate.reasonId : undefined}
              disabled={p.bad || inCall || required || current === null || blocked}
              onClick={() => gate.dial(i)}
            >
              Call
            </button>
          </li>
        );
      })}
    </ul>
  );
}

function LeadFacts({ lead, onEdit }: { lead: Lead; onEdit: () => void }) {
  const address = [lead.street, [lead.postalCode, lead.city].filter(Boolean).join(' '), lead.region, lead.country].filter(Boolean).join(', ');
  const rows: Array<[string, string]> = [
    ['E-mail', lead.email],
    ['Address', address],
    ['Source', lead.source],
    ['Inquiry', lead.inquiryAt ?? ''],
    ['Consent', lead.consentAt ?? ''],
    ['Last purchase', lead.lastPurchaseAt ?? ''],
    ['Score', String(lead.score)],
    ['Priority', String(lead.priority)],
    ['Attempts', String(lead.attempts)],
    ['Last attempt', lead.lastAttemptAt ? dateTime(lead.lastAttemptAt) : ''],
    ['Due', lead.dueAt ? dateTime(lead.dueAt) : ''],
  ];
  const custom = Object.entries(lead.customFields);
  return (
    <section className="lead-facts" aria-label="Lead details">
      <div className="lead-facts-head">
        <h3 className="section-title">Details</h3>
        <button type="button" className="btn btn-sm" onClick={onEdit}>
          Edit lead
        </button>
      </div>
      <dl className="facts">
        {rows.map(([k, v]) => (
          <div key={k} className={v ? '' : 'is-empty'}>
            <dt>{k}</dt>
            <dd>{v || '—'}</dd>
          </div>
        ))}
        {custom.map(([k, v]) => (
          <div key={`custom-${k}`} className="is-custom">
            <dt>{k}</dt>
            <dd>{v || '—'}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

type HistoryItem = { at: number; key: string; what: string; detail: string; kind: string };

function historyItems(history: LeadHistoryEntry[], callbacks: Callback[]): HistoryItem[] {
  const items: HistoryItem[] = history.map((h) => {
    if (h.kind === 'call') {
      const dir = h.direction === 'inbound' ? 'Inbound call' : 'Outbound call';
      const outcome = h.outcome ? (outcomeLabel[h.outcome as CallOutcome] ?? h.outcome) : '';
      const duration = h.durationSec !== null ? formatDuration(h.durationSec * 1000) : '';
      return { at: h.at, key: `h${h.id}`, kind: 'call', what: dir, detail: [h.phone, outcome, duration].filter(Boolean).join(' · ') };
    }
    if (h.kind === 'disposition') return { at: h.at, key: `h${h.id}`, kind: 'disposition', what: h.disposition ?? 'Disposition', detail: h.note ?? '' };
    const what = { callback: 'Callback', edit: 'Edited', import: 'Imported', note: 'Note' }[h.kind];
    return { at: h.at, key: `h${h.id}`, kind: h.kind, what, detail: h.note ?? '' };
  });
  for (const c of callbacks) {
    items.push({
      at: c.dueAt,
      key: `c${c.id}`,
      kind: 'callback',
      what: c.done ? 'Callback (done)' : 'Callback due',
      detail: [dateTime(c.dueAt, c.timeZone) + ` ${c.timeZone}`, c.note].filter(Boolean).join(' · '),
    });
  }
  return items.sort((a, b) => b.at - a.at);
}

function LeadHistory({ history, callbacks }: { history: LeadHistoryEntry[]; callbacks: Callback[] }) {
  const id = useId();
  const items = historyItems(history, callbacks);
  return (
    <section className="lead-history" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="section-title">
        History
      </h3>
      {items.length === 0 ? (
        <p className="empty-note">Never contacted.</p>
      ) : (
        <ol className="history">
          {items.map((it) => (
            <li key={it.key} className={`history-item kind-${it.kind}`}>
              <time className="history-at" dateTime={new Date(it.at).toISOString()}>
                {dateTime(it.at)}
              </time>
              <span className="history-what">{it.what}</span>
              {it.detail ? <span className="history-detail">{it.detail}</span> : null}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
