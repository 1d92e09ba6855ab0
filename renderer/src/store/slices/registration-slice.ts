import type { StateCreator } from 'zustand';
import type { RegistrationView } from '../../../../shared/registration-state';
import type { RingsideState } from '../store';

/** What the UI shows before main has told us anything. */
export const initialRegistration: RegistrationView = {
  state: 'unregistered',
  aor: null,
  error: null,
  retryAt: null,
  attempt: 0,
  connected: false,
};

export interface RegistrationSlice {
  registration: RegistrationView;
  setRegistration(registration: RegistrationView): void;
}

export const createRegistrationSlice: StateCreator<RingsideState, [], [], RegistrationSlice> = (set) => ({
  registration: initialRegistration,
  setRegistration: (registration) => set({ registration }),
});
