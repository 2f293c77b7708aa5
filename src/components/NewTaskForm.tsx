/* @jsxRuntime automatic */
/* @jsxImportSource react */
import { Text } from 'ink';
import { deriveTaskName } from '../commands/task-name.js';
import { permissionModeLines } from '../commands/wording/permission-modes.js';
import type { FormState } from '../state/types.js';
import { cellWidth, cut } from './format.js';
import { FormView } from './FormView.js';

/** Props of {@link NewTaskForm}. */
export interface NewTaskFormProps {
  form: FormState;
  width: number;
  /** Lines available (the permission modes list is cut to fit); absent: no limit. */
  height?: number;
}

/** Lines the form itself takes: border (2), title, the fields, the key hint. */
function baseLines(form: FormState): number {
  return form.fields.length + 4;
}

/**
 * The candidates that fit `width` cells after `label`, with "and N more" when the list is cut.
 * Exported for tests.
 */
export function candidateLine(label: string, names: readonly string[], width: number): string {
  let line = label;
  for (let i = 0; i < names.length; i++) {
    const sep = i === 0 ? '' : '  ';
    const rest = names.length - i - 1;
    const more = rest > 0 ? `  and ${rest} more` : '';
    if (cellWidth(line + sep + names[i] + more) > width) {
      if (i > 0) return `${line}  and ${names.length - i} more`;
      return `${cut(line + names[0], Math.max(1, width - cellWidth(more)))}${more}`;
    }
    line += sep + names[i];
  }
  return line;
}

function ProjectHint({ form, value, width }: { form: FormState; value: string; width: number }) {
  if (form.projects === undefined) return <Text dimColor>projects: loading…</Text>;
  if (value.trim() === '.' && form.startDir) {
    return <Text dimColor wrap="truncate-end">{`. = ${form.startDir} (the folder voice-orch started in)`}</Text>;
  }
  const matches = form.projects.filter((p) => p.startsWith(value));
  if (matches.length === 0) {
    return (
      <Text dimColor wrap="truncate-end">
        no project under the roots starts like that (a path inside a root works too)
      </Text>
    );
  }
  return <Text dimColor>{candidateLine('projects: ', matches, width)}</Text>;
}

function PermissionHint({ value, width, room }: { value: string; width: number; room: number }) {
  const lines = permissionModeLines(value);
  if (lines.length === 0) return <Text dimColor>no such mode; empty = the configured default</Text>;
  const modeW = Math.max(...lines.map((l) => l.mode.length)) + 2;
  const shown = lines.length > room ? lines.slice(0, Math.max(0, room - 1)) : lines;
  return (
    <>
      {shown.map((l) => (
        <Text key={l.mode} dimColor wrap="truncate-end">
          {cut(`${l.mode.padEnd(modeW)}${l.text}`, width)}
        </Text>
      ))}
      {shown.length < lines.length ? (
        <Text dimColor>{`and ${lines.length - shown.length} more (type the first letters)`}</Text>
      ) : null}
    </>
  );
}

function NameHint({ form }: { form: FormState }) {
  const prompt = form.fields.find((f) => f.name === 'prompt')?.value.trim() ?? '';
  return (
    <Text dimColor wrap="truncate-end">
      {prompt ? `empty: named ${deriveTaskName(prompt)} (from the prompt)` : 'empty: a name is made from the prompt'}
    </Text>
  );
}

/**
 * `n`: project first (Tab completes from the folders under the roots, `.` the start folder,
 * `host:` the configured hosts), prompt, an optional name (made from the prompt when empty),
 * then the optional model, permissions (each mode explained in one line), budget, agent, effort,
 * isolation and host.
 */
export function NewTaskForm({ form, width, height }: NewTaskFormProps) {
  const field = form.fields[form.focus];
  // Inside the border and padding.
  const inner = Math.max(10, width - 4);
  const room = height === undefined ? 8 : Math.max(1, height - baseLines(form));
  return (
    <FormView form={form} width={width}>
      {field?.name === 'project' ? <ProjectHint form={form} value={field.value} width={inner} /> : null}
      {field?.name === 'permissionMode' ? <PermissionHint value={field.value} width={inner} room={room} /> : null}
      {field?.name === 'name' && field.value.trim() === '' ? <NameHint form={form} /> : null}
    </FormView>
  );
}
