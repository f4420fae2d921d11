import { type FieldErrors, fieldsFromIssues } from '#shared/errors.ts';
import { FunctionId, Route } from '#shared/functions.ts';
import { AdminUserCreate, type AdminUserView } from '#shared/schemas/admin.ts';
import { toApiError } from './api-error.ts';
import { callFunction } from './call-function.ts';
import { passwordChecklist } from './forms.ts';

/**
 * The admin's "create a user" form: checked with the shared `AdminUserCreate` schema before any
 * request (field errors under their inputs), the password policy as a live checklist, and the
 * server's answer mapped back onto the fields (an email already taken lands on Email).
 *
 *   const form = new CreateUserForm();   bind:value={form.email} …   const user = await form.submit();
 */
export class CreateUserForm {
  email = $state('');
  password = $state('');
  name = $state('');
  admin = $state(false);
  fields = $state.raw<FieldErrors>({});
  /** A failure that belongs to no field, in words. */
  formError = $state<string | null>(null);
  busy = $state(false);

  readonly #create: (input: AdminUserCreate) => Promise<AdminUserView>;

  constructor(
    create: (input: AdminUserCreate) => Promise<AdminUserView> = (input) =>
      callFunction<AdminUserView>(FunctionId.admin, Route.admin.createUser, {}, input),
  ) {
    this.#create = create;
  }

  get checklist() {
    return passwordChecklist(this.password);
  }

  /** Validates, then creates; returns the new user, or `null` when something needs fixing. */
  async submit(): Promise<AdminUserView | null> {
    this.formError = null;
    const parsed = AdminUserCreate.safeParse({
      email: this.email,
      password: this.password,
      name: this.name,
      admin: this.admin,
    });
    if (!parsed.success) {
      this.fields = fieldsFromIssues(parsed.error.issues);
      return null;
    }
    this.fields = {};
    this.busy = true;
    try {
      const user = await this.#create(parsed.data);
      this.reset();
      return user;
    } catch (error) {
      const apiError = toApiError(error);
      if (Object.keys(apiError.fields).length > 0) this.fields = apiError.fields;
      else if (apiError.type === 'user_already_exists' || apiError.status === 409) {
        this.fields = {
          email: { code: 'user_already_exists', message: 'A user with this email already exists.' },
        };
      } else throw apiError;
      return null;
    } finally {
      this.busy = false;
    }
  }

  reset(): void {
    this.email = '';
    this.password = '';
    this.name = '';
    this.admin = false;
    this.fields = {};
    this.formError = null;
  }
}
