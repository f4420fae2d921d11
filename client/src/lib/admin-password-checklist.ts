import { Limits } from '#shared/limits.ts';
import { Password } from '#shared/schemas/common.ts';

/**
 * The password policy as a checklist a form ticks off while someone types, read from the shared
 * `Password` schema itself (each rule reports its own issue), so the list cannot promise less or more
 * than the server enforces.
 */
const RULES = [
  { code: 'too_small', label: `At least ${Limits.password.min} characters` },
  { code: 'password_uppercase', label: 'An upper-case letter' },
  { code: 'password_lowercase', label: 'A lower-case letter' },
  { code: 'password_digit', label: 'A digit' },
  { code: 'too_big', label: `At most ${Limits.password.max} characters` },
] as const;

export interface PasswordRule {
  code: (typeof RULES)[number]['code'];
  label: string;
  met: boolean;
}

/** Each rule of the policy and whether `password` meets it. */
export function passwordChecklist(password: string): PasswordRule[] {
  const result = Password.safeParse(password);
  const failed = new Set<string>();
  if (!result.success) {
    for (const issue of result.error.issues) {
      const code =
        issue.code === 'custom' && typeof issue.params?.code === 'string'
          ? issue.params.code
          : issue.code;
      failed.add(code);
    }
  }
  return RULES.map((rule) => ({ ...rule, met: !failed.has(rule.code) }));
}
