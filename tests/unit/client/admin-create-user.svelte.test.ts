import { describe, expect, it, vi } from 'vitest';
import type { AdminUserView } from '#shared/schemas/admin.ts';
import { CreateUserForm } from '../../../client/src/lib/admin-create-user.svelte.ts';
import { ApiError } from '../../../client/src/lib/api-error.ts';

const created: AdminUserView = {
  $id: 'u9',
  $createdAt: '2026-11-01T10:00:00.000+00:00',
  name: 'Grace',
  email: 'grace@example.com',
  emailVerification: false,
  status: true,
  admin: true,
  labels: ['admin'],
};

function fill(form: CreateUserForm) {
  form.email = ' Grace@Example.com ';
  form.password = 'Agora-demo-1';
  form.name = 'Grace';
  form.admin = true;
}

describe('CreateUserForm: the shared AdminUserCreate schema first', () => {
  it('reports every bad field and sends nothing', async () => {
    const create = vi.fn();
    const form = new CreateUserForm(create);
    form.email = 'not-an-email';
    form.password = 'short';
    expect(await form.submit()).toBeNull();
    expect(Object.keys(form.fields).sort()).toEqual(['email', 'name', 'password']);
    expect(create).not.toHaveBeenCalled();
  });

  it('sends the parsed input (email trimmed and lower-cased) and clears the form', async () => {
    const create = vi.fn(async () => created);
    const form = new CreateUserForm(create);
    fill(form);
    expect(await form.submit()).toEqual(created);
    expect(create).toHaveBeenCalledWith({
      email: 'grace@example.com',
      password: 'Agora-demo-1',
      name: 'Grace',
      admin: true,
    });
    expect(form.email).toBe('');
    expect(form.admin).toBe(false);
  });

  it('an email already taken lands on the Email field', async () => {
    const form = new CreateUserForm(
      vi.fn(async () => {
        throw new ApiError('user_already_exists', 'exists', 409);
      }),
    );
    fill(form);
    expect(await form.submit()).toBeNull();
    expect(form.fields.email?.code).toBe('user_already_exists');
    expect(form.email).toBe(' Grace@Example.com ');
  });

  it('the live checklist follows the password', () => {
    const form = new CreateUserForm(vi.fn());
    form.password = 'abcdefgh';
    const unmet = form.checklist.filter((rule) => !rule.met).map((rule) => rule.code);
    expect(unmet).toEqual(['password_uppercase', 'password_digit']);
  });
});
