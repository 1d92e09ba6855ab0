import { describe, expect, it } from 'vitest';
import { AgentStateTransitionError, assertAgentTransition } from '../../../shared/agent-state';
import { assertCallTransition, callStateMachine, CallStateTransitionError } from '../../../shared/call-session';
import { assertRegistrationTransition, RegistrationTransitionError } from '../../../shared/registration-state';
import { defineStateMachine, StateTransitionError, type TransitionTable } from '../../../shared/state-machine';

type Light = 'red' | 'green' | 'amber';
const lightTransitions: TransitionTable<Light> = { red: ['green'], green: ['amber'], amber: ['red'] };

/** What the thrown error was, so fields can be checked. */
function thrown(fn: () => void): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('state machine helper', () => {
  const light = defineStateMachine<Light>('light', lightTransitions);

  it('allows exactly the transitions in the table', () => {
    expect(light.canTransition('red', 'green')).toBe(true);
    expect(light.canTransition('green', 'amber')).toBe(true);
    expect(light.canTransition('red', 'amber')).toBe(false);
    expect(() => light.assertTransition('amber', 'red')).not.toThrow();
  });

  it('throws a StateTransitionError naming the machine, from, to and what was legal', () => {
    const e = thrown(() => light.assertTransition('red', 'amber'));
    expect(e).toBeInstanceOf(StateTransitionError);
    expect(e).toMatchObject({ name: 'StateTransitionError', machine: 'light', from: 'red', to: 'amber', allowed: ['green'] });
    expect((e as Error).message).toBe('Illegal light transition red -> amber (red may go to green)');
  });

  it('says when a state has no way out', () => {
    const oneWay = defineStateMachine<'open' | 'closed'>('door', { open: ['closed'], closed: [] });
    expect(() => oneWay.assertTransition('closed', 'open')).toThrow('Illegal door transition closed -> open (nothing leaves closed)');
  });

  it('rejects same-state moves unless the machine allows them', () => {
    expect(light.canTransition('red', 'red')).toBe(false);
    expect(() => light.assertTransition('red', 'red')).toThrow(StateTransitionError);
    const lenient = defineStateMachine<Light>('light', lightTransitions, { allowSame: true });
    expect(lenient.canTransition('red', 'red')).toBe(true);
    expect(lenient.canTransition('red', 'amber')).toBe(false);
  });

  it('throws the typed error, not a TypeError, for a state missing from the table at run time', () => {
    expect(() => light.assertTransition('blue' as Light, 'red')).toThrow(StateTransitionError);
    expect(() => light.assertTransition('constructor' as Light, 'red')).toThrow(StateTransitionError);
  });

  it('lets a machine throw its own subclass', () => {
    class LightError extends StateTransitionError<Light> {}
    const custom = defineStateMachine<Light>('light', lightTransitions, { error: (from, to) => new LightError('light', from, to) });
    expect(() => custom.assertTransition('red', 'amber')).toThrow(LightError);
  });

  it('does not compile a table that omits a state', () => {
    // @ts-expect-error amber is missing
    const partial: TransitionTable<Light> = { red: ['green'], green: ['amber'] };
    // @ts-expect-error amber is missing
    defineStateMachine<Light>('light', { red: ['green'], green: ['amber'] });
    // @ts-expect-error blue is not a Light
    defineStateMachine<Light>('light', { red: ['blue'], green: ['amber'], amber: ['red'] });
    expect(partial).toBeDefined();
  });
});

describe('the three machines on the helper', () => {
  it('call: typed subclass, same message prefix, no same-state moves', () => {
    const e = thrown(() => assertCallTransition('ended', 'active'));
    expect(e).toBeInstanceOf(CallStateTransitionError);
    expect(e).toBeInstanceOf(StateTransitionError);
    expect(e).toMatchObject({ name: 'CallStateTransitionError', machine: 'call', from: 'ended', to: 'active' });
    expect((e as Error).message).toMatch(/^Illegal call transition ended -> active/);
    expect(() => assertCallTransition('active', 'active')).toThrow(CallStateTransitionError);
    expect(callStateMachine.canTransition('dialing', 'active')).toBe(true);
  });

  it('registration: same-state moves allowed, illegal ones throw RegistrationTransitionError', () => {
    expect(() => assertRegistrationTransition('registering', 'registering')).not.toThrow();
    expect(() => assertRegistrationTransition('unregistered', 'registering')).not.toThrow();
    const e = thrown(() => assertRegistrationTransition('unregistered', 'registered'));
    expect(e).toBeInstanceOf(RegistrationTransitionError);
    expect((e as Error).message).toMatch(/^Illegal registration transition unregistered -> registered/);
    // The constructor keeps its old (from, to) shape for callers that build it themselves.
    expect(new RegistrationTransitionError('failed', 'registered')).toMatchObject({ machine: 'registration', allowed: ['registering', 'unregistered'] });
  });

  it('agent: same-state moves allowed, illegal ones throw AgentStateTransitionError', () => {
    expect(() => assertAgentTransition('paused', 'paused')).not.toThrow();
    expect(() => assertAgentTransition('on-call', 'wrap-up')).not.toThrow();
    const e = thrown(() => assertAgentTransition('offline', 'wrap-up'));
    expect(e).toBeInstanceOf(AgentStateTransitionError);
    expect(e).toMatchObject({ name: 'AgentStateTransitionError', from: 'offline', to: 'wrap-up' });
    expect((e as Error).message).toMatch(/^Illegal agent state transition offline -> wrap-up/);
  });
});
