import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import BriefForm from './BriefForm.svelte';
import type { Brief } from '../../lib/api/client';

describe('BriefForm', () => {
  it('sends one selling point per line, commas and all', async () => {
    const sent: Brief[] = [];
    const brief = { product: 'Winterreifen', landing_page: 'https://www.reifen-mueller.example/', language: 'de', selling_points: [] } as unknown as Brief;
    const { container } = render(BriefForm, { brief, busy: false, error: null, onnext: (b: Brief) => sent.push(b) });
    const selling = container.querySelector<HTMLTextAreaElement>('#brief-selling')!;
    await fireEvent.input(selling, { target: { value: 'Reifen von Pirelli, Continental und Michelin\nMontage in 30 Minuten, ohne Termin' } });
    const keywords = container.querySelector<HTMLTextAreaElement>('#brief-keywords')!;
    await fireEvent.input(keywords, { target: { value: 'winterreifen 205/55 r16\nreifen, günstig' } });
    await fireEvent.submit(container.querySelector('form')!);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.selling_points).toEqual(['Reifen von Pirelli, Continental und Michelin', 'Montage in 30 Minuten, ohne Termin']);
    expect(sent[0]!.keywords).toEqual(['winterreifen 205/55 r16', 'reifen, günstig']);
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
