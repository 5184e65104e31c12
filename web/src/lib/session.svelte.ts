// The signed-in user. The server decides every request; the role here only
// hides controls the role may not use.
import { api, ApiError, setUnauthorizedHandler, unwrap, type Me, type Role } from './api/client';
import { atLeast } from './roles';

export interface AuthConfig {
  mode: 'local' | 'oidc';
  oidc_login_path?: string;
  /** Entra ID's end-session endpoint: signing out there too ends the Microsoft session. */
  oidc_logout_url?: string;
}

class Session {
  me = $state.raw<Me | null>(null);
  config = $state.raw<AuthConfig>({ mode: 'local' });
  loaded = $state(false);
  role = $derived<Role | null>(this.me?.role ?? null);
  /** Where the browser goes to leave the site (replaced in tests). */
  leave: (url: string) => void = (url) => location.assign(url);

  can(min: Role): boolean {
    return atLeast(this.role, min);
  }

  async load(): Promise<void> {
    // Both reads at once: the first screen waits for the slower, not the sum.
    const config = unwrap(api.GET('/api/auth/config'));
    const me = unwrap(api.GET('/api/me'));
    me.catch(() => {}); // awaited below, unless the configuration failed first
    try {
      this.config = await config;
      this.me = await me;
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) throw e;
      this.me = null;
    } finally {
      this.loaded = true;
    }
  }

  async signIn(email: string, password: string): Promise<void> {
    await unwrap(api.POST('/api/auth/login', { body: { email, password } }));
    this.me = await unwrap(api.GET('/api/me'));
  }

  async signOut(): Promise<void> {
    try {
      await unwrap(api.POST('/api/auth/logout'));
    } finally {
      this.me = null;
    }
    // With Microsoft sign-in the browser goes on to Entra ID, which ends its
    // own session and sends the browser back to this site.
    if (this.config.mode === 'oidc' && this.config.oidc_logout_url) this.leave(this.config.oidc_logout_url);
  }
}

export const session = new Session();
setUnauthorizedHandler(() => {
  session.me = null;
});
