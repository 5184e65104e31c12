import { afterEach, describe, expect, it } from 'vitest';
import { i18n } from '../i18n.svelte';
import { ApiError, problemText } from './client';

describe('problemText', () => {
  afterEach(() => i18n.locale = 'de');

  it('leads with the reason in the UI language and keeps the server detail in brackets', () => {
    i18n.locale = 'de';
    expect(problemText({ status: 409, detail: 'a generation job is already running' }, 409)).toBe(
      'Im aktuellen Zustand nicht möglich. (a generation job is already running)',
    );
    expect(new ApiError(403, { detail: 'role viewer may not generate' }).message).toBe('Ihre Rolle erlaubt das nicht. (role viewer may not generate)');
    expect(problemText({}, 503)).toBe('Ein Dienst ist gerade nicht erreichbar: bitte gleich erneut versuchen.');
    i18n.locale = 'en';
    expect(problemText({ title: 'Precondition Failed' }, 412)).toBe('Changed meanwhile by someone else: reload and try again. (Precondition Failed)');
    expect(problemText({ code: 'google_ads_not_connected', detail: 'connect an account first' }, 409)).toBe(
      'Google Ads is not connected yet (Settings → Google Ads). (connect an account first)',
    );
  });

  it('shows a field-level refusal as the server words it, and the status when nothing is said', () => {
    expect(problemText({ detail: 'body.name: too long' }, 422)).toBe('body.name: too long');
    expect(problemText({}, 400)).toBe('HTTP 400');
  });
});
