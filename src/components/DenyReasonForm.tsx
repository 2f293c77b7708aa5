/* @jsxRuntime automatic */
/* @jsxImportSource react */
import { Text } from 'ink';
import type { FormState, RequestView } from '../state/types.js';
import { FormView } from './FormView.js';

/** Props of {@link DenyReasonForm}. */
export interface DenyReasonFormProps {
  form: FormState;
  /** The request being denied (gone when it was answered meanwhile). */
  request: RequestView | undefined;
  width: number;
  /** Why it cannot be sent (the task no longer waits); the line still takes text. */
  blocked?: string | undefined;
}

/** `d`: one line for the reason of a deny, with what is being denied under it. */
export function DenyReasonForm({ form, request, width, blocked }: DenyReasonFormProps) {
  return (
    <FormView form={form} width={width} blocked={blocked}>
      {request ? <Text dimColor wrap="truncate-end">{`Request: ${request.reason}`}</Text> : null}
    </FormView>
  );
}
