// The settings screens against a stand-in server that keeps tokens, users
// and audit entries the way the API answers them.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Me } from '../../lib/api/client';
import { i18n } from '../../lib/i18n.svelte';
import { session } from '../../lib/session.svelte';
import { toasts } from '../../lib/toast/toasts.svelte';
import Audit from './Audit.svelte';
import Brands from './Brands.svelte';
import { adminCatalogs } from './messages';
import Settings from './Settings.svelte';
import Tokens from './Tokens.svelte';
import Users from './Users.svelte';

type Seen = { method: string; path: string; query: URLSearchParams; body: unknown };

class Server {
  seen: Seen[] = [];
  brands: string[] = ['ReifenDirekt'];
  tokens = [{ id: 1, user_id: 1, name: 'Alt', prefix: 'ih_ab', created_at: '2026-11-01T10:00:00Z', role: undefined as string | undefined, revoked_at: undefined as string | undefined }];
  users = [
    { id: 1, email: 'admin@example.com', name: 'Admin', role: 'admin', disabled: false, local: true, oidc: false, created_at: '2026-11-01T10:00:00Z' },
    { id: 2, email: 'eva@example.com', name: 'Eva', role: 'editor', disabled: false, local: true, oidc: false, created_at: '2026-11-02T10:00:00Z' },
  ];
  fetch = async (input: Request | string | URL, init?: RequestInit): Promise<Response> => {
    const req = input instanceof Request ? input : new Request(new URL(String(input), 'http://localhost'), init);
    const url = new URL(req.url);
    const text = await req.text();
    const body: unknown = text ? JSON.parse(text) : undefined;
    this.seen.push({ method: req.method, path: url.pathname, query: url.searchParams, body });
    const json = (status: number, b?: unknown) => new Response(b === undefined ? null : JSON.stringify(b), { status, headers: { 'Content-Type': 'application/json' } });
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /api/tokens') return json(200, this.tokens);
    if (route === 'POST /api/tokens') {
      const b = body as { name: string; role?: string };
      const tok = { id: this.tokens.length + 1, user_id: 1, name: b.name, prefix: 'ih_new', created_at: '2026-12-01T10:00:00Z', role: b.role, revoked_at: undefined };
      this.tokens = [tok, ...this.tokens];
      return json(201, { ...tok, token: 'ih_new_secret_value' });
    }
    const del = /^DELETE \/api\/tokens\/(\d+)$/.exec(route);
    if (del) {
      this.tokens = this.tokens.map((x) => (x.id === Number(del[1]) ? { ...x, revoked_at: '2026-12-01T11:00:00Z' } : x));
      return json(204);
    }
    if (route === 'GET /api/users') return json(200, this.users);
    const patch = /^PATCH \/api\/users\/(\d+)$/.exec(route);
    if (patch) {
      this.users = this.users.map((u) => (u.id === Number(patch[1]) ? { ...u, ...(body as object) } : u));
      return json(200, this.users.find((u) => u.id === Number(patch[1])));
    }
    if (route === 'GET /api/brand-spellings') return json(200, { account: this.brands, builtin: ['JobRad', 'PayPal'] });
    if (route === 'PUT /api/brand-spellings') {
      const terms = (body as { terms: string[] }).terms;
      const blank = terms.findIndex((x) => !x.trim());
      if (blank >= 0) return new Response(JSON.stringify({ status: 422, detail: 'bad', errors: [{ location: `body.terms[${blank}]`, message: 'is empty' }] }), { status: 422, headers: { 'Content-Type': 'application/problem+json' } });
      this.brands = [...terms].sort();
      return json(200, { account: this.brands, builtin: ['JobRad', 'PayPal'] });
    }
    if (route === 'GET /api/audit') {
      return json(200, { items: [{ id: 9, at: '2026-12-01T09:00:00Z', actor: 'eva@example.com', action: 'update-campaign', entity: 'campaigns', entity_id: '3', status: 200, summary: { name: '<b>Neu</b>' } }] });
    }
    return json(404, { status: 404, detail: route });
  };
}

let server: Server;
beforeEach(() => {
  server = new Server();
  vi.stubGlobal('fetch', server.fetch);
  i18n.set('de');
  session.me = { role: 'admin', via: 'session', user: { id: 1, email: 'admin@example.com', name: 'Admin', role: 'admin' } } as Me;
});
afterEach(() => {
  vi.unstubAllGlobals();
  session.me = null;
  toasts.clear();
});

const de = adminCatalogs.de;

