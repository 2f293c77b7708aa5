/* @jsxRuntime automatic */
/* @jsxImportSource react */
import { Text } from 'ink';
import type { FormState } from '../state/types.js';
import { FormView } from './FormView.js';

/** Props of {@link NewTaskForm}. */
export interface NewTaskFormProps {
  form: FormState;
  width: number;
}

/** `n`: name, project (Tab completes from the project list), prompt, optional model, permissions and budget. */
export function NewTaskForm({ form, width }: NewTaskFormProps) {
  const field = form.fields[form.focus];
  const matches =
    field?.name === 'project' && form.projects
      ? form.projects.filter((p) => p.startsWith(field.value)).slice(0, 8)
      : [];
  return (
    <FormView form={form} width={width}>
      {field?.name === 'project' ? (
        <Text dimColor wrap="truncate-end">
          {form.projects === undefined
            ? 'projects: loading…'
            : matches.length
              ? `projects: ${matches.join('  ')}`
              : 'no project under the roots starts like that (a path inside a root works too)'}
        </Text>
      ) : null}
    </FormView>
  );
}
