/** The SIP account and its registration. */
import { z } from 'zod';
import { accountSchema, type AccountView } from '../account.js';
import type { RegistrationView } from '../registration-state.js';
import { empty } from './common.js';
import { event, request } from './define.js';
import type { Invoke, Subscribe } from './transport.js';

export const accountRequests = {
  'account:get': request<AccountView | null>()(empty),
  'account:save': request<AccountView>()(accountSchema.strict()),
  'sip:register': request<RegistrationView>()(empty),
  'sip:unregister': request<RegistrationView>()(empty),
  /** The page saw the network come back, go away, or the computer wake: test the SIP link now. */
  'sip:check-link': request<null>()(z.object({ why: z.enum(['online', 'offline', 'wake']) }).strict()),
} as const;

export const accountEvents = {
  'registration:changed': event<RegistrationView>(),
  'account:changed': event<AccountView | null>(),
} as const;

export const accountApi = (invoke: Invoke, subscribe: Subscribe) => ({
  get: () => invoke('account:get', {}),
  save: (account: z.input<typeof accountSchema>) => invoke('account:save', account),
  onChanged: (l: (a: AccountView | null) => void) => subscribe('account:changed', l),
});

export const sipApi = (invoke: Invoke, subscribe: Subscribe) => ({
  register: () => invoke('sip:register', {}),
  unregister: () => invoke('sip:unregister', {}),
  checkLink: (why: 'online' | 'offline' | 'wake') => invoke('sip:check-link', { why }),
  onRegistrationChanged: (l: (r: RegistrationView) => void) => subscribe('registration:changed', l),
});
