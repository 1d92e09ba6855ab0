// The screen pop's settings: a CRM record address made only of known placeholders after a host
// that is written out and allowed, https only (http to this computer), said in words when not.
import { describe, expect, it } from 'vitest';
import { accountSchema } from '../../../shared/account';
import { canonicalHost, crmScreenPopSchema, readScreenPopTemplate } from '../../../shared/crm';

const messages = (input: unknown): string[] => {
  const r = crmScreenPopSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

const base = { template: 'https://crm.example.com/leads/{externalId}?phone={phone}', allowedHosts: ['crm.example.com'] };

describe('screen pop settings', () => {
  it('take a template of known placeholders whose host is allowed; open defaults to an answered inbound call', () => {
    expect(crmScreenPopSchema.parse(base)).toEqual({ ...base, open: 'inbound-answered' });
    const all = 'https://crm.example.com/c/{campaignId}/{campaign}/l/{leadId}?ext={externalId}&phone={phone}&by={agent}#top';
    expect(messages({ ...base, template: all, open: 'button' })).toEqual([]);
    // Host names are compared lowercase, whatever case they were typed in.
    expect(crmScreenPopSchema.parse({ template: 'https://CRM.Example.com/{leadId}', allowedHosts: [' CRM.example.COM '] }).allowedHosts).toEqual([
      'crm.example.com',
    ]);
    // http only to this computer, like the webhook address.
    expect(messages({ template: 'http://localhost:8080/lead/{leadId}', allowedHosts: ['localhost'] })).toEqual([]);
    expect(messages({ template: 'http://127.0.0.1/lead/{leadId}', allowedHosts: ['127.0.0.1'] })).toEqual([]);
    expect(messages({ template: 'http://[::1]:3000/lead/{leadId}', allowedHosts: ['[::1]'] })).toEqual([]);
  });

  it('name an unknown placeholder, and the ones there are', () => {
    expect(messages({ ...base, template: 'https://crm.example.com/leads/{id}?x={email}' })).toEqual([
      'template: The CRM record address has {id}, {email}, which Ringside does not know: the placeholders are {leadId}, {externalId}, {phone}, {campaignId}, {campaign}, {agent}',
    ]);
    expect(messages({ ...base, template: 'https://crm.example.com/leads/{leadId' })[0]).toMatch(/a \{ or \} that is not part of a placeholder/);
    expect(messages({ ...base, template: 'https://crm.example.com/leads/{}' })[0]).toMatch(/has \{\}, which Ringside does not know/);
  });

  it('refuse a template whose host is not allowed, in one sentence under the allowed hosts', () => {
    expect(messages({ ...base, allowedHosts: ['crm.example.org'] })).toEqual([
      'allowedHosts: The CRM record address goes to crm.example.com, which is not in the allowed hosts',
    ]);
    // Exact names: a parent domain does not allow its subdomains, nor the other way round.
    expect(messages({ ...base, allowedHosts: ['example.com'] })).toHaveLength(1);
    expect(messages({ ...base, template: 'https://eu.crm.example.com/{leadId}' })).toHaveLength(1);
    expect(messages({ ...base, allowedHosts: [] })).toEqual(['allowedHosts: List the host the CRM record address goes to among the allowed hosts']);
  });

  it('refuse a host made of placeholders, other schemes, plain http elsewhere, a user or password', () => {
    const template = (t: string) => messages({ ...base, template: t }).join(' | ');
    expect(template('https://{campaign}.example.com/leads')).toMatch(/host of the CRM record address must be written out/);
    expect(template('https://crm.example.com{leadId}')).toMatch(/host of the CRM record address must be written out/);
    expect(template('https://crm.example.com:{leadId}/')).toMatch(/host of the CRM record address must be written out/);
    // A browser reads \ after the host as /: what follows is the path.
    expect(template('https://crm.example.com\\{leadId}')).toBe('');
    expect(template('{phone}://crm.example.com/')).toMatch(/must start with https:\/\//);
    expect(template('javascript:alert(1)//{leadId}')).toMatch(/must start with https:\/\//);
    expect(template('ftp://crm.example.com/{leadId}')).toMatch(/must start with https:\/\//);
    expect(template('http://crm.example.com/{leadId}')).toMatch(/must be an https:\/\/ address \(http:\/\/ only to this computer\)/);
    expect(template('https://agent:pw@crm.example.com/{leadId}')).toMatch(/without a user or password/);
    expect(template('https://')).toMatch(/not a web address/);
    expect(template('')).toMatch(/Enter the CRM record address/);
  });

  it('want bare host names in the allow-list, and say how to write the others', () => {
    const hosts = (h: string) => messages({ ...base, allowedHosts: ['crm.example.com', h] }).join(' | ');
    expect(hosts('https://crm.example.com')).toMatch(/a host name such as crm.example.com, without https:\/\/, a path or a port/);
    expect(hosts('crm.example.com/leads')).toMatch(/without https:\/\/, a path or a port/);
    expect(hosts('crm.example.com:443')).toMatch(/without https:\/\/, a path or a port/);
    expect(hosts('')).toMatch(/not an empty line/);
    expect(hosts('łódź.example.pl')).toBe('allowedHosts.1: Write the allowed host łódź.example.pl as xn--d-uga0v4h.example.pl');
    expect(canonicalHost('xn--d-uga0v4h.example.pl')).toBe('xn--d-uga0v4h.example.pl');
    expect(canonicalHost('evil.com@crm.example.com')).toBeNull();
    expect(readScreenPopTemplate('https://łódź.example.pl/{leadId}')).toEqual({ ok: true, host: 'xn--d-uga0v4h.example.pl' });
  });

  it('are part of the account, optional, beside CRM sync', () => {
    const account = { server: 'wss://pbx.example.com/ws', aor: 'sip:anna@pbx.example.com', password: 'pw' };
    expect(accountSchema.parse(account).screenPop).toBeUndefined();
    expect(accountSchema.parse({ ...account, screenPop: base }).screenPop).toEqual({ ...base, open: 'inbound-answered' });
    const bad = accountSchema.safeParse({ ...account, screenPop: { ...base, allowedHosts: ['crm.example.org'] } });
    expect(bad.success ? [] : bad.error.issues.map((i) => i.path.join('.'))).toEqual(['screenPop.allowedHosts']);
  });
});
