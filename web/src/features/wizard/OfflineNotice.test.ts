// The wizard says when the copy came from the offline writer, and how to
// connect a language model, in German and English.
import { render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { i18n } from '../../lib/i18n.svelte';
import OfflineNotice from './OfflineNotice.svelte';
import { Board } from './tiles.svelte';

const locale = i18n.locale;
afterEach(() => {
  i18n.locale = locale;
});

describe('offline writer notice', () => {
  it('the board knows from the stream that the offline writer wrote the copy', () => {
    const board = new Board();
    board.arrived({ text: 'Winterreifen', slot: 'headlines[0]', source: 'llm', seq: 1 });
    expect(board.offline).toBe(false);
    board.arrived({ text: 'Reifen Kramer', slot: 'headlines[1]', source: 'offline', seq: 2 });
    expect(board.offline).toBe(true);
    // Arrivals are cleared after the job; what wrote the copy is still known.
    board.arrivals = [];
    expect(board.offline).toBe(true);
  });

  it('says so and names the settings that connect a model, in English', () => {
    i18n.locale = 'en';
    render(OfflineNotice);
    const note = screen.getByRole('note');
    expect(note.textContent).toContain('offline writer');
    expect(note.textContent).toContain('only the facts of your brief');
    for (const v of ['IMAPHUB_LLM_BASE_URL', 'IMAPHUB_LLM_API_KEY', 'IMAPHUB_LLM_MODEL']) expect(note.textContent).toContain(v);
  });

  it('and in German', () => {
    i18n.locale = 'de';
    render(OfflineNotice);
    const note = screen.getByRole('note');
    expect(note.textContent).toContain('Offline-Texter');
    expect(note.textContent).toContain('kein Sprachmodell');
    expect(note.textContent).toContain('IMAPHUB_LLM_MODEL');
  });
});
