/* @jsxRuntime automatic */
/* @jsxImportSource react */
import { Box, Text } from 'ink';
import type { Notice } from '../state/types.js';
import { noticeStyle } from './notice-style.js';

/** Props of {@link NoticeLog}. */
export interface NoticeLogProps {
  notices: readonly Notice[];
  /** Lines available. */
  height: number;
}

/** "14:03:27" in local time. */
function clock(at: number | undefined): string {
  if (at === undefined) return '        ';
  const d = new Date(at);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((x) => String(x).padStart(2, '0')).join(':');
}

/** The notice log (`N`): the kept notices, newest first, each marked and coloured by kind. */
export function NoticeLog({ notices, height }: NoticeLogProps) {
  const room = Math.max(1, height - 1);
  const newest = notices.slice().reverse();
  const shown = newest.slice(0, newest.length > room ? room - 1 : room);
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        {`Notices (${notices.length}, newest first) `}
        <Text dimColor>N or Esc closes</Text>
      </Text>
      {notices.length === 0 ? <Text dimColor>No notices yet.</Text> : null}
      {shown.map((n) => {
        const st = noticeStyle(n);
        return (
          <Text key={n.id} wrap="truncate-end">
            <Text dimColor>{clock(n.at)} </Text>
            <Text color={st.color}>{`${st.mark} ${n.text}`}</Text>
          </Text>
        );
      })}
      {shown.length < newest.length ? (
        <Text dimColor>{`… ${newest.length - shown.length} older (a taller terminal shows more)`}</Text>
      ) : null}
    </Box>
  );
}
