/**
 * An in-memory `AdminRepo` with Appwrite's behaviour where the handlers depend on it: users listed in
 * creation order after a cursor (a cursor naming no user → `null`, as Appwrite's 400), a 409 on a
 * taken email as `null`, 404s as `null`/`false`. Every write is recorded, so a test can say "nothing
 * was written".
 */
import type { AdminRepo, UserListQuery } from '../../../functions/admin/src/admin-repo.ts';
import type { AdminUserView } from '../../../shared/schemas/admin.ts';
import type { JobFields } from '../../../shared/schemas/job.ts';
import type { RegistrationFields } from '../../../shared/schemas/registration.ts';

export interface FakeJob {
  fields: JobFields;
  readerId: string;
}

export class FakeAdminRepo implements AdminRepo {
  readonly users = new Map<string, AdminUserView>();
  readonly passwords = new Map<string, string>();
  readonly jobs = new Map<string, FakeJob>();
  /** Open registrations: issued ids no user has taken yet. */
  readonly registrations = new Map<string, RegistrationFields>();
  /** Job ids whose export execution was started. */
  readonly started: string[] = [];
  /** Every write, as `"method id"`, in order. */
  readonly writes: string[] = [];
  /** When set, starting an execution throws this. */
  startFailure: Error | null = null;
  private jobSeq = 0;

  addUser(userId: string, extra: Partial<AdminUserView> = {}): AdminUserView {
    const labels = extra.labels ?? (extra.admin ? ['admin'] : []);
    const user: AdminUserView = {
      $id: userId,
      $createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, this.users.size)).toISOString(),
      name: userId,
      email: `${userId}@example.com`,
      emailVerification: false,
      status: true,
      ...extra,
      labels,
      admin: labels.includes('admin'),
    };
    this.users.set(userId, user);
    return structuredClone(user);
  }

  async issueRegistration(userId: string, fields: RegistrationFields) {
    this.writes.push(`issueRegistration ${userId}`);
    this.registrations.set(userId, fields);
  }

  async withdrawRegistration(userId: string) {
    this.writes.push(`withdrawRegistration ${userId}`);
    this.registrations.delete(userId);
  }

  async getUser(userId: string) {
    const user = this.users.get(userId);
    return user ? structuredClone(user) : null;
  }

  async listUsers({ search, cursor, limit }: UserListQuery) {
    let all = [...this.users.values()];
    if (cursor !== undefined) {
      const at = all.findIndex((user) => user.$id === cursor);
      if (at < 0) return null;
      all = all.slice(at + 1);
    }
    if (search) {
      const words = search.toLowerCase().split(/\s+/).filter(Boolean);
      all = all.filter((user) =>
        words.some((word) =>
          [user.$id, user.email, user.name].some((field) => field.toLowerCase().includes(word)),
        ),
      );
    }
    return structuredClone(all.slice(0, limit));
  }

  async createUser(input: { userId: string; email: string; password: string; name: string }) {
    this.writes.push(`createUser ${input.userId}`);
    if ([...this.users.values()].some((user) => user.email === input.email)) return null;
    this.passwords.set(input.userId, input.password);
    return this.addUser(input.userId, { email: input.email, name: input.name });
  }

  async setLabels(userId: string, labels: string[]) {
    this.writes.push(`setLabels ${userId} ${labels.join(',')}`);
    const user = this.users.get(userId);
    if (!user) return null;
    user.labels = [...labels];
    user.admin = labels.includes('admin');
    return structuredClone(user);
  }

  async setStatus(userId: string, status: boolean) {
    this.writes.push(`setStatus ${userId} ${status}`);
    const user = this.users.get(userId);
    if (!user) return null;
    user.status = status;
    return structuredClone(user);
  }

  async deleteUser(userId: string) {
    this.writes.push(`deleteUser ${userId}`);
    return this.users.delete(userId);
  }

  async createJob(fields: JobFields, readerId: string) {
    this.jobSeq += 1;
    const jobId = `job-${this.jobSeq}`;
    this.writes.push(`createJob ${jobId}`);
    this.jobs.set(jobId, { fields: structuredClone(fields), readerId });
    return jobId;
  }

  async failJob(jobId: string, error: string) {
    this.writes.push(`failJob ${jobId}`);
    const job = this.jobs.get(jobId);
    if (job) Object.assign(job.fields, { status: 'failed', error });
  }

  async startExport(jobId: string) {
    if (this.startFailure) throw this.startFailure;
    this.writes.push(`startExport ${jobId}`);
    this.started.push(jobId);
  }
}
