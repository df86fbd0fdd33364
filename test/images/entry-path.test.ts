import { expect, test } from 'vitest';
import { ancestors, classifyWhiteout, cleanEntryPath, LayerEscapeError } from '../../runtime/images/entry-path.js';

test('cleanEntryPath', () => {
  expect(cleanEntryPath('./a//b/')).toBe('a/b');
  expect(cleanEntryPath('.')).toBe('');
  expect(cleanEntryPath('./')).toBe('');
  expect(cleanEntryPath('a/./b')).toBe('a/b');
  expect(cleanEntryPath('a..b/..c')).toBe('a..b/..c');
  expect(() => cleanEntryPath('../x')).toThrow(LayerEscapeError);
  expect(() => cleanEntryPath('a/../../x')).toThrow('entry "a/../../x": ".." escapes the layer');
  expect(() => cleanEntryPath('a/..')).toThrow(/escapes/);
  expect(() => cleanEntryPath('/etc/passwd')).toThrow('entry "/etc/passwd": absolute path escapes the layer');
  expect(() => cleanEntryPath('a\0b')).toThrow(/NUL/);
});

test('ancestors', () => {
  expect(ancestors('a/b/c')).toEqual(['a', 'a/b']);
  expect(ancestors('a')).toEqual([]);
});

test('classifyWhiteout', () => {
  expect(classifyWhiteout('etc/.wh.passwd')).toEqual({ kind: 'whiteout', path: 'etc/passwd' });
  expect(classifyWhiteout('.wh.top')).toEqual({ kind: 'whiteout', path: 'top' });
  expect(classifyWhiteout('data/.wh..wh..opq')).toEqual({ kind: 'opaque', dir: 'data' });
  expect(classifyWhiteout('.wh..wh..opq')).toEqual({ kind: 'opaque', dir: '' });
  expect(classifyWhiteout('etc/passwd')).toEqual({ kind: 'none' });
  expect(classifyWhiteout('etc/x.wh.y')).toEqual({ kind: 'none' });
  expect(() => classifyWhiteout('a/.wh...')).toThrow(/invalid target/);
  expect(() => classifyWhiteout('a/.wh.')).toThrow(/invalid target/);
});
