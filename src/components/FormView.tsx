/* @jsxRuntime automatic */
/* @jsxImportSource react */
import type { ReactNode } from 'react';
import { Box, Text } from 'ink';
import type { FormState } from '../state/types.js';
import { cut } from './format.js';

/** Props of {@link FormView}. */
export interface FormViewProps {
  form: FormState;
  width: number;
  /** Extra lines under the fields (completion candidates, warnings). */
  children?: ReactNode;
  /** Why the form cannot be sent right now; typing still works and Enter keeps the text. */
  blocked?: string | undefined;
}

/**
 * A form: one line per field, the focused one marked with a cursor; the refusal of the last
 * submit shown inline in red. Long values show their end, where the typing happens.
 */
export function FormView({ form, width, children, blocked }: FormViewProps) {
  const labelW = Math.max(...form.fields.map((f) => f.label.length)) + 1;
  const valueW = Math.max(10, width - labelW - 8);
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1} width={Math.max(24, width)}>
      <Text bold>{form.title}</Text>
      {form.fields.map((f, i) => {
        const focused = i === form.focus;
        const v = f.value.length > valueW ? `…${f.value.slice(f.value.length - valueW + 1)}` : f.value;
        return (
          <Text key={f.name} wrap="truncate-end">
            <Text color={focused ? 'cyan' : undefined}>{focused ? '› ' : '  '}</Text>
            <Text dimColor={!focused}>{`${f.label}${f.optional ? '?' : ':'}`.padEnd(labelW + 1)}</Text>
            {v ? <Text>{v}</Text> : null}
            {focused ? <Text color="cyan">▍</Text> : null}
            {v ? null : <Text dimColor>{cut(f.placeholder ?? '', valueW)}</Text>}
          </Text>
        );
      })}
      {blocked ? (
        <Text color="yellow" wrap="wrap">
          {`Cannot send now: ${blocked}. What you type stays here; Enter sends nothing.`}
        </Text>
      ) : null}
      {children}
      {form.error ? (
        <Text color="red" wrap="wrap">
          {form.error}
        </Text>
      ) : null}
      <Text dimColor wrap="truncate-end">
        {form.busy
          ? 'working…'
          : blocked
            ? 'Tab next/complete · ↑/↓ field · Esc close'
            : 'Enter submit · Tab next/complete · ↑/↓ field · Esc cancel'}
      </Text>
    </Box>
  );
}
