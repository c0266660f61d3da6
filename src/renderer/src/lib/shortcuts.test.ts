import { describe, expect, it } from 'vitest';
import { SHORTCUTS, isTypingTarget, matchShortcut } from './shortcuts';

describe('shortcuts', () => {
  it('gives every action one distinct key', () => {
    const keys = SHORTCUTS.map((s) => s.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('matches plain keys and ignores chords (those belong to the browser)', () => {
    expect(matchShortcut({ key: 's', ctrlKey: false, metaKey: false, altKey: false })).toBe('step');
    expect(matchShortcut({ key: 's', ctrlKey: true, metaKey: false, altKey: false })).toBeNull();
    expect(matchShortcut({ key: 'x', ctrlKey: false, metaKey: false, altKey: false })).toBeNull();
  });

  it('treats text fields as typing, buttons and checkboxes not', () => {
    expect(isTypingTarget({ tagName: 'INPUT', type: 'text' } as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget({ tagName: 'INPUT', type: 'checkbox' } as unknown as EventTarget)).toBe(false);
    expect(isTypingTarget({ tagName: 'TEXTAREA' } as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget({ tagName: 'BUTTON' } as unknown as EventTarget)).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});
