/**
 * The one gate for text from outside voice-orch (agent output, model output and tool arguments,
 * file names, config values) on its way to the screen or the model.
 *
 * A terminal acts on more than colours: OSC 52 writes the clipboard, OSC 0 sets the window title,
 * CSI 2J clears the screen, a lone carriage return moves the cursor and tears the frame, and bidi
 * overrides make text read differently from what it is. Ink passes such sequences through, so
 * every outside string is cleaned here, once, where it enters the state; views never see raw text.
 *
 * What {@link sanitizeText} removes:
 * - every ESC-introduced sequence: CSI (`ESC [` … final byte), the control strings OSC (`ESC ]`),
 *   DCS (`ESC P`), SOS (`ESC X`), PM (`ESC ^`) and APC (`ESC _`) up to their terminator (BEL for
 *   OSC, ST = `ESC \` or 0x9c for all; CAN/SUB abort them; unterminated ones run to the end, as in
 *   a terminal), other escape sequences (`ESC` intermediates final, e.g. `ESC c`), and a lone ESC;
 * - the same introducers in their 8-bit C1 form (0x9b CSI, 0x9d OSC, 0x90 DCS, 0x98 SOS, 0x9e PM,
 *   0x9f APC);
 * - every other C0 and C1 control and DEL, except newline and tab;
 * - Unicode bidi embeddings, overrides, isolates and marks (U+202A–U+202E, U+2066–U+2069,
 *   U+200E, U+200F, U+061C).
 *
 * It also turns `\r\n`, a lone `\r` and U+2028/U+2029 into `\n`, and a lone surrogate into U+FFFD.
 * One pass, linear in the input, never throws; clean input comes back as the same string.
 */

/** Anything {@link sanitizeText} would change; a clean string skips the scan. */
// eslint-disable-next-line no-control-regex
const SUSPECT = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
/** A surrogate code unit without its partner (valid pairs, e.g. emoji, do not match). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const ESC = 0x1b;
const BEL = 0x07;
const CAN = 0x18;
const SUB = 0x1a;
const C1_ST = 0x9c;
const C1_CSI = 0x9b;

/** 7-bit second bytes (after ESC) and 8-bit introducers of the control strings. */
function isStringIntroducer7(c: number): boolean {
  // P = DCS, X = SOS, ] = OSC, ^ = PM, _ = APC
  return c === 0x50 || c === 0x58 || c === 0x5d || c === 0x5e || c === 0x5f;
}
function isStringIntroducer8(c: number): boolean {
  return c === 0x90 || c === 0x98 || c === 0x9d || c === 0x9e || c === 0x9f;
}

function isBidiControl(c: number): boolean {
  return c === 0x061c || c === 0x200e || c === 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/**
 * Index just past a control string's body starting at `i` (after its introducer): its terminator
 * is consumed; an ESC not followed by `\` ends the string and is left to start the next sequence.
 */
function skipControlString(s: string, i: number): number {
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === BEL || c === C1_ST || c === CAN || c === SUB) return i + 1;
    if (c === ESC) return s.charCodeAt(i + 1) === 0x5c /* \ */ ? i + 2 : i;
    i++;
  }
  return n;
}

/**
 * Index just past a CSI's parameters, intermediates and final byte, starting after its
 * introducer. A character that cannot belong to a CSI ends it early and is kept for the caller.
 */
function skipCsi(s: string, i: number): number {
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c >= 0x40 && c <= 0x7e) return i + 1; // final byte
    if (c < 0x20 || c > 0x3f) return i; // not a parameter or intermediate byte: malformed, stop
    i++;
  }
  return n;
}

/**
 * Index just past an escape sequence whose ESC is at `i`. Returns `i + 1` for a lone ESC.
 */
function skipEscape(s: string, i: number): number {
  const next = s.charCodeAt(i + 1); // NaN at the end
  if (next === 0x5b /* [ */) return skipCsi(s, i + 2);
  if (isStringIntroducer7(next)) return skipControlString(s, i + 2);
  // nF / Fp / Fe / Fs: intermediates 0x20–0x2f, then one final byte 0x30–0x7e.
  let j = i + 1;
  while (j < s.length && s.charCodeAt(j) >= 0x20 && s.charCodeAt(j) <= 0x2f) j++;
  const f = s.charCodeAt(j);
  if (f >= 0x30 && f <= 0x7e) return j + 1;
  // A lone ESC (or one before something no sequence continues with): drop the ESC and what
  // intermediates followed it, keep the rest.
  return j;
}

/**
 * Text safe to show in a terminal pane and to hand the model: see the module comment. Keeps `\n`
 * and `\t`.
 */
export function sanitizeText(s: string): string {
  if (typeof s !== 'string') return '';
  if (!SUSPECT.test(s) && !LONE_SURROGATE.test(s)) return s;
  const n = s.length;
  let out = '';
  let start = 0; // first character of the current run of clean text
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    let skipTo = -1;
    let put = '';
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      if (c === 0x0a || c === 0x09) {
        i++;
        continue;
      }
      if (c === 0x0d) {
        put = '\n';
        skipTo = s.charCodeAt(i + 1) === 0x0a ? i + 2 : i + 1;
      } else if (c === ESC) skipTo = skipEscape(s, i);
      else if (c === C1_CSI) skipTo = skipCsi(s, i + 1);
      else if (isStringIntroducer8(c)) skipTo = skipControlString(s, i + 1);
      else skipTo = i + 1;
    } else if (c === 0x2028 || c === 0x2029) {
      put = '\n';
      skipTo = i + 1;
    } else if (isBidiControl(c)) {
      skipTo = i + 1;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const d = s.charCodeAt(i + 1);
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        i += 2; // a valid pair
        continue;
      }
      put = '\ufffd';
      skipTo = i + 1;
    } else {
      i++;
      continue;
    }
    if (start < i) out += s.slice(start, i);
    out += put;
    i = Math.max(skipTo, i + 1);
    start = i;
  }
  if (start < n) out += s.slice(start);
  return out;
}

/** {@link sanitizeText}, then on one line: every whitespace run (newlines, tabs) is one space; trimmed. */
export function sanitizeLine(s: string): string {
  return sanitizeText(s).replace(/\s+/g, ' ').trim();
}

/** {@link sanitizeLine}, cut to `max` characters with "…". */
export function oneLine(s: string, max = 80): string {
  const flat = sanitizeLine(s);
  if (flat.length <= max) return flat;
  return `${flat.slice(0, Math.max(1, max - 1)).trimEnd()}…`;
}
