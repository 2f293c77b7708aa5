/* @jsxRuntime automatic */
/* @jsxImportSource react */
import { Text } from 'ink';
import type { ConnectionState } from '../session/types.js';
import type { FormState } from '../state/types.js';
import { FormView } from './FormView.js';

/** Props of {@link MessageInput}. */
export interface MessageInputProps {
  form: FormState;
  connection: ConnectionState;
  width: number;
  /** Why it cannot be sent ("voice is off: no OPENAI_API_KEY"); the line still takes text. */
  blocked?: string | undefined;
}

/**
 * `:`: a typed message to the assistant. It opens even when voice is off, so what is typed after
 * `:` lands here instead of running as keys; it then says why nothing is sent.
 */
export function MessageInput({ form, connection, width, blocked }: MessageInputProps) {
  const warning =
    !blocked && connection.kind !== 'ready' && connection.kind !== 'disabled'
      ? 'Not connected right now: the message goes out when the session is back.'
      : undefined;
  return (
    <FormView form={form} width={width} blocked={blocked}>
      {warning ? <Text color="yellow">{warning}</Text> : null}
    </FormView>
  );
}
