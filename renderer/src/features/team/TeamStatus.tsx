import { useRingside } from '../../store/store';
import { useNow } from '../../ui/use-now';
import { whenText } from '../../ui/when-text';
import { formatCount } from '../compliance/compliance-format';

/**
 * The team in the top bar, team mode only: its name and whether its database answers. Kept
 * short (the bar is full at 1366 px); where the database is and who the agent is are in its title.
 */
export function TeamChip() {
  const team = useRingside((s) => s.team);
  if (team.mode !== 'team') return null;
  const down = team.state === 'down';
  const name = team.team ?? 'unnamed';
  const where = team.where ? `Team database ${team.where}` : 'Team database';
  const title = `${where}: ${down ? 'unreachable' : 'connected'}${team.agentId ? ` — you are ${team.agentId} in the team` : ''}`;
  return (
    <div className={down ? 'team-chip is-down' : 'team-chip'} role="status" title={title}>
      <span className="tc-mark" aria-hidden="true">
        {down ? '!' : ''}
      </span>
      <TeamIcon />
      <span className="tc-name">
        <span className="tc-label">Team: </span>
        {name}
      </span>
      {down ? <span className="tc-state">offline</span> : <span className="sr-only">, database connected</span>}
    </div>
  );
}

/** Two people: stands for the word "Team" where the bar has no room for it. */
function TeamIcon() {
  return (
    <svg className="tc-icon" viewBox="0 0 24 24" width={14} height={14} aria-hidden="true" focusable="false">
      <circle cx="8" cy="8" r="3.2" fill="currentColor" />
      <circle cx="16.5" cy="9" r="2.6" fill="currentColor" />
      <path d="M2 20c0-3.6 2.7-6 6-6s6 2.4 6 6z" fill="currentColor" />
      <path d="M13.6 14.6c.9-.6 1.8-.9 2.9-.9 2.9 0 5.5 2.1 5.5 5.3h-6.3" fill="currentColor" />
    </svg>
  );
}

/**
 * Below the top bar while the team database is unreachable: what still works (the call, its
 * disposition, kept here until the database answers) and what does not (a new lead). The
 * problem is main's words about the connection: shown as text.
 */
export function TeamDownBanner() {
  const team = useRingside((s) => s.team);
  const down = team.mode === 'team' && team.state === 'down';
  // "since 14:05" becomes "since 2 Dec 14:05" after midnight.
  const now = useNow(down && team.since !== null, 60_000);
  if (!down) return null;
  const since = team.since === null ? '' : ` since ${whenText(team.since, now)}`;
  const waiting = team.waiting === 0 ? 'nothing waiting yet' : `${formatCount(team.waiting)} waiting`;
  return (
    <div className="team-down-banner" role="alert">
      <span className="cb-icon" aria-hidden="true">
        !
      </span>
      <div className="tdb-text">
        <p className="tdb-main">
          Team database unreachable{since} — finish your call; results are kept on this computer ({waiting}) and no new lead is taken.
        </p>
        {team.problem ? <p className="tdb-detail">{team.problem}</p> : null}
      </div>
    </div>
  );
}
