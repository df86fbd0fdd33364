import { describe, expect, it } from 'vitest';
import {
  labelSelectorFromObject,
  labelSelectorToString,
  matchesLabels,
  parseLabelSelector,
  selectorToString,
  formatLabelSelector,
} from '../../api/selectors/label-selector.js';
import { fieldSelectorPredicate, parseFieldSelector, objectFields } from '../../api/selectors/field-selector.js';
import { findByResource } from '../../api/resources.js';
import type { KubeObject } from '../../api/types/meta.js';

const labels = { app: 'web', tier: 'front', version: '3' };

describe('label selectors', () => {
  it.each([
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app=db', false],
    ['app in (web,db)', true],
    ['app notin (web,db)', false],
    ['tier notin (back)', true],
    ['missing notin (x)', true],
    ['missing!=x', true],
    ['app', true],
    ['!app', false],
    ['!missing', true],
    ['app=web,tier=front', true],
    ['app=web,tier=back', false],
    ['app=web , tier in (front) , !missing', true],
    ['version>2', true],
    ['version<2', false],
    ['missing=', false],
    ['app in (web,)', true],
  ])('%j matches: %s', (s, want) => {
    expect(matchesLabels(parseLabelSelector(s), labels)).toBe(want);
  });

  it.each([
    ['app=web=x', "found '=', expected: ','"],
    ['app in web', "found 'web', expected: '('"],
    ['Bad Key=x', 'found'],
    ['bad key!', 'found'],
    ['app=-bad', 'invalid label value: "-bad"'],
    ['-x=1', 'invalid label key "-x"'],
    ['!', "expected: identifier after '!'"],
    ['app in (a', "expected: ',' or ')'"],
    ['version>x', "for 'Gt', 'Lt' operators"],
  ])('rejects %j', (s, msg) => {
    expect(() => parseLabelSelector(s)).toThrow(msg);
    try {
      parseLabelSelector(s);
    } catch (e) {
      expect((e as { status: { code: number } }).status.code).toBe(400);
      expect((e as Error).message).toContain(JSON.stringify(s));
    }
  });

  it('builds from LabelSelector objects; undefined selects nothing, {} everything', () => {
    const sel = labelSelectorFromObject({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['front', 'back'] },
        { key: 'gone', operator: 'DoesNotExist' },
      ],
    });
    expect(matchesLabels(sel, labels)).toBe(true);
    expect(matchesLabels(sel, { app: 'web' })).toBe(false);
    expect(matchesLabels(labelSelectorFromObject(undefined), labels)).toBe(false);
    expect(matchesLabels(labelSelectorFromObject({}), labels)).toBe(true);
    expect(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] })).toThrow("values set can't be empty");
    expect(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] })).toThrow('must be empty');
  });

  it('prints canonically, sorted by key', () => {
    expect(labelSelectorToString({ matchLabels: { app: 'web' } })).toBe('app=web');
    expect(selectorToString(parseLabelSelector('z in (b,a),app=web,!x,y'))).toBe('app=web,!x,y,z in (a,b)');
    expect(formatLabelSelector({})).toBe('<none>');
  });
});

describe('field selectors', () => {
  const pods = findByResource('', 'pods')!;
  const events = findByResource('', 'events')!;
  const pod: KubeObject = { metadata: { name: 'nginx', namespace: 'default' }, spec: { nodeName: 'n1' }, status: { phase: 'Running' } };

  it('parses =, == and != with escapes', () => {
    expect(parseFieldSelector('a=b,c==d,e!=f').requirements).toEqual([
      { field: 'a', operator: '=', value: 'b' },
      { field: 'c', operator: '=', value: 'd' },
      { field: 'e', operator: '!=', value: 'f' },
    ]);
    expect(parseFieldSelector('a=x\\,y').requirements[0]!.value).toBe('x,y');
    expect(() => parseFieldSelector('abc')).toThrow("invalid selector: 'abc'; can't understand 'abc'");
  });

  it.each([
    ['metadata.name=nginx', true],
    ['metadata.name==nginx,metadata.namespace=default', true],
    ['spec.nodeName=n1', true],
    ['spec.nodeName!=n1', false],
    ['spec.nodeName=', false],
    ['status.phase=Running', true],
    ['status.podIP=', true],
    ['', true],
  ])('pods %j: %s', (s, want) => {
    expect(fieldSelectorPredicate(pods, s)(pod)).toBe(want);
  });

  it('rejects fields the resource does not support', () => {
    expect(() => fieldSelectorPredicate(pods, 'spec.foo=x')).toThrow('field label not supported: spec.foo');
    expect(() => fieldSelectorPredicate(findByResource('apps', 'deployments')!, 'spec.nodeName=x')).toThrow('field label not supported');
  });

  it('events select by involvedObject.*, reason, type and source', () => {
    const ev: KubeObject = {
      metadata: { name: 'e1', namespace: 'default' },
      involvedObject: { kind: 'Pod', name: 'nginx', namespace: 'default', uid: 'u1' },
      reason: 'Pulled',
      type: 'Normal',
      source: { component: 'kubelet' },
    };
    const s = 'involvedObject.name=nginx,involvedObject.namespace=default,involvedObject.uid=u1,involvedObject.kind=Pod';
    expect(fieldSelectorPredicate(events, s)(ev)).toBe(true);
    expect(fieldSelectorPredicate(events, 'source=kubelet,reason=Pulled,type=Normal')(ev)).toBe(true);
    expect(objectFields(events, ev)['involvedObject.fieldPath']).toBe('');
  });
});
