// The toast store and its stack: plain text, which kinds leave by
// themselves, the action, closing by button and Escape, the live regions.
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { i18n } from '../i18n.svelte';
import Toaster from './Toaster.svelte';
import { defaultTimeout, maxToasts, plainText, Toasts } from './toasts.svelte';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('plainText', () => {
  it('gives a problem document or an error as its message, never JSON', () => {
    expect(plainText('{"title":"Conflict","status":409,"detail":"the campaign changed"}')).toBe('the campaign changed');
    expect(plainText({ title: 'Forbidden' })).toBe('Forbidden');
    expect(plainText(new Error('{"message":"kaputt"}'))).toBe('kaputt');
    expect(plainText('  Gespeichert. ')).toBe('Gespeichert.');
    expect(plainText('{not json')).toBe('{not json');
    expect(plainText(null)).toBe('');
  });
});

describe('Toasts', () => {
  it('lets success and info leave after their time; errors stay until closed', () => {
    const s = new Toasts();
    s.success('Gespeichert.');
    s.info('Kopiert.', { timeout: 1000 });
    const err = s.error('Speichern fehlgeschlagen.');
    vi.advanceTimersByTime(1000);
    expect(s.items.map((x) => x.text)).toEqual(['Gespeichert.', 'Speichern fehlgeschlagen.']);
    vi.advanceTimersByTime(defaultTimeout);
    expect(s.items.map((x) => x.text)).toEqual(['Speichern fehlgeschlagen.']);
    vi.advanceTimersByTime(10 * defaultTimeout);
    expect(s.items).toHaveLength(1);
    s.dismiss(err);
    expect(s.items).toHaveLength(0);
  });

  it('holds a toast while it is read and gives it the time it had left', () => {
    const s = new Toasts();
    const id = s.success('Gespeichert.', { timeout: 1000 });
    vi.advanceTimersByTime(600);
    s.hold(id);
    vi.advanceTimersByTime(5000);
    expect(s.items).toHaveLength(1);
    s.resume(id);
    vi.advanceTimersByTime(399);
    expect(s.items).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(s.items).toHaveLength(0);
  });

  it('runs an action once and closes the toast; keeps at most a few, the oldest leaving', async () => {
    const s = new Toasts();
    const run = vi.fn();
    const id = s.success('2 Texte geändert.', { action: { label: 'Rückgängig', run } });
    await s.act(id);
    await s.act(id);
    expect(run).toHaveBeenCalledTimes(1);
    expect(s.items).toHaveLength(0);
    for (let i = 0; i <= maxToasts; i++) s.error(`Fehler ${i}`);
    expect(s.items.map((x) => x.text)).toEqual(Array.from({ length: maxToasts }, (_, i) => `Fehler ${i + 1}`));
  });
});

describe('Toaster', () => {
  it('announces success politely and errors assertively, as text, with buttons to act and close', async () => {
    i18n.set('de');
    const s = new Toasts();
    render(Toaster, { store: s });
    const undo = vi.fn();
    s.success('2 Texte geändert.', { action: { label: 'Rückgängig', run: undo } });
    s.error('{"detail":"Google Ads ist nicht verbunden"}');
    await vi.advanceTimersByTimeAsync(0);
    expect(screen.getByTestId('toast-polite').getAttribute('aria-live')).toBe('polite');
    expect(screen.getByTestId('toast-polite').textContent).toBe('2 Texte geändert.');
    expect(screen.getByTestId('toast-assertive').getAttribute('aria-live')).toBe('assertive');
    expect(screen.getByTestId('toast-assertive').textContent).toBe('Google Ads ist nicht verbunden');
    expect(screen.queryByRole('alert')).toBeNull();
    const region = screen.getByRole('region', { name: 'Benachrichtigungen' });
    const [ok, bad] = within(region).getAllByTestId('toast');
    expect(ok!.getAttribute('data-kind')).toBe('success');
    expect(bad!.textContent).toContain('Google Ads ist nicht verbunden');
    expect(bad!.innerHTML).not.toContain('{');

    await fireEvent.click(within(ok!).getByRole('button', { name: 'Rückgängig' }));
    expect(undo).toHaveBeenCalledTimes(1);
    const close = within(bad!).getByRole('button', { name: 'Benachrichtigung schließen' });
    await fireEvent.keyDown(close, { key: 'Escape' });
    expect(s.items).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(screen.queryAllByTestId('toast')).toHaveLength(0);
  });

  it('keeps a toast while focus is on it, and closes it by its button', async () => {
    i18n.set('en');
    const s = new Toasts();
    render(Toaster, { store: s });
    s.info('Copied 3 texts.', { timeout: 1000 });
    await vi.advanceTimersByTimeAsync(0);
    const close = screen.getByRole('button', { name: 'Close notification' });
    await fireEvent.focusIn(close);
    await vi.advanceTimersByTimeAsync(5000);
    expect(screen.getAllByTestId('toast')).toHaveLength(1);
    await fireEvent.click(close);
    expect(s.items).toHaveLength(0);
  });
});
