/* @jsxRuntime automatic */
/* @jsxImportSource react */
import type { FormState } from '../state/types.js';
import { FormView } from './FormView.js';

/** Props of {@link FollowUpForm}. */
export interface FollowUpFormProps {
  form: FormState;
  width: number;
}

/** `f`: a follow-up prompt for the selected task (the title names it). */
export function FollowUpForm({ form, width }: FollowUpFormProps) {
  return <FormView form={form} width={width} />;
}
