/* @jsxRuntime automatic */
/* @jsxImportSource react */
import type { FormState } from '../state/types.js';
import { FormView } from './FormView.js';

/** Props of {@link CommitMessageForm}. */
export interface CommitMessageFormProps {
  form: FormState;
  width: number;
  /** Why it cannot commit now (the task started again, its worktree is gone); the line still takes text. */
  blocked?: string | undefined;
}

/** `C`: where the commit goes, and its message to edit (commands/commit-message-form.ts). */
export function CommitMessageForm({ form, width, blocked }: CommitMessageFormProps) {
  return (
    <FormView
      form={form}
      width={width}
      blocked={blocked}
      hint="Enter commit · ←/→ Ctrl+A/E/W/U/K edit · Esc cancel (nothing is committed)"
    />
  );
}
