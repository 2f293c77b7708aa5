/** The Ink views of voice-orch. `App` is the only one the composition root needs. */
export { App, handleKey, type AppProps } from './App.js';
export { StatusBar, type StatusBarProps } from './StatusBar.js';
export { TaskTable, type TaskTableProps } from './TaskTable.js';
export { TranscriptPane, type TranscriptPaneProps } from './TranscriptPane.js';
export { TailView, type TailViewProps } from './TailView.js';
export { ResultCard, type ResultCardProps } from './ResultCard.js';
export { NewTaskForm } from './NewTaskForm.js';
export { FollowUpForm } from './FollowUpForm.js';
export { MessageInput } from './MessageInput.js';
export { ConfirmDialog } from './ConfirmDialog.js';
export { HelpOverlay } from './HelpOverlay.js';
export { Footer } from './Footer.js';
export { Notices } from './Notices.js';
