import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { i18n, t } from '../../lib/i18n.svelte';
import { session } from '../../lib/session.svelte';
import SignIn from './SignIn.svelte';

afterEach(() => {
  session.config = { mode: 'local' };
});

describe('SignIn', () => {
  it('offers Microsoft sign-in in OIDC mode, pointing at the server', () => {
    session.config = { mode: 'oidc', oidc_login_path: '/api/auth/oidc/login' };
    render(SignIn);
    const link = screen.getByRole('link', { name: /Microsoft/ });
    expect(link.getAttribute('href')).toBe('/api/auth/oidc/login');
  });
  it('has no Microsoft button for local accounts; the submit waits for both fields', () => {
    render(SignIn);
    expect(screen.queryByRole('link', { name: /Microsoft/ })).toBeNull();
    expect((screen.getByRole('button') as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('SignIn errors', () => {
  const answer = (status: number, body: unknown) => async () =>
    new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/problem+json' } });
  async function signInWith(fetch: () => Promise<Response>) {
    vi.stubGlobal('fetch', fetch);
    render(SignIn);
    await fireEvent.input(screen.getByLabelText(/E-Mail|Email/), { target: { value: 'a@example.com' } });
    await fireEvent.input(screen.getByLabelText(/Passwort|Password/), { target: { value: 'falsch' } });
    await fireEvent.click(screen.getByRole('button'));
    return (await screen.findByRole('alert')).textContent;
  }
  afterEach(() => vi.unstubAllGlobals());

  it('says in the UI language that the password is wrong, without the server English', async () => {
    i18n.set('de');
    const text = await signInWith(answer(401, { status: 401, title: 'Unauthorized', detail: 'invalid email or password' }));
    expect(text).toBe(t('auth.wrong'));
    expect(text).not.toMatch(/invalid|Unauthorized/);
  });
  it('tells how long to wait after too many attempts', async () => {
    i18n.set('de');
    const text = await signInWith(answer(429, { status: 429, detail: 'too many sign-in attempts', retry_after_seconds: 12 }));
    expect(text).toBe('Zu viele Versuche. Bitte warten Sie 12 Sekunden und versuchen Sie es dann erneut.');
  });
  it('names a lost connection as such', async () => {
    i18n.set('en');
    const text = await signInWith(async () => {
      throw new TypeError('Failed to fetch');
    });
    expect(text).toBe('No connection to the server. Please check your network and try again.');
    i18n.set('de');
  });
});
