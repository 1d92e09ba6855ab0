/**
 * The one way Ringside writes a state machine: states are a string union, the legal
 * transitions are a table written next to that union, and an illegal transition throws a
 * {@link StateTransitionError}. An illegal transition is a bug in our code, not a user error,
 * so it throws instead of returning a result.
 */

/**
 * Every state's legal next states. A mapped type over the whole union, so a table that
 * forgets a state does not compile: adding a state forces a decision about where it may go.
 */
export type TransitionTable<S extends string> = { readonly [K in S]: readonly S[] };

/** Thrown on an illegal transition; names the machine so a log line says which one broke. */
export class StateTransitionError<S extends string = string> extends Error {
  constructor(
    /** Human name of the machine, e.g. "call" or "registration". */
    readonly machine: string,
    readonly from: S,
    readonly to: S,
    /** The states `from` may go to, so the message shows what would have been legal. */
    readonly allowed: readonly S[] = [],
  ) {
    super(`Illegal ${machine} transition ${from} -> ${to} (${allowed.length ? `${from} may go to ${allowed.join(', ')}` : `nothing leaves ${from}`})`);
    this.name = 'StateTransitionError';
  }
}

export interface StateMachineOptions<S extends string> {
  /**
   * Whether moving to the state you are already in is allowed. Machines whose owners re-enter
   * a state to patch fields (registration, agent) set this; a call must never re-enter a state.
   */
  allowSame?: boolean;
  /** Builds the error, so a machine can throw its own subclass that existing callers catch. */
  error?: (from: S, to: S) => StateTransitionError<S>;
}

export interface StateMachine<S extends string> {
  readonly name: string;
  readonly transitions: TransitionTable<S>;
  canTransition(from: S, to: S): boolean;
  /** Throws a {@link StateTransitionError} when `from -> to` is not in the table. */
  assertTransition(from: S, to: S): void;
}

/**
 * Pass the state union explicitly (`defineStateMachine<CallState>(...)`) or a table already
 * typed as a {@link TransitionTable}; inferring the union from the table would let a missing
 * state slip through.
 */
export function defineStateMachine<S extends string>(name: string, transitions: TransitionTable<S>, options: StateMachineOptions<S> = {}): StateMachine<S> {
  const makeError = options.error ?? ((from: S, to: S) => new StateTransitionError<S>(name, from, to, legalFrom(transitions, from)));
  const canTransition = (from: S, to: S): boolean => (options.allowSame === true && from === to) || legalFrom(transitions, from).includes(to);
  return {
    name,
    transitions,
    canTransition,
    assertTransition(from, to) {
      if (!canTransition(from, to)) throw makeError(from, to);
    },
  };
}

/**
 * The states `from` may go to. A state that is not in the table (a bad value that got past
 * the types) has none, so it throws the typed error rather than a TypeError; `hasOwn` keeps
 * names like "constructor" from reaching Object.prototype.
 */
export function legalFrom<S extends string>(transitions: TransitionTable<S>, from: S): readonly S[] {
  return Object.hasOwn(transitions, from) ? transitions[from] : [];
}
