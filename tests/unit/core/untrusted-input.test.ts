/**
 * The one reader of what SIP peers send: hostile header values, URIs and bodies come back as
 * null or a failed result, never as an exception, and never as a looser reading of the same text.
 */
import { describe, expect, it } from 'vitest';
import {
  aorKey,
  aorKeyOf,
  headerText,
  mediaType,
  parseJsonBody,
  parseNameAddr,
  parseNameAddrList,
  parseParamList,
  parseUri,
  percentDecode,
} from '../../../electron/core/sip/untrusted-input.js';
import { normaliseAor, sameIdentity } from '../../../electron/core/supervision/team-auth.js';

/** Inputs a hostile peer might send; every reader must return (not throw) for each. */
const HOSTILE: unknown[] = [
  '<sip:%E0@pbx>',
  'sip:%E0%A4%A@pbx',
  'sip:%@pbx',
  'sip:%zz@pbx',
  'sip:%00@pbx',
  'sip:a%0d%0aVia: evil@pbx',
  '<<sip:a@b>>',
  '<sip:a@b',
  'sip:a@b>',
  '"unterminated <sip:a@b>',
  '"a\\" <sip:a@b>',
  'sip:a@b@c',
  'sip:a@',
  'sip:@b',
  'sip:',
  'tel:',
  'tel:;verstat=TN-Validation-Passed',
  'sip:a@b:99999',
  'sip:a@b:-1',
  'sip:a@-b-',
  'sip:a@b;;',
  'sip:a@b;=x',
  'sip:a@b;x=1;x=2',
  'sip:a@b\u0000',
  '\u0000',
  'sip:żółw@pbx',
  'sip:a@b\u202e',
  'sip:a@[::1',
  '<sip:a@b>;tag=',
  '<sip:a@b> junk',
  '"\ud800" <sip:a@b>',
  `sip:${'a'.repeat(10_000)}@b`,
  `<sip:a@b>${';p=1'.repeat(100)}`,
  Array.from({ length: 50 }, (_, i) => `<sip:u${i}@h>`).join(','),
  '<'.repeat(10_000),
  '"'.repeat(10_001),
  '%'.repeat(5000),
  'javascript:alert(1)',
  'http://evil.example/',
  '__proto__',
  'constructor',
  '',
  ' ',
  undefined,
  null,
  42,
  {},
  ['sip:a@b'],
];

describe('untrusted SIP input: hostile values never throw', () => {
  it('every reader returns for every hostile value', () => {
    for (const v of HOSTILE) {
      expect(
        () => {
          headerText(v);
          parseUri(v);
          parseNameAddr(v);
          parseNameAddrList(v);
          aorKeyOf(v);
          mediaType(v);
          parseParamList(v);
          parseJsonBody(v, 1000);
          if (typeof v === 'string') {
            percentDecode(v);
            normaliseAor(v);
            sameIdentity(v, v);
          }
        },
        String(v).slice(0, 40),
      ).not.toThrow();
    }
  });

  it('and reads none of the malformed ones as an identity', () => {
    for (const v of HOSTILE.slice(0, 36)) expect(aorKeyOf(v), String(v).slice(0, 40)).toBeNull();
  });
});

describe('percent-decoding', () => {
  it('decodes escapes, refuses malformed ones, invalid UTF-8 and decoded control characters', () => {
    expect(percentDecode('a%20b')).toBe('a b');
    expect(percentDecode('%C5%BC')).toBe('ż');
    expect(percentDecode('plain')).toBe('plain');
    for (const bad of ['%E0', '%E0%A4%A', '%', '%2', '%zz', '%00', '%0A', 'a\u0000b', '%ED%A0%80']) expect(percentDecode(bad), bad).toBeNull();
  });
});

