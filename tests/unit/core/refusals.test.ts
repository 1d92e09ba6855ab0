/** Inputs the fuzz found answered as internal errors: each is now refused in words. */
import { describe, expect, it } from 'vitest';
import { createCore } from '../../../electron/core/app/create-core';
import { MemoryAccountStore } from '../../../electron/core/sip/account-store';
import { accountSchema } from '../../../shared/account';
import { tempStore } from '../../support/temp-store';
import { campaignInput } from '../data/store-fixtures';

describe('refused in words, not internal errors', () => {
  it('an address with a % that is not an escape is refused by the account schema (it would be saved, then stop every start)', () => {
    const r = accountSchema.safeParse({ server: 'wss://pbx.example.com/ws', aor: 'sip:%E0@pbx.example.com', password: 'x' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/% that is not a valid escape/);
    expect(accountSchema.safeParse({ server: 'wss://pbx.example.com/ws', aor: 'sip:jan%20k@pbx.example.com', password: 'x' }).success).toBe(true);
  });

  it('saving a campaign under an id that does not exist is not-found', async () => {
    const core = createCore({ ...tempStore(), accounts: new MemoryAccountStore(), log: { info: () => {}, warn: () => {} } });
    await core.start();
    const conn = core.connect({ send: () => undefined });
    const r = await conn.handle('campaign:save', { ...campaignInput('Gone'), id: 999_999 });
    expect(r).toMatchObject({ ok: false, code: 'not-found' });
    conn.close();
    await core.stop();
  });
});
