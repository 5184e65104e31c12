import { afterEach, describe, expect, it, vi } from 'vitest';
import { session } from './session.svelte';

function serve(config: Record<string, unknown>) {
  const seen: string[] = [];
  vi.stubGlobal('fetch', async (r: Request) => {
    const url = new URL(r.url);
    seen.push(`${r.method} ${url.pathname}`);
    if (url.pathname === '/api/auth/config') return new Response(JSON.stringify(config), { status: 200, headers: { 'Content-Type': 'application/json' } });
    if (url.pathname === '/api/me') return new Response(JSON.stringify({ id: 1, email: 'a@example.com', role: 'viewer', via: 'session' }), { status: 200, headers: { 'Content-Type': 'application/json' } });
    return new Response(null, { status: 204 });
  });
  return seen;
}

describe('sign-out', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('with Microsoft sign-in, goes on to Entra ID to end its session too', async () => {
    const seen = serve({ mode: 'oidc', oidc_login_path: '/api/auth/oidc/login', oidc_logout_url: 'https://login.microsoftonline.com/t/oauth2/v2.0/logout?post_logout_redirect_uri=x' });
    const left: string[] = [];
    session.leave = (u) => left.push(u);
    await session.load();
    await session.signOut();
    expect(seen).toContain('POST /api/auth/logout');
    expect(session.me).toBeNull();
    expect(left).toEqual(['https://login.microsoftonline.com/t/oauth2/v2.0/logout?post_logout_redirect_uri=x']);
  });

  it('with local accounts, stays on the site', async () => {
    serve({ mode: 'local' });
    const left: string[] = [];
    session.leave = (u) => left.push(u);
    await session.load();
    await session.signOut();
    expect(session.me).toBeNull();
    expect(left).toEqual([]);
  });
});
