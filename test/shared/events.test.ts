import { describe, expect, it } from 'vitest';
import { SafeEmitter } from '../../src/shared/events.js';
import { errorText, toError } from '../../src/shared/errors.js';

interface PingEvents {
  ping: [n: number];
  error: [error: Error];
}

class Pinger extends SafeEmitter<PingEvents> {
  ping(n: number): void {
    this.fire('ping', n);
  }
  fail(e: Error): void {
    this.fire('error', e);
  }
}

describe('SafeEmitter', () => {
  it('a throwing listener does not stop the others and becomes an error event naming the event', () => {
    const p = new Pinger();
    const log: string[] = [];
    const bug = new Error('listener bug');
    p.on('ping', (n) => log.push(`first ${n}`));
    p.on('ping', () => {
      throw bug;
    });
    p.on('ping', (n) => log.push(`third ${n}`));
    const errors: Error[] = [];
    p.on('error', (e) => errors.push(e));
    expect(() => p.ping(7)).not.toThrow();
    expect(log).toEqual(['first 7', 'third 7']);
    expect(errors.map((e) => e.message)).toEqual(['a "ping" listener threw: listener bug']);
    expect(errors[0]!.cause).toBe(bug);
  });

  it('an error with no listener is dropped, and a throwing error listener is ignored', () => {
    const p = new Pinger();
    expect(() => p.fail(new Error('nobody listens'))).not.toThrow();
    const seen: string[] = [];
    p.on('error', () => {
      throw new Error('error listener bug');
    });
    p.on('error', (e) => seen.push(e.message));
    p.on('ping', () => {
      throw new Error('ping bug');
    });
    expect(() => p.ping(1)).not.toThrow();
    expect(seen).toEqual(['a "ping" listener threw: ping bug']);
  });

  it('an error with no listener reaches unheardError, where a service can keep it', () => {
    class Noted extends Pinger {
      readonly notes: string[] = [];
      protected override unheardError(error: Error): void {
        this.notes.push(error.message);
      }
    }
    const p = new Noted();
    p.on('ping', () => {
      throw new Error('ping bug');
    });
    p.ping(1);
    p.fail(new Error('device lost'));
    expect(p.notes).toEqual(['a "ping" listener threw: ping bug', 'device lost']);
  });

  it('a once() listener runs once, as with emit()', () => {
    const p = new Pinger();
    const log: number[] = [];
    p.once('ping', (n) => log.push(n));
    p.ping(1);
    p.ping(2);
    expect(log).toEqual([1]);
    expect(p.listenerCount('ping')).toBe(0);
  });
});

describe('error-to-text', () => {
  it('an Error gives its message, anything else its string', () => {
    expect(errorText(new Error('disk full'))).toBe('disk full');
    expect(errorText('plain')).toBe('plain');
    expect(errorText(42)).toBe('42');
    const e = new Error('x');
    expect(toError(e)).toBe(e);
    expect(toError('y')).toEqual(new Error('y'));
  });
});
