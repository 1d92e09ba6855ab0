import { describe, expect, it } from 'vitest';
import { mergeScript, mergeSegments, type MergeContext } from '../../../renderer/src/features/workspace/script-merge';

const ctx: MergeContext = {
  lead: { firstName: 'Maria', lastName: 'Kowalska', company: 'Sunny Roofs', city: 'Austin', customFields: { roofType: 'tile', 'roof age': '12' } },
  agent: { name: 'Agent One' },
  campaign: { name: 'Solar leads Q4' },
};

describe('script merge', () => {
  it('fills lead, custom, agent and campaign fields', () => {
    expect(mergeScript('Hi {{lead.firstName}} {{lead.lastName}} of {{lead.company}} in {{lead.city}}, this is {{agent.name}} ({{campaign.name}}).', ctx)).toBe(
      'Hi Maria Kowalska of Sunny Roofs in Austin, this is Agent One (Solar leads Q4).',
    );
    expect(mergeScript('Roof: {{lead.roofType}}, {{ lead.roof age }} years', ctx)).toBe('Roof: tile, 12 years');
  });

  it('shows unknown or empty fields as a visible placeholder', () => {
    expect(mergeScript('Hi {{lead.nickname}} / {{agent.phone}}', ctx)).toBe('Hi «nickname» / «phone»');
    expect(mergeScript('Hi {{lead.firstName}}', { ...ctx, lead: { ...ctx.lead, firstName: '' } })).toBe('Hi «firstName»');
    expect(mergeSegments('{{lead.x}}', ctx)).toEqual([{ kind: 'missing', field: 'lead.x', text: '«x»' }]);
  });

  it('never re-expands values and leaves markup as text', () => {
    const evil = { ...ctx, lead: { ...ctx.lead, firstName: '{{agent.name}}<img src=x onerror=alert(1)>' } };
    expect(mergeScript('Hi {{lead.firstName}}', evil)).toBe('Hi {{agent.name}}<img src=x onerror=alert(1)>');
    expect(mergeScript('no fields, {{ broken', ctx)).toBe('no fields, {{ broken');
  });
});
