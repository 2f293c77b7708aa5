// Fills the new-task form (`n`) the way a user types it: the project first, then the prompt, then
// the optional name, and sends it. One place for the form's field order in end-to-end tests.
import type { TmuxSession } from './tmux-session.js';

export async function startTaskByForm(s: TmuxSession, project: string, prompt: string, name: string): Promise<void> {
  s.keys('n');
  await s.waitFor(/New task/);
  s.literal(project);
  s.keys('Tab');
  s.literal(prompt);
  s.keys('Tab');
  s.literal(name);
  s.keys('Enter');
}
