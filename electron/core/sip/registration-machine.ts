/** Holds the registration view and enforces the legal transitions from shared/. */
import { assertRegistrationTransition, type RegistrationState, type RegistrationView } from '../../../shared/registration-state.js';

export class RegistrationMachine {
  private view: RegistrationView;

  constructor(
    aor: string | null,
    private readonly onChange: (view: RegistrationView) => void,
  ) {
    this.view = { state: 'unregistered', aor, error: null, retryAt: null, attempt: 0, connected: false };
  }

  get current(): RegistrationView {
    return this.view;
  }

  get state(): RegistrationState {
    return this.view.state;
  }

  /** Moves to `to`, throwing on an illegal transition; same-state updates just patch fields. */
  transition(to: RegistrationState, patch: Partial<Omit<RegistrationView, 'state'>> = {}): void {
    assertRegistrationTransition(this.view.state, to);
    this.view = { ...this.view, ...patch, state: to };
    this.onChange(this.view);
  }

  patch(patch: Partial<Omit<RegistrationView, 'state'>>): void {
    this.view = { ...this.view, ...patch };
    this.onChange(this.view);
  }
}
