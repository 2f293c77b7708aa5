/**
 * Key names ↔ uiohook keycodes. A copy of uiohook-napi's `UiohookKey` table: the app process must
 * never load uiohook-napi itself (without an X display it breaks the process's exit code).
 */

/** uiohook keycodes by canonical name (same names as uiohook-napi's `UiohookKey`). */
export const UIOHOOK_KEYCODES: Readonly<Record<string, number>> = Object.freeze({
  Backspace: 14,
  Tab: 15,
  Enter: 28,
  CapsLock: 58,
  Escape: 1,
  Space: 57,
  PageUp: 3657,
  PageDown: 3665,
  End: 3663,
  Home: 3655,
  ArrowLeft: 57419,
  ArrowUp: 57416,
  ArrowRight: 57421,
  ArrowDown: 57424,
  Insert: 3666,
  Delete: 3667,
  '0': 11,
  '1': 2,
  '2': 3,
  '3': 4,
  '4': 5,
  '5': 6,
  '6': 7,
  '7': 8,
  '8': 9,
  '9': 10,
  A: 30,
  B: 48,
  C: 46,
  D: 32,
  E: 18,
  F: 33,
  G: 34,
  H: 35,
  I: 23,
  J: 36,
  K: 37,
  L: 38,
  M: 50,
  N: 49,
  O: 24,
  P: 25,
  Q: 16,
  R: 19,
  S: 31,
  T: 20,
  U: 22,
  V: 47,
  W: 17,
  X: 45,
  Y: 21,
  Z: 44,
  Numpad0: 82,
  Numpad1: 79,
  Numpad2: 80,
  Numpad3: 81,
  Numpad4: 75,
  Numpad5: 76,
  Numpad6: 77,
  Numpad7: 71,
  Numpad8: 72,
  Numpad9: 73,
  NumpadMultiply: 55,
  NumpadAdd: 78,
  NumpadSubtract: 74,
  NumpadDecimal: 83,
  NumpadDivide: 3637,
  NumpadEnter: 3612,
  F1: 59,
  F2: 60,
  F3: 61,
  F4: 62,
  F5: 63,
  F6: 64,
  F7: 65,
  F8: 66,
  F9: 67,
  F10: 68,
  F11: 87,
  F12: 88,
  F13: 91,
  F14: 92,
  F15: 93,
  F16: 99,
  F17: 100,
  F18: 101,
  F19: 102,
  F20: 103,
  F21: 104,
  F22: 105,
  F23: 106,
  F24: 107,
  Semicolon: 39,
  Equal: 13,
  Comma: 51,
  Minus: 12,
  Period: 52,
  Slash: 53,
  Backquote: 41,
  BracketLeft: 26,
  Backslash: 43,
  BracketRight: 27,
  Quote: 40,
  Ctrl: 29,
  CtrlRight: 3613,
  Alt: 56,
  AltRight: 3640,
  Shift: 42,
  ShiftRight: 54,
  Meta: 3675,
  MetaRight: 3676,
  NumLock: 69,
  ScrollLock: 70,
  PrintScreen: 3639,
  // Not in UiohookKey, observed under X11 (see the hotkeys recipe).
  Pause: 3653,
});

/** Display names for the status bar ("Right Ctrl", "Scroll Lock"). */
const DISPLAY_NAMES: Readonly<Record<string, string>> = {
  Ctrl: 'Left Ctrl',
  CtrlRight: 'Right Ctrl',
  Alt: 'Left Alt',
  AltRight: 'Right Alt',
  Shift: 'Left Shift',
  ShiftRight: 'Right Shift',
  Meta: 'Left Super',
  MetaRight: 'Right Super',
  ScrollLock: 'Scroll Lock',
  CapsLock: 'Caps Lock',
  NumLock: 'Num Lock',
  PrintScreen: 'Print Screen',
  PageUp: 'Page Up',
  PageDown: 'Page Down',
};

