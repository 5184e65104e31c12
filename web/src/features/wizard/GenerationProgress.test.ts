import { render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { i18n } from '../../lib/i18n.svelte';
import GenerationProgress from './GenerationProgress.svelte';
import { progressOf } from './wizard.machine';

afterEach(() => i18n.set('de'));

// What the server sends (internal/domain/generation/job.go), through the
// machine's reading of a PROGRESS event.
const queued = progressOf({ done: 0, total: 0, message: 'Queued: waiting for a free worker', data: { phase: 'queued', unit: 'texts', message: 'Queued: waiting for a free worker' } });
const running = progressOf({ done: 7, total: 19, message: 'Generating 7/19 texts', data: { done: 7, total: 19, unit: 'texts', phase: 'running', message: 'Generating 7/19 texts' } });

describe('GenerationProgress', () => {
  for (const [lang, want] of [
    ['de', { running: 'Generiere 7/19 Texte …', queued: 'Warten auf einen freien Worker …' }],
    ['en', { running: 'Generating 7/19 texts…', queued: 'Queued: waiting for a free worker…' }],
  ] as const) {
    it(`counts texts, once, in the UI's language (${lang})`, () => {
      i18n.set(lang);
      const { container } = render(GenerationProgress, { progress: running });
      expect(screen.getByTestId('gen-label').textContent).toBe(want.running);
      const bar = container.querySelector('progress')!;
      expect([bar.getAttribute('value'), bar.getAttribute('max')]).toEqual(['7', '19']);
      // The server's English line is not shown beside it: one count.
      expect(container.textContent!.match(/7\/19/g)).toHaveLength(1);
    });

    it(`says it waits for a worker while queued, never 0/0 (${lang})`, () => {
      i18n.set(lang);
      const { container } = render(GenerationProgress, { progress: queued });
      expect(screen.getByTestId('gen-label').textContent).toBe(want.queued);
      expect(container.textContent).not.toContain('0/0');
      // An indeterminate bar: no value to read as 0 %.
      expect(container.querySelector('progress')!.hasAttribute('value')).toBe(false);
    });
  }

  it('shows no count before the first one arrives, even without a phase', () => {
    i18n.set('en');
    const { container } = render(GenerationProgress, { progress: { done: 0, total: 0 } });
    expect(container.textContent).not.toContain('0/0');
    expect(screen.getByTestId('gen-label').textContent).toBe('Queued: waiting for a free worker…');
  });
});
