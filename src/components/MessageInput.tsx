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
}

/** `:`: a typed message to the assistant; says so when voice is off or not connected. */
export function MessageInput({ form, connection, width }: MessageInputProps) {
  const warning =
    connection.kind === 'disabled'
      ? `Voice is off (${connection.reason}): nobody will read this.`
      : connection.kind !== 'ready'
        ? 'Not connected right now: the message goes out when the session is back.'
        : undefined;
  return (
    <FormView form={form} width={width}>
      {warning ? <Text color="yellow">{warning}</Text> : null}
    </FormView>
  );
}
