import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import Field from './Field.svelte';

describe('Field', () => {
  it('is labelled, shows its problem only once touched, and ties it to the input', async () => {
    render(Field, { id: 'f', label: 'Name', check: { key: 'common.required' } });
    const input = screen.getByLabelText('Name');
    expect(screen.queryByRole('alert')).toBeNull();
    await fireEvent.input(input, { target: { value: '' } });
    const alert = screen.getByRole('alert');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('aria-describedby')).toBe(alert.id);
  });
  it("shows the server's field error at once", () => {
    render(Field, { id: 'g', label: 'URL', serverError: 'must be https' });
    expect(screen.getByRole('alert').textContent).toBe('must be https');
  });
});
