import type { StateCreator } from 'zustand';
import type { AccountView } from '../../../../shared/account';
import type { RingsideState } from '../store';

export interface AccountSlice {
  /** The SIP account as main reports it (never the password); null until one is configured. */
  account: AccountView | null;
  setAccount(account: AccountView | null): void;
}

export const createAccountSlice: StateCreator<RingsideState, [], [], AccountSlice> = (set) => ({
  account: null,
  setAccount: (account) => set({ account }),
});