/** Aliases, compared after lower-casing and removing spaces, dashes and underscores. */
const ALIASES: Readonly<Record<string, string>> = {
  rightctrl: 'CtrlRight',
  rctrl: 'CtrlRight',
  ctrlr: 'CtrlRight',
  controlr: 'CtrlRight',
  rightcontrol: 'CtrlRight',
  leftctrl: 'Ctrl',
  lctrl: 'Ctrl',
  control: 'Ctrl',
  controll: 'Ctrl',
  leftcontrol: 'Ctrl',
  ctrll: 'Ctrl',
  rightalt: 'AltRight',
  ralt: 'AltRight',
  altgr: 'AltRight',
  altr: 'AltRight',
  leftalt: 'Alt',
  lalt: 'Alt',
  altl: 'Alt',
  rightshift: 'ShiftRight',
  rshift: 'ShiftRight',
  shiftr: 'ShiftRight',
  leftshift: 'Shift',
  lshift: 'Shift',
  shiftl: 'Shift',
  rightmeta: 'MetaRight',
  rightsuper: 'MetaRight',
  superr: 'MetaRight',
  rightwin: 'MetaRight',
  metaright: 'MetaRight',
  leftmeta: 'Meta',
  leftsuper: 'Meta',
  superl: 'Meta',
  super: 'Meta',
  leftwin: 'Meta',
  win: 'Meta',
  scrolllock: 'ScrollLock',
  scroll: 'ScrollLock',
  scrlk: 'ScrollLock',
  esc: 'Escape',
  return: 'Enter',
  spacebar: 'Space',
  pause: 'Pause',
  break: 'Pause',
  prtsc: 'PrintScreen',
  print: 'PrintScreen',
  pgup: 'PageUp',
  pgdn: 'PageDown',
  ins: 'Insert',
  del: 'Delete',
  capslock: 'CapsLock',
  numlock: 'NumLock',
};

const norm = (s: string): string => s.toLowerCase().replace(/[\s_-]+/g, '');
const BY_NORM = new Map<string, string>(Object.keys(UIOHOOK_KEYCODES).map((k) => [norm(k), k]));
const BY_CODE = new Map<number, string>(Object.entries(UIOHOOK_KEYCODES).map(([k, v]) => [v, k]));

/** A push-to-talk key resolved to a uiohook keycode. */
export interface ResolvedKey {
  keycode: number;
  /** Canonical table name ("CtrlRight"), or `keycode N` for a bare number. */
  name: string;
  /** Human name for the status bar ("Right Ctrl"). */
  label: string;
}

/**
 * Resolve a key given as a name ("RightCtrl", "Right Ctrl", "ScrollLock", "F12", "Control_R") or a
 * uiohook keycode (number or numeric string). Returns null for an unknown name.
 */
export function resolveKey(key: string | number): ResolvedKey | null {
  if (typeof key === 'number' || /^\s*\d+\s*$/.test(key)) {
    const keycode = typeof key === 'number' ? key : Number(key);
    if (!Number.isInteger(keycode) || keycode <= 0) return null;
    const name = BY_CODE.get(keycode);
    return name
      ? { keycode, name, label: keyLabel(name) }
      : { keycode, name: `keycode ${keycode}`, label: `key ${keycode}` };
  }
  const n = norm(key);
  const name = BY_NORM.get(n) ?? ALIASES[n];
  if (!name) return null;
  const keycode = UIOHOOK_KEYCODES[name];
  return keycode === undefined ? null : { keycode, name, label: keyLabel(name) };
}

/** Human label of a canonical key name ("CtrlRight" → "Right Ctrl"). */
export function keyLabel(name: string): string {
  return DISPLAY_NAMES[name] ?? name;
}

/** Canonical name of a keycode, or undefined when the table has none. */
export function keyName(keycode: number): string | undefined {
  return BY_CODE.get(keycode);
}

/** The default hold-to-talk key. */
export const DEFAULT_PTT_KEY = 'RightCtrl';
