// Short messages about what just happened ("3 texts changed", "Saved",
// "Publishing failed"), shown in one stack at the edge of the screen and
// announced to screen readers. Success and info leave by themselves after a
// while (held while the pointer or focus is on them); errors stay until
// closed. A toast may carry one action, such as "Undo".

export type ToastKind = 'success' | 'info' | 'error';

export interface ToastAction {
  label: string;
  run: () => void | Promise<void>;
}

export interface Toast {
  id: number;
  kind: ToastKind;
  /** Plain text, as shown and announced. */
  text: string;
  action?: ToastAction;
}

export interface ToastOptions {
  action?: ToastAction;
  /** How long a success or info toast stays, in ms. Errors always stay. */
  timeout?: number;
}

/** How long success and info toasts stay unless told. */
export const defaultTimeout = 6000;
/** At most this many toasts are shown; the oldest leaves for a new one. */
export const maxToasts = 4;

/**
 * What a toast says, as plain text: a problem document or an error gives its
 * message, never JSON; markup is not interpreted anyway (text, not HTML).
 */
export function plainText(value: unknown): string {
  if (typeof value === 'string') {
    const s = value.trim();
    if (/^[{[]/.test(s)) {
      try {
        return plainText(JSON.parse(s));
      } catch {
        return s;
      }
    }
    return s;
  }
  if (value instanceof Error) return plainText(value.message);
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    for (const k of ['detail', 'title', 'message']) if (typeof o[k] === 'string' && o[k]) return plainText(o[k]);
  }
  return value == null ? '' : String(value);
}

type Timer = ReturnType<typeof setTimeout>;

export class Toasts {
  items = $state<Toast[]>([]);
  #next = 1;
  #timers = new Map<number, { timer: Timer | null; left: number; started: number }>();

  show(kind: ToastKind, text: unknown, opts: ToastOptions = {}): number {
    const id = this.#next++;
    const toast: Toast = { id, kind, text: plainText(text), ...(opts.action ? { action: opts.action } : {}) };
    this.items = [...this.items, toast];
    while (this.items.length > maxToasts) this.dismiss(this.items[0]!.id);
    if (kind !== 'error') {
      this.#timers.set(id, { timer: null, left: opts.timeout ?? defaultTimeout, started: 0 });
      this.resume(id);
    }
    return id;
  }

  success(text: unknown, opts?: ToastOptions): number {
    return this.show('success', text, opts);
  }

  info(text: unknown, opts?: ToastOptions): number {
    return this.show('info', text, opts);
  }

  error(text: unknown, opts?: ToastOptions): number {
    return this.show('error', text, opts);
  }

  dismiss(id: number): void {
    const t = this.#timers.get(id);
    if (t?.timer) clearTimeout(t.timer);
    this.#timers.delete(id);
    this.items = this.items.filter((x) => x.id !== id);
  }

  /** Stops a toast's clock while the person reads or reaches it. */
  hold(id: number): void {
    const t = this.#timers.get(id);
    if (!t?.timer) return;
    clearTimeout(t.timer);
    t.timer = null;
    t.left = Math.max(0, t.left - (Date.now() - t.started));
  }

  /** Starts a held toast's clock again with the time it had left. */
  resume(id: number): void {
    const t = this.#timers.get(id);
    if (!t || t.timer) return;
    t.started = Date.now();
    t.timer = setTimeout(() => this.dismiss(id), t.left);
  }

  /** Runs a toast's action once and closes it. */
  async act(id: number): Promise<void> {
    const toast = this.items.find((x) => x.id === id);
    if (!toast?.action) return;
    this.dismiss(id);
    await toast.action.run();
  }

  clear(): void {
    for (const t of this.items) this.dismiss(t.id);
  }
}

/** The application's toasts, shown by the Toaster in App.svelte. */
export const toasts = new Toasts();
