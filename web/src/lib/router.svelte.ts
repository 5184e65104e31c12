// A small history router: the Go server answers index.html for every client
// path, so deep links and reloads land on the right screen.

export type Route =
  | { name: 'campaigns' }
  | { name: 'campaign'; id: number }
  | { name: 'wizard'; id: number }
  | { name: 'publish'; id: number }
  | { name: 'bulk'; id: number }
  | { name: 'campaignReport'; id: number }
  | { name: 'assetReport'; id: number }
  | { name: 'assets'; id: number | null }
  | { name: 'jobs' }
  | { name: 'settings'; section: 'tokens' | 'brands' | 'users' | 'audit' }
  | { name: 'notFound' };

export function match(path: string): Route {
  const parts = path.split('/').filter(Boolean);
  const id = (s: string | undefined) => (s && /^\d+$/.test(s) ? Number(s) : NaN);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'campaigns')) return { name: 'campaigns' };
  if (parts[0] === 'campaigns' && parts.length === 2 && !isNaN(id(parts[1]))) return { name: 'campaign', id: id(parts[1]) };
  if (parts[0] === 'campaigns' && parts.length === 3 && parts[2] === 'wizard' && !isNaN(id(parts[1])))
    return { name: 'wizard', id: id(parts[1]) };
  if (parts[0] === 'campaigns' && parts.length === 3 && parts[2] === 'publish' && !isNaN(id(parts[1])))
    return { name: 'publish', id: id(parts[1]) };
  if (parts[0] === 'campaigns' && parts.length === 3 && parts[2] === 'texts' && !isNaN(id(parts[1]))) return { name: 'bulk', id: id(parts[1]) };
  if (parts[0] === 'campaigns' && parts.length === 3 && parts[2] === 'report' && !isNaN(id(parts[1])))
    return { name: 'campaignReport', id: id(parts[1]) };
  if (parts[0] === 'assets' && parts.length === 3 && parts[2] === 'report' && !isNaN(id(parts[1]))) return { name: 'assetReport', id: id(parts[1]) };
  if (parts[0] === 'assets' && parts.length === 1) return { name: 'assets', id: null };
  if (parts[0] === 'assets' && parts.length === 2 && !isNaN(id(parts[1]))) return { name: 'assets', id: id(parts[1]) };
  if (parts[0] === 'jobs' && parts.length === 1) return { name: 'jobs' };
  if (parts[0] === 'settings' && parts.length === 1) return { name: 'settings', section: 'tokens' };
  if (parts[0] === 'settings' && parts.length === 2 && (parts[1] === 'tokens' || parts[1] === 'brands' || parts[1] === 'users' || parts[1] === 'audit'))
    return { name: 'settings', section: parts[1] };
  return { name: 'notFound' };
}

class Router {
  path = $state(location.pathname);
  search = $state(location.search);
  hash = $state(location.hash);
  route = $derived(match(this.path));

  constructor() {
    addEventListener('popstate', () => this.sync());
  }

  private sync(): void {
    this.path = location.pathname;
    this.search = location.search;
    this.hash = location.hash;
  }

  /** A query parameter of the current address (?job=12 → param('job') = "12"). */
  param(name: string): string | null {
    return new URLSearchParams(this.search).get(name);
  }

  navigate(to: string, replace = false): void {
    if (replace) history.replaceState(null, '', to);
    else history.pushState(null, '', to);
    this.sync();
    if (!location.hash) scrollTo(0, 0);
  }

  /** Same-origin link clicks stay in the app; modified clicks open normally. */
  intercept = (e: MouseEvent): void => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = (e.target as Element | null)?.closest?.('a');
    if (!a || a.target || a.hasAttribute('download') || a.origin !== location.origin) return;
    if (a.pathname.startsWith('/api/') || a.pathname === '/docs') return;
    e.preventDefault();
    this.navigate(a.pathname + a.search + a.hash);
  };
}

export const router = new Router();
