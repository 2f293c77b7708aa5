import { isLive, type ResolveResult, type TaskRecord } from './types.js';

/** Options of {@link resolveTaskRef}. */
export interface ResolveOptions {
  /**
   * Tie-break (default true): when several tasks match equally well and exactly ONE of them is
   * live (queued or running), take the live one. "Cancel the auth task" while one auth task runs
   * and older ones are finished means the running one. Callers asking about finished work (a
   * result read-back) can turn it off. Without a single live candidate it is always `ambiguous`;
   * age never decides.
   */
  preferLive?: boolean;
}

const UNITS: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
};
const TENS: Record<string, number> = {
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};
/** Words speech-to-text produces for a spoken digit after "task"/"number" ("task to"). */
const HOMOPHONES: Record<string, number> = { won: 1, to: 2, too: 2, for: 4, fore: 4, ate: 8 };

/** "3", "three", "twenty one", "twenty-one" → number; anything else → undefined. */
function parseNumber(s: string, allowHomophones: boolean): number | undefined {
  if (/^\d{1,9}$/.test(s)) return Number(s);
  const words = s.split(/[\s-]+/).filter(Boolean);
  if (words.length === 1) {
    const w = words[0] as string;
    if (w in UNITS) return UNITS[w];
    if (w in TENS) return TENS[w];
    if (allowHomophones && w in HOMOPHONES) return HOMOPHONES[w];
    return undefined;
  }
  if (words.length === 2) {
    const [t, u] = words as [string, string];
    const tv = TENS[t];
    const uv = UNITS[u];
    if (tv !== undefined && uv !== undefined && uv >= 1 && uv <= 9) return tv + uv;
  }
  return undefined;
}

/** Lower case, punctuation and separators as single spaces, trimmed. */
export function normalizeName(s: string): string {
  return s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\p{L}\p{N}#]+/gu, ' ')
    .trim();
}

