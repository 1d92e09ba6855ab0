import { useEffect, useId, useState, type ReactNode } from 'react';
import {
  campaignKinds,
  campaignSchema,
  defaultDispositions,
  dialModes,
  dispositionEffects,
  type CallingWindow,
  type Campaign,
  type CampaignInput,
} from '../../../../shared/campaign';
import { defaultCampaignCallingWindow } from '../../../../shared/rule-packs';
import { store } from '../../store/store';
import { useApi } from '../../ui/api-context';
import { Modal } from '../../ui/Modal';
import { alertOnFailure, request } from '../../ui/use-request';

type Draft = {
  id?: number;
  name: string;
  kind: Campaign['kind'];
  dialMode: Campaign['dialMode'];
  previewCountdownSec: number;
  maxAttempts: number;
  wrapUpLimitSec: number;
  defaultCountry: string;
  callerId: string;
  warmWindows: Campaign['warmWindows'];
  dispositions: Campaign['dispositions'];
  script: Campaign['script'];
  callingWindow: CallingWindow;
  skipPublicHolidays: boolean;
};

type Day = keyof CallingWindow;
const DAYS: readonly { day: Day; label: string }[] = [
  { day: 'weekday', label: 'Monday–Friday' },
  { day: 'saturday', label: 'Saturday' },
  { day: 'sunday', label: 'Sunday' },
];

/** A fresh copy: a draft never shares a window object with the defaults or another draft. */
const defaultWindow = (): CallingWindow => ({
  weekday: defaultCampaignCallingWindow.weekday ? { ...defaultCampaignCallingWindow.weekday } : null,
  saturday: defaultCampaignCallingWindow.saturday ? { ...defaultCampaignCallingWindow.saturday } : null,
  sunday: defaultCampaignCallingWindow.sunday ? { ...defaultCampaignCallingWindow.sunday } : null,
});

/** A new campaign: the usual dispositions and a two-step sample script. */
export function newCampaignDraft(): Draft {
  return {
    name: 'New campaign',
    kind: 'outbound',
    dialMode: 'preview',
    previewCountdownSec: 0,
    maxAttempts: 5,
    wrapUpLimitSec: 60,
    defaultCountry: 'US',
    callerId: '',
    warmWindows: { inquiryDays: 90, purchaseDays: 540, consentDays: 3650 },
    callingWindow: defaultWindow(),
    skipPublicHolidays: true,
    dispositions: defaultDispositions.map((d) => ({ hotkey: null, retryMinutes: null, success: false, ...d })),
    script: {
      coldStart: 'intro',
      warmStart: 'intro',
      steps: [
        {
          id: 'intro',
          title: 'Introduction',
          text: 'Hello {{lead.firstName}}, this is {{agent.name}} calling about {{campaign.name}}. Do you have a minute?',
          answers: [
            { label: 'Yes', value: 'yes', next: 'close' },
            { label: 'Not now', value: 'no', next: null },
          ],
          capture: null,
          next: null,
        },
        { id: 'close', title: 'Close', text: 'Thank you, {{lead.firstName}}. Can I confirm your e-mail address?', answers: [], capture: 'email', next: null },
      ],
    },
  };
}

function draftOf(c: Campaign): Draft {
  // A campaign saved before calling windows existed gets the defaults main would apply.
  return structuredClone({ ...c, callingWindow: c.callingWindow ?? defaultWindow(), skipPublicHolidays: c.skipPublicHolidays ?? true }) as Draft;
}

const num = (s: string) => (s.trim() === '' ? NaN : Number(s));
const shown = (n: number | null | undefined) => (n === null || n === undefined || Number.isNaN(n) ? '' : String(n));

