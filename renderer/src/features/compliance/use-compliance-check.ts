import { useEffect, useRef, useState } from 'react';
import type { ComplianceDecision } from '../../../../shared/compliance';
import { useApi } from '../../ui/api-context';
import { alertOnFailure } from '../../ui/use-request';

export interface CheckAnswer {
  target: string;
  decision: ComplianceDecision | null;
  /** Why main gave no decision (the request itself failed). A target it cannot read is a blocked decision, not an error. */
  error: string | null;
}

/**
 * What the dial gate would decide for a typed target, asked `delayMs` after the agent stops
 * typing. Answers for an older target (a slow reply overtaken by typing) are dropped, so the
 * answer returned is always for `target` itself, or null while it is being asked.
 */
export function useComplianceCheck(target: string | null, delayMs = 250): CheckAnswer | null {
  const api = useApi();
  const [answer, setAnswer] = useState<CheckAnswer | null>(null);
  const latest = useRef(0);
  useEffect(() => {
    const mine = ++latest.current;
    if (!target) return;
    const timer = setTimeout(() => {
      alertOnFailure(
        api.compliance.check({ target }).then((r) => {
          if (mine !== latest.current) return;
          setAnswer(r.ok ? { target, decision: r.value, error: null } : { target, decision: null, error: r.message });
        }),
        'Compliance check',
      );
    }, delayMs);
    return () => clearTimeout(timer);
  }, [api, target, delayMs]);
  return answer && answer.target === target ? answer : null;
}
