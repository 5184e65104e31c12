import { render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
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
