// The CRM record address of a lead: lead data is untrusted, so whatever it holds it stays text in
// its place (one path segment, one query value) and the address still goes, by https, to the
// template's own allowed host; what cannot be made is said in words, never thrown.
import { describe, expect, it } from 'vitest';
import { screenPopUrl, type ScreenPopValues } from '../../../electron/core/crm/screen-pop-url';

const pop = { template: 'https://crm.example.com/leads/{externalId}?phone={phone}&campaign={campaign}', allowedHosts: ['crm.example.com'] };
const values: ScreenPopValues = { leadId: 42, externalId: 'L-1001', phone: '+48225550141', campaignId: 3, campaign: 'Home solar', agent: 'anna.k' };

function url(over: Partial<ScreenPopValues>, template = pop.template): URL {
  const r = screenPopUrl({ ...pop, template }, { ...values, ...over });
  if (!r.ok) throw new Error(r.message);
  return new URL(r.url);
}

describe('the CRM record address', () => {
  it('fills every placeholder, percent-encoded', () => {
    expect(screenPopUrl(pop, values)).toEqual({ ok: true, url: 'https://crm.example.com/leads/L-1001?phone=%2B48225550141&campaign=Home%20solar' });
    const all = 'https://crm.example.com/c/{campaignId}/l/{leadId}?by={agent}';
    expect(screenPopUrl({ ...pop, template: all }, values)).toEqual({ ok: true, url: 'https://crm.example.com/c/3/l/42?by=anna.k' });
  });

  it('keeps hostile lead values inside their own place: the host, scheme and path stay the template’s', () => {
    const hostile = [
      '@evil.com',
      '/../',
      '#',
      '?x=',
      'javascript:alert(1)',
      'a/../../admin',
      '\\evil.com',
      '%2e%2e',
      ' evil\r\nHost: x',
      '//evil.com',
      '&phone=1',
    ];
    for (const externalId of hostile) {
      const u = url({ externalId, phone: externalId });
      expect(u.protocol).toBe('https:');
      expect(u.host).toBe('crm.example.com');
      expect(u.username + u.password).toBe('');
      expect(u.hash).toBe('');
      // One segment after /leads/, decoding back to the value itself.
      const [, leads, id, ...more] = u.pathname.split('/');
      expect([leads, more]).toEqual(['leads', []]);
      expect(decodeURIComponent(id!)).toBe(externalId.trim());
      expect([...u.searchParams.keys()]).toEqual(['phone', 'campaign']);
      expect(u.searchParams.get('phone')).toBe(externalId.trim());
    }
  });

  it('refuses a value that a browser would read as . or .. (it would move up the path)', () => {
    const moved = { ok: false, message: "The lead's data would change the path of the CRM record address (a value of . or ..): not opened." };
    for (const externalId of ['.', '..', ' .. ']) expect(screenPopUrl(pop, { ...values, externalId })).toEqual(moved);
    // Two values that make .. only together, and a dot before a literal dot.
    expect(screenPopUrl({ ...pop, template: 'https://crm.example.com/a/{externalId}{phone}/b' }, { ...values, externalId: '.', phone: '.' })).toEqual(moved);
    expect(screenPopUrl({ ...pop, template: 'https://crm.example.com/a/{externalId}./b' }, { ...values, externalId: '.' })).toEqual(moved);
    // Written %2e by the lead, it is a percent sign and text, not a dot.
    expect(url({ externalId: '%2e%2E' }).pathname).toBe('/leads/%252e%252E');
    // The template's own dots are the company's to write.
    expect(url({}, 'https://crm.example.com/a/../leads/{externalId}').pathname).toBe('/leads/L-1001');
    // In the query a dot is only a dot.
    expect(url({ phone: '..' }).searchParams.get('phone')).toBe('..');
  });

  it('takes any letters (Polish ones, emoji, a broken surrogate) as UTF-8', () => {
    const u = url({ externalId: 'Łódź-żółć', campaign: 'Zażółć gęślą jaźń 🌞' });
    expect(u.pathname).toBe('/leads/%C5%81%C3%B3d%C5%BA-%C5%BC%C3%B3%C5%82%C4%87');
    expect(u.searchParams.get('campaign')).toBe('Zażółć gęślą jaźń 🌞');
    expect(url({ campaign: 'half \ud83c' }).searchParams.get('campaign')).toBe('half \ufffd');
  });

  it('refuses, in words, an address past 2048 characters and a placeholder with nothing to fill it', () => {
    expect(screenPopUrl(pop, { ...values, externalId: 'x'.repeat(1900), campaign: 'ł'.repeat(100) })).toEqual({
      ok: false,
      message: expect.stringMatching(/^The CRM record address would be 2\d{3} characters long, more than the 2048 a browser surely takes\.$/),
    });
    expect(screenPopUrl(pop, { ...values, externalId: null })).toEqual({
      ok: false,
      message: 'This lead has no CRM id (its crm_id field is empty), and the CRM record address needs it.',
    });
    expect(screenPopUrl(pop, { ...values, externalId: '   ' })).toMatchObject({ ok: false });
    expect(screenPopUrl(pop, { ...values, phone: null })).toEqual({
      ok: false,
      message: 'This lead has no phone number, and the CRM record address needs it.',
    });
    // A placeholder the template does not use may be empty.
    expect(screenPopUrl({ ...pop, template: 'https://crm.example.com/l/{leadId}' }, { ...values, externalId: null, phone: null })).toEqual({
      ok: true,
      url: 'https://crm.example.com/l/42',
    });
  });

  it('checks the settings again: the host against the allow-list (exactly, lowercase), the template’s shape', () => {
    expect(screenPopUrl({ ...pop, allowedHosts: ['example.com'] }, values)).toEqual({
      ok: false,
      message: 'The CRM record address goes to crm.example.com, which is not in the allowed hosts.',
    });
    expect(screenPopUrl({ ...pop, allowedHosts: ['CRM.EXAMPLE.COM'] }, values)).toMatchObject({ ok: true });
    expect(screenPopUrl({ template: 'https://{campaign}.example.com/', allowedHosts: ['crm.example.com'] }, values)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/host of the CRM record address must be written out/),
    });
    expect(screenPopUrl({ template: 'javascript:alert({leadId})', allowedHosts: ['crm.example.com'] }, values)).toMatchObject({ ok: false });
    expect(screenPopUrl({ template: 'http://crm.example.com/{leadId}', allowedHosts: ['crm.example.com'] }, values)).toMatchObject({ ok: false });
    expect(screenPopUrl({ template: 'https://crm.example.com/{nope}', allowedHosts: ['crm.example.com'] }, values)).toMatchObject({ ok: false });
    // Never throws, whatever it is given.
    expect(screenPopUrl({ template: 42 as unknown as string, allowedHosts: [] }, values)).toMatchObject({ ok: false });
  });
});