/** Campaign settings, dispositions and script, validated with the shared schema before saving. */
export function CampaignEditor({ campaignId, onClose }: { campaignId: number | null; onClose: () => void }) {
  const api = useApi();
  const id = useId();
  const [draft, setDraft] = useState<Draft | null>(campaignId === null ? newCampaignDraft() : null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState<string | null>(null);

  useEffect(() => {
    if (campaignId === null) return;
    alertOnFailure(
      request(api.campaign.get(campaignId)).then((c) => {
        if (c) setDraft(draftOf(c));
      }),
    );
  }, [api, campaignId]);

  if (!draft) {
    return (
      <Modal title="Campaign" onClose={onClose} wide>
        <p>Loading…</p>
      </Modal>
    );
  }

  const up = (patch: Partial<Draft>) => {
    setSaved(null);
    setDraft((d) => (d ? { ...d, ...patch } : d));
  };
  const err = (path: string) => (errors[path] ? <span className="field-error">{errors[path]}</span> : null);
  const stepIds = draft.script.steps.map((s) => s.id);

  const save = () => {
    const parsed = campaignSchema.safeParse(draft as CampaignInput);
    if (!parsed.success) {
      const next: Record<string, string> = {};
      for (const issue of parsed.error.issues) next[issue.path.join('.') || 'form'] ??= issue.message;
      setErrors(next);
      return;
    }
    setErrors({});
    alertOnFailure(
      request(api.campaign.save(parsed.data)).then((c) => {
        if (!c) return;
        store.getState().setCampaignDetail(c);
        setDraft(draftOf(c));
        setSaved(`Saved “${c.name}”.`);
      }),
    );
  };

  const exportJson = () => {
    if (draft.id === undefined) return;
    alertOnFailure(
      request(api.campaign.exportJson(draft.id)).then((r) => {
        if (!r) return;
        const url = URL.createObjectURL(new Blob([r.json], { type: 'application/json' }));
        const a = document.createElement('a');
        a.href = url;
        a.download = r.fileName;
        a.click();
        setTimeout(() => URL.revokeObjectURL(url), 1000);
      }),
    );
  };

  const importJson = (file: File) => {
    alertOnFailure(
      file.text().then((json) =>
        request(api.campaign.importJson(json)).then((c) => {
          if (!c) return;
          store.getState().setCampaignDetail(c);
          setDraft(draftOf(c));
          setSaved(`Imported “${c.name}”.`);
        }),
      ),
    );
  };

  const text = (key: string, label: string, value: string, set: (v: string) => void, extra: ReactNode = null) => (
    <div className="field">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <input id={`${id}-${key}`} type="text" value={value} aria-invalid={errors[key] ? true : undefined} onChange={(e) => set(e.target.value)} />
      {err(key)}
      {extra}
    </div>
  );

  const setDispo = (i: number, patch: Partial<Draft['dispositions'][number]>) =>
    up({ dispositions: draft.dispositions.map((d, j) => (j === i ? { ...d, ...patch } : d)) });
  const setStep = (i: number, patch: Partial<Draft['script']['steps'][number]>) =>
    up({ script: { ...draft.script, steps: draft.script.steps.map((s, j) => (j === i ? { ...s, ...patch } : s)) } });
  const nextSelect = (label: string, value: string | null, set: (v: string | null) => void) => (
    <select aria-label={label} value={value ?? ''} onChange={(e) => set(e.target.value || null)}>
      <option value="">(end)</option>
      {stepIds.map((s) => (
        <option key={s} value={s}>
          {s}
        </option>
      ))}
    </select>
  );

  return (
    <Modal title={draft.id ? `Campaign: ${draft.name}` : 'New campaign'} onClose={onClose} wide>
      <div className="campaign-editor">
        {Object.keys(errors).length ? (
          <div className="form-errors" role="alert">
            <p>Fix these before saving:</p>
            <ul>
              {Object.entries(errors).map(([k, v]) => (
                <li key={k}>
                  {k}: {v}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        <fieldset className="editor-grid">
          <legend>Settings</legend>
          {text('name', 'Name', draft.name, (v) => up({ name: v }))}
          <div className="field">
            <label htmlFor={`${id}-kind`}>Kind</label>
            <select id={`${id}-kind`} value={draft.kind} onChange={(e) => up({ kind: e.target.value as Draft['kind'] })}>
              {campaignKinds.map((k) => (
                <option key={k}>{k}</option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-mode`}>Dial mode</label>
            <select id={`${id}-mode`} value={draft.dialMode} onChange={(e) => up({ dialMode: e.target.value as Draft['dialMode'] })}>
              {dialModes.map((k) => (
                <option key={k}>{k}</option>
              ))}
            </select>
          </div>
          {draft.dialMode === 'preview'
            ? text('previewCountdownSec', 'Preview countdown (s, 0 = manual)', shown(draft.previewCountdownSec), (v) => up({ previewCountdownSec: num(v) }))
            : null}
          {text('maxAttempts', 'Max attempts', shown(draft.maxAttempts), (v) => up({ maxAttempts: num(v) }))}
          {text('wrapUpLimitSec', 'Wrap-up limit (s)', shown(draft.wrapUpLimitSec), (v) => up({ wrapUpLimitSec: num(v) }))}
          {text('defaultCountry', 'Default country', draft.defaultCountry, (v) => up({ defaultCountry: v.toUpperCase() }))}
          {text('callerId', 'Caller ID', draft.callerId, (v) => up({ callerId: v }))}
          {text('warmWindows.inquiryDays', 'Warm: inquiry within (days)', shown(draft.warmWindows.inquiryDays), (v) =>
            up({ warmWindows: { ...draft.warmWindows, inquiryDays: num(v) } }),
          )}
          {text('warmWindows.purchaseDays', 'Warm: purchase within (days)', shown(draft.warmWindows.purchaseDays), (v) =>
            up({ warmWindows: { ...draft.warmWindows, purchaseDays: num(v) } }),
          )}
          {text('warmWindows.consentDays', 'Warm: consent within (days)', shown(draft.warmWindows.consentDays), (v) =>
            up({ warmWindows: { ...draft.warmWindows, consentDays: num(v) } }),
          )}
        </fieldset>

        <fieldset className="calling-window">
          <legend>Calling window</legend>
          <p className="field-hint" id={`${id}-window-hint`}>
            In the called party’s local time, for countries whose law sets no calling hours (Poland, the UK and others). US and Canadian statutory hours always
            apply instead.
          </p>
          <div className="cw-rows" role="group" aria-describedby={`${id}-window-hint`}>
            {DAYS.map(({ day, label }) => {
              const w = draft.callingWindow[day];
              const set = (next: CallingWindow[Day]) => up({ callingWindow: { ...draft.callingWindow, [day]: next } });
              const key = `callingWindow.${day}`;
              return (
                <div className="cw-row" key={day}>
                  <label className="field-check cw-day">
                    <input
                      type="checkbox"
                      checked={w !== null}
                      onChange={(e) =>
                        set(
                          e.target.checked
                            ? defaultCampaignCallingWindow[day]
                              ? { ...defaultCampaignCallingWindow[day]! }
                              : { start: '10:00', end: '18:00' }
                            : null,
                        )
                      }
                    />
                    {label}
                  </label>
                  {w ? (
                    <>
                      <input
                        type="time"
                        step={60}
                        aria-label={`${label}: from`}
                        value={w.start}
                        aria-invalid={errors[`${key}.start`] ? true : undefined}
                        onChange={(e) => set({ ...w, start: e.target.value })}
                      />
                      <span aria-hidden="true">–</span>
                      <input
                        type="time"
                        step={60}
                        aria-label={`${label}: until`}
                        value={w.end}
                        aria-invalid={errors[`${key}.end`] ? true : undefined}
                        onChange={(e) => set({ ...w, end: e.target.value })}
                      />
                    </>
                  ) : (
                    <span className="cw-none">No calls</span>
                  )}
                  {err(`${key}.start`)}
                  {err(`${key}.end`)}
                </div>
              );
            })}
          </div>
          <label className="field-check">
            <input type="checkbox" checked={draft.skipPublicHolidays} onChange={(e) => up({ skipPublicHolidays: e.target.checked })} />
            No calls on the called party’s public holidays
          </label>
        </fieldset>

        <fieldset>
          <legend>Dispositions</legend>
          <table className="edit-table">
            <thead>
              <tr>
                <th scope="col">Code</th>
                <th scope="col">Label</th>
                <th scope="col">Effect</th>
                <th scope="col">Hotkey</th>
                <th scope="col">Retry (min)</th>
                <th scope="col">Success</th>
                <th scope="col">
                  <span className="sr-only">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {draft.dispositions.map((d, i) => (
                <tr key={i} className={errors[`dispositions.${i}`] || errors[`dispositions.${i}.code`] ? 'has-error' : ''}>
                  <td>
                    <input type="text" aria-label={`Disposition ${i + 1} code`} value={d.code} onChange={(e) => setDispo(i, { code: e.target.value })} />
                    {err(`dispositions.${i}.code`)}
                    {err(`dispositions.${i}`)}
                  </td>
                  <td>
                    <input type="text" aria-label={`Disposition ${i + 1} label`} value={d.label} onChange={(e) => setDispo(i, { label: e.target.value })} />
                  </td>
                  <td>
                    <select
                      aria-label={`Disposition ${i + 1} effect`}
                      value={d.effect}
                      onChange={(e) => setDispo(i, { effect: e.target.value as Draft['dispositions'][number]['effect'] })}
                    >
                      {dispositionEffects.map((x) => (
                        <option key={x}>{x}</option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <select
                      aria-label={`Disposition ${i + 1} hotkey`}
                      value={d.hotkey ?? ''}
                      onChange={(e) => setDispo(i, { hotkey: e.target.value ? Number(e.target.value) : null })}
                    >
                      <option value="">none</option>
                      {[1, 2, 3, 4, 5, 6, 7, 8, 9].map((k) => (
                        <option key={k} value={k}>
                          {k}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <input
                      type="text"
                      inputMode="numeric"
                      aria-label={`Disposition ${i + 1} retry minutes`}
                      value={shown(d.retryMinutes)}
                      onChange={(e) => setDispo(i, { retryMinutes: e.target.value.trim() ? num(e.target.value) : null })}
                    />
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Disposition ${i + 1} counts as success`}
                      checked={d.success}
                      onChange={(e) => setDispo(i, { success: e.target.checked })}
                    />
                  </td>
                  <td>
                    <button
                      type="button"
                      className="btn btn-sm"
                      aria-label={`Remove disposition ${d.label || i + 1}`}
                      onClick={() => up({ dispositions: draft.dispositions.filter((_, j) => j !== i) })}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <button
            type="button"
            className="btn btn-sm"
            onClick={() =>
              up({ dispositions: [...draft.dispositions, { code: '', label: '', effect: 'none', hotkey: null, retryMinutes: null, success: false }] })
            }
          >
            Add disposition
          </button>
        </fieldset>

        <fieldset>
          <legend>Script</legend>
          <div className="editor-grid">
            <div className="field">
              <label htmlFor={`${id}-cold`}>Cold start step</label>
              <select id={`${id}-cold`} value={draft.script.coldStart} onChange={(e) => up({ script: { ...draft.script, coldStart: e.target.value } })}>
                {stepIds.map((s) => (
                  <option key={s}>{s}</option>
                ))}
              </select>
              {err('script.coldStart')}
            </div>
            <div className="field">
              <label htmlFor={`${id}-warm`}>Warm start step</label>
              <select id={`${id}-warm`} value={draft.script.warmStart} onChange={(e) => up({ script: { ...draft.script, warmStart: e.target.value } })}>
                {stepIds.map((s) => (
                  <option key={s}>{s}</option>
                ))}
              </select>
              {err('script.warmStart')}
            </div>
          </div>
          {draft.script.steps.map((s, i) => (
            <div className="step-editor" key={i}>
              <div className="step-row">
                <input type="text" aria-label={`Step ${i + 1} id`} value={s.id} onChange={(e) => setStep(i, { id: e.target.value })} />
                <input type="text" aria-label={`Step ${i + 1} title`} value={s.title} onChange={(e) => setStep(i, { title: e.target.value })} />
                <input
                  type="text"
                  aria-label={`Step ${i + 1} capture field`}
                  placeholder="capture (e.g. email, custom.roof)"
                  value={s.capture ?? ''}
                  onChange={(e) => setStep(i, { capture: e.target.value || null })}
                />
                {nextSelect(`Step ${i + 1} next`, s.next, (v) => setStep(i, { next: v }))}
                <button
                  type="button"
                  className="btn btn-sm"
                  aria-label={`Remove step ${s.id || i + 1}`}
                  onClick={() => up({ script: { ...draft.script, steps: draft.script.steps.filter((_, j) => j !== i) } })}
                >
                  Remove
                </button>
              </div>
              {err(`script.steps.${i}`)}
              {err(`script.steps.${i}.capture`)}
              {err(`script.steps.${i}.id`)}
              <textarea aria-label={`Step ${i + 1} text`} rows={3} value={s.text} onChange={(e) => setStep(i, { text: e.target.value })} />
              {s.answers.map((a, k) => (
                <div className="answer-row" key={k}>
                  <input
                    type="text"
                    aria-label={`Step ${i + 1} answer ${k + 1} label`}
                    placeholder="Answer"
                    value={a.label}
                    onChange={(e) => setStep(i, { answers: s.answers.map((x, j) => (j === k ? { ...x, label: e.target.value } : x)) })}
                  />
                  <input
                    type="text"
                    aria-label={`Step ${i + 1} answer ${k + 1} value`}
                    placeholder="Value (defaults to the label)"
                    value={a.value ?? ''}
                    onChange={(e) => setStep(i, { answers: s.answers.map((x, j) => (j === k ? { ...x, value: e.target.value || undefined } : x)) })}
                  />
                  {nextSelect(`Step ${i + 1} answer ${k + 1} next`, a.next, (v) =>
                    setStep(i, { answers: s.answers.map((x, j) => (j === k ? { ...x, next: v } : x)) }),
                  )}
                  <button
                    type="button"
                    className="btn btn-sm"
                    aria-label={`Remove answer ${k + 1} of step ${i + 1}`}
                    onClick={() => setStep(i, { answers: s.answers.filter((_, j) => j !== k) })}
                  >
                    Remove
                  </button>
                </div>
              ))}
              <button type="button" className="btn btn-sm" onClick={() => setStep(i, { answers: [...s.answers, { label: '', next: null }] })}>
                Add answer
              </button>
            </div>
          ))}
          <button
            type="button"
            className="btn btn-sm"
            onClick={() =>
              up({
                script: {
                  ...draft.script,
                  steps: [
                    ...draft.script.steps,
                    { id: `step${draft.script.steps.length + 1}`, title: 'New step', text: '', answers: [], capture: null, next: null },
                  ],
                },
              })
            }
          >
            Add step
          </button>
        </fieldset>

        <div className="form-actions">
          <button type="button" className="btn btn-primary" onClick={save}>
            Save campaign
          </button>
          <button type="button" className="btn" disabled={draft.id === undefined} onClick={exportJson}>
            Export JSON
          </button>
          <label className="btn file-btn">
            Import JSON
            <input
              type="file"
              accept=".json,application/json"
              className="sr-only"
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) importJson(f);
              }}
            />
          </label>
          {saved ? (
            <span className="saved-note" role="status">
              {saved}
            </span>
          ) : null}
        </div>
      </div>
    </Modal>
  );
}
