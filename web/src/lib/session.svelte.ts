// The signed-in user. The server decides every request; the role here only
// hides controls the role may not use.
import { api, ApiError, setUnauthorizedHandler, unwrap, type Me, type Role } from './api/client';
import { atLeast } from './roles';

export interface AuthConfig {
  mode: 'local' | 'oidc';
  oidc_login_path?: string;
}

class Session {
  me = $state.raw<Me | null>(null);
  config = $state.raw<AuthConfig>({ mode: 'local' });
  loaded = $state(false);
  role = $derived<Role | null>(this.me?.role ?? null);

  can(min: Role): boolean {
    return atLeast(this.role, min);
  }

  async load(): Promise<void> {
    try {
      this.config = await unwrap(api.GET('/api/auth/config'));
      this.me = await unwrap(api.GET('/api/me'));
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
  }
}

export const session = new Session();
setUnauthorizedHandler(() => {
  session.me = null;
});
