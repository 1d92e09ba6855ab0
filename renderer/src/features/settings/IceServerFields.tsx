import { useId } from 'react';
import type { AccountInput, AccountView, IceServerView } from '../../../../shared/account';

/** One STUN/TURN server of the settings form, as typed. */
export interface IceServerRow {
  /** React's key for the row; rows come and go. */
  key: string;
  /** Its addresses, separated by spaces or commas (e.g. the turn: and turns: of one server). */
  urls: string;
  username: string;
  /** A new password or shared secret; empty keeps the saved one. */
  credential: string;
  /** Time-limited credentials made from a shared secret (TURN REST API). */
  ephemeral: boolean;
  /** The server as saved: its secret is kept while the addresses and the kind of credential stay the same. */
  saved: IceServerView | null;
}

export interface IceValues {
  servers: IceServerRow[];
  relayOnly: boolean;
}

type RowField = 'urls' | 'username' | 'credential';
export interface IceErrors {
  /** By row index. */
  servers: Record<number, Partial<Record<RowField, string>>>;
  relayOnly?: string;
}

let nextKey = 0;
const newKey = (): string => `ice-${++nextKey}`;

const urlList = (text: string): string[] =>
  text
    .split(/[\s,]+/)
    .map((u) => u.trim())
    .filter(Boolean);

const isTurn = (urls: readonly string[]): boolean => urls.some((u) => /^turns?:/i.test(u));

export function iceValues(account: AccountView | null): IceValues {
  return {
    servers: (account?.iceServers ?? []).map((s) => ({
      key: newKey(),
      urls: s.urls.join(', '),
      username: s.username ?? '',
      credential: '',
      ephemeral: s.credentialType === 'ephemeral',
      saved: s,
    })),
    relayOnly: account?.iceTransportPolicy === 'relay',
  };
}

/** Whether saving keeps a secret for this row: the saved server's, for the same addresses and kind. */
function keepsSecret(row: IceServerRow): boolean {
  const saved = row.saved;
  if (!saved?.hasCredential) return false;
  const same = urlList(row.urls).join(' ').toLowerCase() === saved.urls.join(' ').toLowerCase();
  return same && row.ephemeral === (saved.credentialType === 'ephemeral');
}

/** The rows that go to `account:save` (blank ones are left out), with their index in the form. */
function filledRows(v: IceValues): Array<{ row: IceServerRow; index: number }> {
  return v.servers.map((row, index) => ({ row, index })).filter(({ row }) => urlList(row.urls).length > 0 || row.username || row.credential);
}

/** What goes to `account:save`: no `credential` keeps the saved one (main matches it by address). */
export function iceInput(v: IceValues): Pick<AccountInput, 'iceServers' | 'iceTransportPolicy'> {
  return {
    iceServers: filledRows(v).map(({ row }) => {
      const urls = urlList(row.urls);
      return {
        urls: urls.length === 1 ? urls[0]! : urls,
        ...(row.ephemeral ? { credentialType: 'ephemeral' as const } : row.username.trim() ? { username: row.username.trim() } : {}),
        ...(row.credential ? { credential: row.credential } : {}),
        ...(row.ephemeral && row.saved?.ephemeralTtlSec ? { ephemeralTtlSec: row.saved.ephemeralTtlSec } : {}),
      };
    }),
    iceTransportPolicy: v.relayOnly ? 'relay' : 'all',
  };
}

/** Field messages: the account schema's issues under `iceServers` / `iceTransportPolicy`, and TURN servers missing what WebRTC needs. */
export function iceErrors(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>, v: IceValues): IceErrors {
  const out: IceErrors = { servers: {} };
  const rows = filledRows(v);
  const put = (index: number, field: RowField, message: string) => {
    const row = (out.servers[index] ??= {});
    row[field] ??= message;
  };
  for (const issue of issues) {
    const [root, i, field] = issue.path;
    if (root === 'iceTransportPolicy') out.relayOnly ??= issue.message;
    if (root !== 'iceServers' || typeof i !== 'number' || !rows[i]) continue;
    put(rows[i].index, field === 'username' || field === 'credential' ? field : 'urls', issue.message);
  }
  for (const { row, index } of rows) {
    const urls = urlList(row.urls);
    if (urls.length === 0) put(index, 'urls', 'Enter the server’s address, e.g. turn:turn.example.com:3478.');
    if (!isTurn(urls)) continue;
    if (!row.ephemeral && !row.username.trim()) put(index, 'username', 'A TURN server needs a user.');
    if (!row.credential && !keepsSecret(row)) put(index, 'credential', row.ephemeral ? 'Enter the TURN server’s shared secret.' : 'Enter the TURN password.');
  }
  return out;
}

export const hasIceErrors = (e: IceErrors): boolean => Boolean(e.relayOnly) || Object.keys(e.servers).length > 0;

/**
 * STUN/TURN servers and the relay-only switch, for agents behind NATs and firewalls. Passwords
 * and shared secrets are write-only, like the SIP password.
 */
