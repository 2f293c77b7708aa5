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
  /** The key line under the form, when Enter does something more particular than "submit". */
  hint?: string;
}

/** What a field shows in `w` columns: a window of its value around the cursor (line breaks as ↵). */
function fieldWindow(value: string, cursor: number, w: number): { before: string; at: string; after: string } {
  const shown = value.replace(/\n/g, '↵');
  const c = Math.max(0, Math.min(shown.length, cursor));
  const start = Math.max(0, c - Math.max(1, w - 2));
  const endLimit = start + w - 1;
  let before = shown.slice(start, c);
  if (start > 0) before = `…${before.slice(1)}`;
  const at = shown.slice(c, c + 1);
  let after = shown.slice(c + 1, Math.max(c + 1, endLimit));
  if (endLimit < shown.length) after = `${after.slice(0, -1)}…`;
  return { before, at, after };
}

/**
 * A form: one line per field, the focused one marked with a cursor; the refusal of the last
 * submit shown inline in red. Long values show their end, where the typing happens.
 */
export function FormView({ form, width, children, blocked, hint }: FormViewProps) {
  const labelW = Math.max(...form.fields.map((f) => f.label.length)) + 1;
  const valueW = Math.max(10, width - labelW - 8);
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1} width={Math.max(24, width)}>
      <Text bold>{form.title}</Text>
      {form.detail ? (
        <Text dimColor wrap="wrap">
          {form.detail}
        </Text>
      ) : null}
      {form.fields.map((f, i) => {
        const focused = i === form.focus;
        const v = f.value;
        const win = fieldWindow(v, focused ? (f.cursor ?? v.length) : v.length, valueW);
        const lines = v ? v.split('\n').length : 0;
        return (
          <Text key={f.name} wrap="truncate-end">
            <Text color={focused ? 'cyan' : undefined}>{focused ? '› ' : '  '}</Text>
            <Text dimColor={!focused}>{`${f.label}${f.optional ? '?' : ':'}`.padEnd(labelW + 1)}</Text>
            {win.before ? <Text>{win.before}</Text> : null}
            {focused && win.at ? <Text inverse>{win.at}</Text> : win.at ? <Text>{win.at}</Text> : null}
            {focused && !win.at ? <Text color="cyan">▍</Text> : null}
            {win.after ? <Text>{win.after}</Text> : null}
            {v ? null : <Text dimColor>{cut(f.placeholder ?? '', valueW)}</Text>}
            {lines > 1 ? <Text dimColor>{` (${lines} lines)`}</Text> : null}
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
          {form.errorRepeats ? ` (sent again: same answer, ${form.errorRepeats} tries)` : ''}
        </Text>
      ) : null}
      <Text dimColor wrap="truncate-end">
        {form.busy
          ? 'working…'
          : blocked
            ? 'Tab next/complete · ↑/↓ field · Esc close'
            : (hint ??
              'Enter submit · Alt+Enter new line · ←/→ Ctrl+A/E/W/U/K edit · Tab next/complete · ↑/↓ field · Esc cancel')}
      </Text>
    </Box>
  );
}