/** The task id a reference names ("3", "#3", "task 3", "task number three", "number 3"), if any. */
export function parseTaskId(text: string): number | undefined {
  const q = normalizeName(text).replace(/#\s*/g, '# ').trim();
  const m = /^(?:the\s+)?(?:(task|job)\s+)?(?:(number|no|#)\s+)?(.+?)$/.exec(q);
  if (!m) return undefined;
  const prefixed = m[1] !== undefined || m[2] !== undefined;
  return parseNumber((m[3] ?? '').trim(), prefixed);
}

/** Filler around a spoken name: "the auth task", "task called auth", "task named auth". */
function stripFiller(q: string): string {
  return q
    .replace(/^(?:the\s+)?(?:(?:task|job)\s+)?(?:(?:called|named)\s+)?/, '')
    .replace(/\s+(?:task|job)$/, '')
    .trim();
}

/** Optimal-string-alignment distance (Damerau–Levenshtein with adjacent swaps), capped at `max + 1`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const m = a.length;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (
        i > 1 &&
        j > 1 &&
        a.charCodeAt(i - 1) === b.charCodeAt(j - 2) &&
        a.charCodeAt(i - 2) === b.charCodeAt(j - 1)
      ) {
        v = Math.min(v, (prev2[j - 2] as number) + 1);
      }
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n] as number;
}

/** Largest edit distance accepted as a fuzzy match for a query of this length (0 = no fuzzy). */
function fuzzyThreshold(len: number): number {
  if (len < 4) return 0;
  if (len < 7) return 1;
  if (len < 12) return 2;
  return Math.floor(len / 4);
}

function squash(s: string): string {
  return s.replace(/ /g, '');
}

function quoteTask(t: TaskRecord): string {
  return `${t.id} '${t.name}'`;
}

function joinOr(items: string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

const MAX_LISTED = 5;

function ambiguous(cands: TaskRecord[]): ResolveResult {
  const sorted = [...cands].sort((a, b) => a.id - b.id);
  const shown = sorted.slice(0, MAX_LISTED).map(quoteTask);
  const more = sorted.length - shown.length;
  const list = more > 0 ? `${shown.join(', ')} or one of ${more} more` : joinOr(shown);
  return { ok: false, reason: 'ambiguous', message: `Which one: ${list}?`, candidates: sorted };
}

function knownTasks(tasks: TaskRecord[]): string {
  if (tasks.length === 0) return 'There are no tasks yet.';
  // Live tasks first (the likely targets), then the newest finished ones.
  const ordered = [...tasks].sort((a, b) => Number(isLive(b.status)) - Number(isLive(a.status)) || b.id - a.id);
  const shown = ordered.slice(0, MAX_LISTED).map(quoteTask);
  const more = tasks.length - shown.length;
  return `Known tasks: ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}.`;
}

function notFound(message: string, tasks: TaskRecord[]): ResolveResult {
  return { ok: false, reason: 'not_found', message: `${message} ${knownTasks(tasks)}` };
}

/** One level of matching: one candidate wins; several are ambiguous unless the live tie-break applies. */
function decide(
  cands: TaskRecord[],
  how: 'exact' | 'prefix' | 'substring' | 'fuzzy',
  preferLive: boolean,
): ResolveResult | undefined {
  if (cands.length === 0) return undefined;
  if (cands.length === 1) return { ok: true, task: cands[0] as TaskRecord, how };
  if (preferLive) {
    const live = cands.filter((t) => isLive(t.status));
    if (live.length === 1) return { ok: true, task: live[0] as TaskRecord, how };
  }
  return ambiguous(cands);
}

/**
 * Finds the task a spoken or typed reference means. Levels, first match wins:
 * id ("3", "#3", "task 3", "task number three") → exact name (case-insensitive, punctuation
 * ignored) → unique prefix (unless other names contain the query as a word) → unique substring
 * (or all words present in any order) → close fuzzy
 * match (edit distance relative to length). Several candidates at one level give `ambiguous`
 * with a question the assistant can ask, except for the live tie-break ({@link ResolveOptions}).
 * Never picks by age.
 */
export function resolveTaskRef(text: string, tasks: TaskRecord[], opts?: ResolveOptions): ResolveResult {
  const preferLive = opts?.preferLive ?? true;
  const full = normalizeName(text).replace(/#/g, ' ').replace(/\s+/g, ' ').trim();
  if (full === '') return notFound('Which task? Say its number or name.', tasks);

  const id = parseTaskId(text);
  if (id !== undefined) {
    const byId = tasks.find((t) => t.id === id);
    if (byId) return { ok: true, task: byId, how: 'id' };
  }

  const queries = [...new Set([full, stripFiller(full)].filter((q) => q !== ''))];
  const names = tasks.map((t) => ({ t, n: normalizeName(t.name).replace(/#/g, ' ').replace(/\s+/g, ' ').trim() }));
  const matching = (pred: (name: string, q: string) => boolean): TaskRecord[] =>
    names.filter(({ n }) => queries.some((q) => pred(n, q))).map(({ t }) => t);

  const levels: [TaskRecord[], 'exact' | 'prefix' | 'substring'][] = [
    [matching((n, q) => n === q), 'exact'],
    [matching((n, q) => n.startsWith(q)), 'prefix'],
    [
      matching((n, q) => {
        if (n.includes(q)) return true;
        const words = q.split(' ');
        const nameWords = new Set(n.split(' '));
        return words.length > 1 && words.every((w) => nameWords.has(w));
      }),
      'substring',
    ],
  ];
  // A unique prefix does not win when other names contain the query as a word: "login" with
  // "login page", "fix login bug" and "write login tests" must ask, not take the first.
  const wordHits = matching((n, q) => ` ${n}`.includes(` ${q}`));
  if (levels[0]?.[0].length === 0 && levels[1]?.[0].length === 1 && wordHits.length > 1) {
    levels[1][0] = wordHits;
  }
  for (const [cands, how] of levels) {
    const r = decide(cands, how, preferLive);
    if (r) return r;
  }

  // Fuzzy: the closest names within the threshold; equally close names are ambiguous.
  let best = Infinity;
  let fuzzy: TaskRecord[] = [];
  for (const { t, n } of names) {
    let d = Infinity;
    for (const q of queries) {
      // The shorter string sets the limit, so a short query never fuzzily matches a long name.
      const limit = fuzzyThreshold(Math.min(q.length, n.length));
      if (limit === 0) continue;
      // Spaces are compared away too: speech-to-text splits and joins words ("auth fix" / "authfix").
      const dq = Math.min(editDistance(q, n, limit), editDistance(squash(q), squash(n), limit));
      if (dq <= limit) d = Math.min(d, dq);
    }
    if (d < best) {
      best = d;
      fuzzy = [t];
    } else if (d === best && d !== Infinity) {
      fuzzy.push(t);
    }
  }
  const r = decide(fuzzy, 'fuzzy', preferLive);
  if (r) return r;

  if (id !== undefined) return notFound(`There is no task ${id}.`, tasks);
  return notFound(`No task matches "${text.trim().slice(0, 60)}".`, tasks);
}