export function IceServerFields({
  values: v,
  onChange,
  errors,
  readOnly,
}: {
  values: IceValues;
  onChange: (next: IceValues) => void;
  errors: IceErrors;
  readOnly: boolean;
}) {
  const id = useId();
  const setRow = (index: number, patch: Partial<IceServerRow>) => onChange({ ...v, servers: v.servers.map((r, i) => (i === index ? { ...r, ...patch } : r)) });
  const add = () => onChange({ ...v, servers: [...v.servers, { key: newKey(), urls: '', username: '', credential: '', ephemeral: false, saved: null }] });
  const remove = (index: number) => onChange({ ...v, servers: v.servers.filter((_, i) => i !== index) });

  return (
    <fieldset className="ice-settings" disabled={readOnly}>
      <legend>NAT and TURN</legend>
      <p className="field-hint">
        Working from home or behind a firewall: a TURN server relays the audio where no direct route works. Your administrator gives you its address and
        credentials.
      </p>
      {v.servers.map((row, index) => {
        const rid = `${id}-${index}`;
        const e = errors.servers[index] ?? {};
        const kept = keepsSecret(row);
        const error = (field: RowField) =>
          e[field] ? (
            <span id={`${rid}-${field}-error`} className="field-error">
              {e[field]}
            </span>
          ) : null;
        const described = (field: RowField, hint = false) =>
          [e[field] ? `${rid}-${field}-error` : null, hint ? `${rid}-${field}-hint` : null].filter(Boolean).join(' ') || undefined;
        return (
          <div className="ice-server" key={row.key} role="group" aria-label={`ICE server ${index + 1}`}>
            <div className="field">
              <label htmlFor={`${rid}-urls`}>STUN/TURN address</label>
              <input
                id={`${rid}-urls`}
                type="text"
                value={row.urls}
                placeholder="e.g. turn:turn.example.com:3478, turns:turn.example.com:5349"
                spellCheck={false}
                autoComplete="off"
                aria-invalid={e.urls ? true : undefined}
                aria-describedby={described('urls')}
                onChange={(ev) => setRow(index, { urls: ev.target.value })}
              />
              {error('urls')}
            </div>
            <label className="field-check">
              <input type="checkbox" checked={row.ephemeral} onChange={(ev) => setRow(index, { ephemeral: ev.target.checked })} />
              Time-limited credentials from a shared secret (TURN REST API)
            </label>
            {row.ephemeral ? null : (
              <div className="field">
                <label htmlFor={`${rid}-username`}>TURN user</label>
                <input
                  id={`${rid}-username`}
                  type="text"
                  value={row.username}
                  spellCheck={false}
                  autoComplete="off"
                  aria-invalid={e.username ? true : undefined}
                  aria-describedby={described('username')}
                  onChange={(ev) => setRow(index, { username: ev.target.value })}
                />
                {error('username')}
              </div>
            )}
            <div className="field">
              <label htmlFor={`${rid}-credential`}>{row.ephemeral ? 'Shared secret' : 'TURN password'}</label>
              <input
                id={`${rid}-credential`}
                type="password"
                autoComplete="off"
                value={readOnly ? '' : row.credential}
                placeholder={readOnly && kept ? '••••••••' : ''}
                aria-invalid={e.credential ? true : undefined}
                aria-describedby={described('credential', true)}
                onChange={(ev) => setRow(index, { credential: ev.target.value })}
              />
              <span id={`${rid}-credential-hint`} className="field-hint">
                {kept
                  ? `A ${row.ephemeral ? 'shared secret' : 'password'} is saved for this server; it is never shown. Type a new one to replace it.`
                  : row.ephemeral
                    ? 'The secret the TURN server is configured with (coturn: static-auth-secret). It stays on this computer; each call gets credentials made from it.'
                    : 'Only for a TURN server; a STUN server needs none.'}
              </span>
              {error('credential')}
            </div>
            {readOnly ? null : (
              <button type="button" className="btn btn-sm" onClick={() => remove(index)}>
                Remove this server
              </button>
            )}
          </div>
        );
      })}
      {readOnly ? null : (
        <button type="button" className="btn btn-sm" onClick={add}>
          Add a STUN or TURN server
        </button>
      )}
      <label className="field-check">
        <input
          type="checkbox"
          checked={v.relayOnly}
          aria-invalid={errors.relayOnly ? true : undefined}
          aria-describedby={`${id}-relay-hint${errors.relayOnly ? ` ${id}-relay-error` : ''}`}
          onChange={(ev) => onChange({ ...v, relayOnly: ev.target.checked })}
        />
        Relay only: send the audio only through the TURN server
      </label>
      <span id={`${id}-relay-hint`} className="field-hint">
        For strict NATs and corporate firewalls. A call that finds no route through the TURN server does not start and says why.
      </span>
      {errors.relayOnly ? (
        <span id={`${id}-relay-error`} className="field-error">
          {errors.relayOnly}
        </span>
      ) : null}
    </fieldset>
  );
}
