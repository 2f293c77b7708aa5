/* @jsxRuntime automatic */
/* @jsxImportSource react */
import type { FormState } from '../state/types.js';
import { FormView } from './FormView.js';

/** Props of {@link FollowUpForm}. */
export interface FollowUpFormProps {
  form: FormState;
  width: number;
  /** Why it cannot be sent (no task selected); the field still takes text. */
  blocked?: string | undefined;
}

/** `f`: a follow-up prompt for the selected task (the title names it). */
export function FollowUpForm({ form, width, blocked }: FollowUpFormProps) {
  return <FormView form={form} width={width} blocked={blocked} />;
}