describe('API tokens', () => {
  it('shows a new token once, and revokes only after the question is answered', async () => {
    render(Tokens);
    await screen.findByRole('cell', { name: 'Alt' });
    await fireEvent.input(screen.getByLabelText(/^Name/), { target: { value: 'Reporting-Skript' } });
    await fireEvent.click(screen.getByRole('button', { name: de['tokens.create'] }));
    expect((await screen.findByTestId('new-token-value')).textContent).toBe('ih_new_secret_value');
    expect(server.seen.find((s) => s.method === 'POST')?.body).toEqual({ name: 'Reporting-Skript' });
    const row = (await screen.findByRole('cell', { name: 'Reporting-Skript' })).closest('tr')!;
    await fireEvent.click(within(row).getByRole('button', { name: /Widerrufen/ }));
    // Asked first: nothing is sent until the dialog's button is pressed.
    expect(server.seen.some((s) => s.method === 'DELETE')).toBe(false);
    const dialog = row.querySelector('dialog')!;
    expect(dialog.textContent).toContain('Reporting-Skript');
    await fireEvent.click(within(dialog).getByRole('button', { name: de['tokens.revoke'] }));
    await waitFor(() => expect(server.seen.some((s) => s.method === 'DELETE' && s.path === '/api/tokens/2')).toBe(true));
    await waitFor(() => expect(screen.queryByTestId('new-token')).toBeNull());
  });
});

describe('Users', () => {
  it('changes a role, never one\'s own, and words it in German', async () => {
    render(Users);
    const eva = await screen.findByLabelText('Rolle: eva@example.com');
    expect((screen.getByLabelText('Rolle: admin@example.com') as HTMLSelectElement).disabled).toBe(true);
    await fireEvent.change(eva, { target: { value: 'publisher' } });
    await waitFor(() => expect(toasts.items.map((x) => [x.kind, x.text])).toContainEqual(['success', 'Die Rolle von eva@example.com ist jetzt Veröffentlicher.']));
    expect(server.seen.find((s) => s.method === 'PATCH')).toMatchObject({ path: '/api/users/2', body: { role: 'publisher' } });
  });
});

describe('Audit log', () => {
  it('sends the filters as the API takes them and shows details as text', async () => {
    render(Audit);
    await screen.findByText('update-campaign');
    expect(screen.getByText('{"name":"<b>Neu</b>"}')).toBeTruthy();
    await fireEvent.input(screen.getByLabelText(de['audit.action']), { target: { value: 'update-campaign' } });
    await fireEvent.input(screen.getByLabelText(de['audit.since']), { target: { value: '2026-12-01' } });
    await fireEvent.click(screen.getByRole('button', { name: de['audit.filter'] }));
    await waitFor(() => expect(server.seen.filter((s) => s.path === '/api/audit')).toHaveLength(2));
    const q = server.seen.filter((s) => s.path === '/api/audit')[1]!.query;
    expect(q.get('action')).toBe('update-campaign');
    expect(new Date(q.get('since')!).getTime()).toBe(new Date('2026-12-01T00:00:00').getTime());
  });
});

describe('Brand spellings', () => {
  it('saves one spelling per line and shows the built-in ones', async () => {
    render(Brands);
    // Read-only until the stored list is in: it would overwrite what was typed.
    const box = screen.getByLabelText(de['brands.label']) as HTMLTextAreaElement;
    expect(box.readOnly).toBe(true);
    await waitFor(() => expect(box.value).toBe('ReifenDirekt'));
    await waitFor(() => expect(box.readOnly).toBe(false));
    expect(screen.getByText('JobRad, PayPal')).toBeTruthy();
    await fireEvent.input(box, { target: { value: 'ReifenDirekt\nAutoPlus, Zubehör\n' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Speichern' }));
    await waitFor(() => expect(toasts.items.map((x) => [x.kind, x.text])).toContainEqual(['success', '2 Schreibweisen gespeichert.']));
    expect(server.seen.find((s) => s.method === 'PUT')?.body).toEqual({ terms: ['ReifenDirekt', 'AutoPlus, Zubehör'] });
  });
});

describe('Settings', () => {
  it('offers users and the audit log to administrators only', async () => {
    const { unmount } = render(Settings, { section: 'tokens' });
    expect(screen.getAllByRole('link').map((a) => a.textContent)).toEqual([de['settings.tokens'], de['settings.brands'], de['settings.users'], de['settings.audit']]);
    unmount();
    session.me = { role: 'editor', via: 'session', user: { id: 2, email: 'eva@example.com', name: 'Eva', role: 'editor' } } as Me;
    render(Settings, { section: 'users' });
    expect(screen.getAllByRole('link').map((a) => a.textContent)).toEqual([de['settings.tokens'], de['settings.brands']]);
    // An editor asking for the users screen gets the tokens.
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe(`${de['settings.title']}: ${de['settings.tokens']}`);
  });
});
