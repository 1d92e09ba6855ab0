import { useId, useState, type FormEvent } from 'react';
import type { Campaign, ScriptStep } from '../../../../shared/campaign';
import type { Lead } from '../../../../shared/lead';
import { useRingside } from '../../store/store';
import { mergeSegments, type MergeContext } from './script-merge';
import { useCampaign } from './use-campaign';
import { useApi } from '../../ui/api-context';
import { alertOnFailure, request } from '../../ui/use-request';

/** The campaign script for the lead on screen: merged text, branching answers, captures. */
export function ScriptPanel() {
  const current = useRingside((s) => s.workspace.current);
  const campaignId = useRingside((s) => s.workspace.campaignId);
  const lead = useRingside((s) => (current ? (s.leads[current.leadId]?.lead ?? null) : null));
  const campaign = useCampaign(lead?.campaignId ?? campaignId);
  if (!campaign || !current || !lead) {
    return (
      <section className="script-panel" aria-label="Script">
        <h2 className="section-title">Script</h2>
        <p className="empty-note">{campaign ? 'The script shows when a lead is on screen.' : 'No campaign selected.'}</p>
      </section>
    );
  }
  // Keyed: a new lead (or a new start step) starts the script again.
  return <ScriptRunner key={`${lead.id}:${current.scriptStart}`} campaign={campaign} lead={lead} start={current.scriptStart} />;
}

function ScriptRunner({ campaign, lead, start }: { campaign: Campaign; lead: Lead; start: string }) {
  const api = useApi();
  const id = useId();
  const agentName = useRingside((s) => s.workspace.agent.name || s.account?.displayName || '');
  const steps = new Map(campaign.script.steps.map((s) => [s.id, s]));
  const first = steps.has(start) ? start : campaign.script.coldStart;
  const [path, setPath] = useState<string[]>([first]);
  const [ended, setEnded] = useState(false);
  const [free, setFree] = useState('');
  const step = steps.get(path[path.length - 1]);
  const ctx: MergeContext = { lead, agent: { name: agentName }, campaign: { name: campaign.name } };

  const go = (next: string | null) => {
    setFree('');
    if (next === null || !steps.has(next)) setEnded(true);
    else setPath((p) => [...p, next]);
  };
  const capture = (s: ScriptStep, value: string) => {
    if (s.capture) alertOnFailure(request(api.workspace.capture(lead.id, s.capture, value)));
  };
  const back = () => {
    setFree('');
    if (ended) setEnded(false);
    else setPath((p) => (p.length > 1 ? p.slice(0, -1) : p));
  };
  const submitFree = (e: FormEvent) => {
    e.preventDefault();
    if (!step) return;
    if (free.trim()) capture(step, free.trim());
    go(step.next);
  };

  return (
    <section className="script-panel" aria-labelledby={`${id}-title`}>
      <div className="script-head">
        <h2 id={`${id}-title`} className="section-title">
          Script
        </h2>
        <button type="button" className="btn btn-sm" disabled={path.length === 1 && !ended} onClick={back}>
          Back
        </button>
      </div>
      <nav aria-label="Steps taken">
        <ol className="breadcrumb">
          {path.map((sid, i) => (
            <li key={`${sid}-${i}`} aria-current={i === path.length - 1 && !ended ? 'step' : undefined}>
              {steps.get(sid)?.title ?? sid}
            </li>
          ))}
          {ended ? <li aria-current="step">End</li> : null}
        </ol>
      </nav>
      {ended || !step ? (
        <div className="script-step">
          <p className="script-end">End of script.</p>
          <button
            type="button"
            className="btn btn-sm"
            onClick={() => {
              setPath([first]);
              setEnded(false);
            }}
          >
            Start again
          </button>
        </div>
      ) : (
        <div className="script-step">
          <h3 className="script-title">{step.title}</h3>
          <p className="script-text">
            {mergeSegments(step.text, ctx).map((seg, i) =>
              seg.kind === 'text' ? (
                seg.text
              ) : (
                <span key={i} className={seg.kind === 'missing' ? 'merge merge-missing' : 'merge'} title={seg.field}>
                  {seg.text}
                </span>
              ),
            )}
          </p>
          {step.answers.length > 0 ? (
            <div className="script-answers" role="group" aria-label="Answers">
              {step.answers.map((a, i) => (
                <button
                  key={i}
                  type="button"
                  className="btn answer"
                  onClick={() => {
                    capture(step, a.value ?? a.label);
                    go(a.next);
                  }}
                >
                  {a.label}
                </button>
              ))}
            </div>
          ) : step.capture ? (
            <form className="script-free" onSubmit={submitFree}>
              <label htmlFor={`${id}-free`}>Answer (saved to {step.capture.replace(/^custom\./, '')})</label>
              <div className="dial-row">
                <input id={`${id}-free`} type="text" value={free} maxLength={2000} onChange={(e) => setFree(e.target.value)} />
                <button type="submit" className="btn btn-primary">
                  {step.next ? 'Save & next' : 'Save'}
                </button>
              </div>
            </form>
          ) : (
            <button type="button" className="btn btn-primary" onClick={() => go(step.next)}>
              {step.next ? 'Next' : 'Finish'}
            </button>
          )}
        </div>
      )}
    </section>
  );
}
