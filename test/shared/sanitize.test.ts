import { describe, expect, it } from 'vitest';
import { oneLine, sanitizeLine, sanitizeText } from '../../src/shared/sanitize.js';

const ESC = '\x1b';
const BEL = '\x07';
const ST = `${ESC}\\`;

/** Nothing a terminal would act on: no C0 but \n and \t, no DEL, no C1, no bidi controls. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe('sanitizeText: escape sequences', () => {
  it('removes CSI sequences (colours, cursor moves, clear screen, private modes)', () => {
    expect(sanitizeText(`${ESC}[1;31mred${ESC}[0m`)).toBe('red');
    expect(sanitizeText(`a${ESC}[2Kb${ESC}[1Ac`)).toBe('abc');
    expect(sanitizeText(`${ESC}[2J${ESC}[Hwiped?`)).toBe('wiped?');
    expect(sanitizeText(`x${ESC}[?1049hy${ESC}[?25lz`)).toBe('xyz');
    expect(sanitizeText(`q${ESC}[>4;2m${ESC}[ qr`)).toBe('qr');
  });

  it('removes OSC terminated by BEL or ST: window title, clipboard, hyperlinks', () => {
    expect(sanitizeText(`${ESC}]0;pwned title${BEL}text`)).toBe('text');
    expect(sanitizeText(`a${ESC}]52;c;cm0gLXJmIH4=${BEL}b`)).toBe('ab');
    expect(sanitizeText(`a${ESC}]52;c;cm0gLXJmIH4=${ST}b`)).toBe('ab');
    expect(sanitizeText(`${ESC}]8;;https://evil.example${ST}link${ESC}]8;;${ST}`)).toBe('link');
  });

  it('removes DCS, SOS, PM and APC strings up to ST', () => {
    expect(sanitizeText(`a${ESC}Pq#0;2;0;0;0${ST}b`)).toBe('ab');
    expect(sanitizeText(`a${ESC}Xsos text${ST}b`)).toBe('ab');
    expect(sanitizeText(`a${ESC}^pm text${ST}b`)).toBe('ab');
    expect(sanitizeText(`a${ESC}_Gf=100;AAAA${ST}b`)).toBe('ab');
  });

  it('an unterminated control string runs to the end, as in a terminal; CAN/SUB and a new ESC end it', () => {
    expect(sanitizeText(`keep${ESC}]52;c;cm0gLXJmIH4=`)).toBe('keep');
    expect(sanitizeText(`a${ESC}]0;t\x18b`)).toBe('ab');
    expect(sanitizeText(`a${ESC}]0;t\x1ab`)).toBe('ab');
    expect(sanitizeText(`a${ESC}]0;t${ESC}[31mb`)).toBe('ab');
  });

  it('removes other escape sequences and a lone ESC', () => {
    expect(sanitizeText(`a${ESC}cb`)).toBe('ab'); // RIS: full reset
    expect(sanitizeText(`a${ESC}(Bb${ESC}7c${ESC}8d`)).toBe('abcd');
    expect(sanitizeText(`a${ESC}`)).toBe('a');
    expect(sanitizeText(`${ESC}${ESC}${ESC}`)).toBe('');
    expect(sanitizeText(`${ESC}${ESC}\nx`)).toBe('\nx');
    expect(sanitizeText(`a${ESC}\u00e9b`)).toBe('a\u00e9b');
  });

  it('handles the 8-bit C1 introducers like their ESC forms', () => {
    expect(sanitizeText('a\x9b2Jb')).toBe('ab'); // CSI
    expect(sanitizeText('a\x9b1;31mb')).toBe('ab');
    expect(sanitizeText('a\x9d0;title\x07b')).toBe('ab'); // OSC ... BEL
    expect(sanitizeText('a\x9d52;c;eA==\x9cb')).toBe('ab'); // OSC ... ST (8-bit)
    expect(sanitizeText('a\x90qdata\x9cb')).toBe('ab'); // DCS
    expect(sanitizeText('a\x98sos\x9cb')).toBe('ab'); // SOS
    expect(sanitizeText('a\x9epm\x9cb')).toBe('ab'); // PM
    expect(sanitizeText('a\x9fapc\x9cb')).toBe('ab'); // APC
  });
});

describe('sanitizeText: control characters and bidi', () => {
  it('removes C0 controls but newline and tab, DEL and the other C1 controls', () => {
    expect(sanitizeText('x\x00y\x07z\x08\x7f')).toBe('xyz');
    expect(sanitizeText('a\x0bb\x0cc\x0ed\x1fe')).toBe('abcde');
    expect(sanitizeText('a\x80b\x85c\x8ed\x9ce')).toBe('abcde');
    expect(sanitizeText('line1\nline2\tcol')).toBe('line1\nline2\tcol');
  });

  it('turns CRLF, a lone CR and the Unicode line/paragraph separators into \\n', () => {
    expect(sanitizeText('line1\r\nline2')).toBe('line1\nline2');
    expect(sanitizeText('progress 10%\rprogress 20%')).toBe('progress 10%\nprogress 20%');
    expect(sanitizeText('a\u2028b\u2029c')).toBe('a\nb\nc');
  });

  it('removes bidi embeddings, overrides, isolates and marks', () => {
    expect(sanitizeText('file\u202Egnp.exe')).toBe('filegnp.exe');
    expect(sanitizeText('\u202Aa\u202Bb\u202Cc\u202Dd')).toBe('abcd');
    expect(sanitizeText('\u2066a\u2067b\u2068c\u2069')).toBe('abc');
    expect(sanitizeText('\u200Ea\u200Fb\u061Cc')).toBe('abc');
  });

  it('returns clean text (non-ASCII, emoji, right-to-left letters) as the same string', () => {
    for (const s of ['héllo — 日本語 🎉', 'שלום עולם', 'tab\there\nnext', '']) expect(sanitizeText(s)).toBe(s);
  });

  it('replaces lone surrogates with U+FFFD and keeps valid pairs', () => {
    expect(sanitizeText('a\ud800b')).toBe('a\ufffdb');
    expect(sanitizeText('a\udc00b')).toBe('a\ufffdb');
    expect(sanitizeText('end\ud83d')).toBe('end\ufffd');
    expect(sanitizeText('\ud83c\udf89\x07')).toBe('\ud83c\udf89');
  });
});

describe('sanitizeText: robustness', () => {
  it('never throws and never lets a control through on random input (fuzz)', () => {
    // A fixed-seed generator, so a failure can be reproduced.
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const alphabet = [
      ESC,
      '[',
      ']',
      'P',
      '_',
      '^',
      'X',
      '\\',
      BEL,
      '\x9b',
      '\x9c',
      '\x9d',
      '\x90',
      '\r',
      '\n',
      '\t',
      '\x18',
      '0',
      ';',
      'm',
      'a',
      ' ',
      '\u202e',
      '\u2066',
      '\ud800',
      '\udc00',
      '\x00',
      '\x7f',
      '\x85',
      'é',
    ];
    for (let round = 0; round < 2000; round++) {
      let s = '';
      const len = rand(60);
      for (let i = 0; i < len; i++) s += alphabet[rand(alphabet.length)];
      const out = sanitizeText(s);
      expect(UNSAFE.test(out), JSON.stringify(s)).toBe(false);
      expect(LONE_SURROGATE.test(out), JSON.stringify(s)).toBe(false);
      expect(sanitizeText(out)).toBe(out); // idempotent
    }
  });

  it('handles huge inputs in one pass (millions of sequences, a megabyte-long OSC)', () => {
    const many = `${ESC}[31mx`.repeat(500_000);
    expect(sanitizeText(many)).toBe('x'.repeat(500_000));
    const longOsc = `${ESC}]52;c;${'A'.repeat(4_000_000)}${BEL}after`;
    expect(sanitizeText(longOsc)).toBe('after');
    const lone = '\ud800'.repeat(200_000);
    expect(sanitizeText(lone)).toBe('\ufffd'.repeat(200_000));
  });

  it('a non-string gives an empty string instead of throwing', () => {
    expect(sanitizeText(undefined as unknown as string)).toBe('');
  });
});

describe('sanitizeLine and oneLine', () => {
  it('clean text on one line, whitespace collapsed', () => {
    expect(sanitizeLine(`  a\n b\t${ESC}]0;x${BEL} c\r\nd `)).toBe('a b c d');
    expect(oneLine('  a\n b\t c  ')).toBe('a b c');
    expect(oneLine('abcdefghij', 5)).toBe('abcd…');
    expect(oneLine(`${ESC}[2J\u202Eevil`, 40)).toBe('evil');
  });
});