describe('URIs', () => {
  it('reads sip:, sips: and tel: with user, host, port and parameters', () => {
    expect(parseUri('sip:Agent1@Example.COM:5060;transport=ws;lr')).toMatchObject({
      scheme: 'sip',
      user: 'Agent1',
      host: 'example.com',
      port: 5060,
      params: new Map([
        ['transport', 'ws'],
        ['lr', null],
      ]),
    });
    expect(parseUri('sips:pbx.example.com')).toMatchObject({ scheme: 'sips', user: null, host: 'pbx.example.com' });
    expect(parseUri('sip:+12125550100;verstat=TN-Validation-Passed@pbx;user=phone')).toMatchObject({
      user: '+12125550100',
      userParams: new Map([['verstat', 'TN-Validation-Passed']]),
      params: new Map([['user', 'phone']]),
    });
    expect(parseUri('tel:+1-212-555-0100;verstat=TN-Validation-Passed')).toMatchObject({ scheme: 'tel', user: '+1-212-555-0100', host: null });
    expect(parseUri('sip:a:password@h')?.user).toBe('a');
    expect(parseUri('sip:a@[2001:db8::1]:5061')).toMatchObject({ host: '[2001:db8::1]', port: 5061 });
    expect(parseUri('sip:a@h?subject=x')?.host).toBe('h');
  });

  it('refuses other schemes, spaces, non-ASCII and oversized URIs', () => {
    for (const bad of ['http://a@b', 'mailto:a@b', 'sip:a b@c', 'sip:ä@b', `sip:a@${'b'.repeat(2000)}`, 'tel:+1<2>', 'tel:xyz;x', 'sip:a@b;x='])
      expect(parseUri(bad), bad).toBeNull();
  });

  it('keeps parameters in a Map: a peer naming one __proto__ reaches no prototype', () => {
    const uri = parseUri('sip:a@b;__proto__=x;constructor=y');
    expect(uri?.params.get('__proto__')).toBe('x');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('name-addrs and lists', () => {
  it('reads display names (quoted, escaped, unicode), the URI and header parameters', () => {
    expect(parseNameAddr('"Boss \\"B\\" Ż" <sip:b@h>;tag=abc')).toMatchObject({ display: 'Boss "B" Ż', uri: { user: 'b' }, params: new Map([['tag', 'abc']]) });
    expect(parseNameAddr('Boss Man <sip:b@h>')?.display).toBe('Boss Man');
    expect(parseNameAddr('"a<b>, c" <sip:b@h>')?.display).toBe('a<b>, c');
    // addr-spec: parameters after the host are the header's.
    expect(parseNameAddr('sip:b@h;tag=1')).toMatchObject({ uri: { params: new Map() }, params: new Map([['tag', '1']]) });
  });

  it('splits lists outside quotes and brackets, up to a limit', () => {
    expect(parseNameAddrList('"a, b" <sip:a@x>, <tel:+123>')?.map((e) => e.uri.scheme)).toEqual(['sip', 'tel']);
    expect(parseNameAddrList('<sip:a@x>, <sip:b@x>, <sip:c@x>', 2)).toBeNull();
    expect(parseNameAddrList('<sip:a@x>,')).toBeNull();
    expect(parseNameAddrList('<sip:a@x>, <sip:%E0@x>')).toBeNull();
  });

  it('one canonical key per identity: case, port, parameters and escapes do not matter; a decoded @ cannot forge another', () => {
    const key = 'sip:agent1@example.com';
    for (const spelling of [
      'sip:Agent1@Example.com:5060;transport=ws',
      '<sip:agent1@example.com>',
      '"X" <sips:agent%31@EXAMPLE.com>;tag=1',
      'sip:agent1:pw@example.com',
    ])
      expect(aorKeyOf(spelling), spelling).toBe(key);
    expect(aorKeyOf('sip:agent1%40evil@example.com')).toBe('sip:agent1%40evil@example.com');
    expect(aorKeyOf('sip:agent1%40evil@example.com')).not.toBe(aorKeyOf('sip:agent1@evil'));
    expect(aorKey(parseUri('tel:+123'))).toBeNull();
    expect(aorKeyOf('sip:pbx.example.com')).toBeNull();
    expect(sameIdentity('sip:%E0@pbx', 'sip:%E0@pbx')).toBe(false);
    expect(normaliseAor('sip:%E0@pbx')).toMatch(/^unreadable:/);
  });
});

describe('header values', () => {
  it('bounds length and refuses control characters', () => {
    expect(headerText('  abc  ')).toBe('abc');
    expect(headerText('a\tb')).toBe('a\tb');
    expect(headerText('a'.repeat(3000))).toBeNull();
    expect(headerText('a\u0000b')).toBeNull();
    expect(headerText('a\r\nVia: x')).toBeNull();
    expect(headerText(undefined)).toBeNull();
  });

  it('media types: lower-cased type/subtype, parameters dropped, junk refused', () => {
    expect(mediaType('Application/Vnd.Ringside.Agent-State+JSON; charset=UTF-8')).toBe('application/vnd.ringside.agent-state+json');
    for (const bad of ['', 'text', 'text/', '/x', 'text/plain\u0000', 'a/b/c', `text/${'x'.repeat(600)}`]) expect(mediaType(bad), bad).toBeNull();
  });

  it('parameter lists: quoted values, no repeats, no junk', () => {
    expect(parseParamList('ts=1; sig=ab; q="a;b"')).toEqual(
      new Map([
        ['ts', '1'],
        ['sig', 'ab'],
        ['q', 'a;b'],
      ]),
    );
    for (const bad of ['ts=1;ts=2', 'ts=1;', '=1', 'ts=a b', 'q="open', 'x'.repeat(600)]) expect(parseParamList(bad), bad).toBeNull();
  });
});

describe('JSON bodies', () => {
  it('parses within the size limit', () => {
    expect(parseJsonBody('{"a":[1,{"b":null}]}', 100)).toEqual({ ok: true, value: { a: [1, { b: null }] } });
  });

  it('refuses oversized, broken and prototype-keyed bodies with a reason', () => {
    expect(parseJsonBody('x'.repeat(101), 100)).toEqual({ ok: false, why: 'body over 100 characters' });
    expect(parseJsonBody('{"a":', 100)).toEqual({ ok: false, why: 'body is not JSON' });
    expect(parseJsonBody('\u0000', 100)).toEqual({ ok: false, why: 'body is not JSON' });
    for (const key of ['__proto__', 'constructor', 'prototype'])
      expect(parseJsonBody(`{"a":{"${key}":{"polluted":1}}}`, 100)).toEqual({ ok: false, why: 'body has a prototype key' });
    expect(parseJsonBody('[{"__proto__":1}]', 100).ok).toBe(false);
    expect(parseJsonBody(undefined, 100)).toEqual({ ok: false, why: 'no body' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('deep nesting is answered, not a stack overflow', () => {
    const deep = '['.repeat(50_000) + ']'.repeat(50_000);
    expect(() => parseJsonBody(deep, 200_000)).not.toThrow();
  });
});
