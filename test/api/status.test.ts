import { describe, expect, it } from 'vitest';
import { findByResource } from '../../api/resources.js';
import { alreadyExists, conflict, gone, internal, invalid, notFound, StatusError, toStatus } from '../../api/status.js';
import { duplicate, formatFieldError, invalidValue, notSupported, required, forbidden } from '../../api/field-errors.js';

const pods = findByResource('', 'pods')!;
const deployments = findByResource('apps', 'deployments')!;

describe('Status errors', () => {
  it('names resources group-qualified', () => {
    expect(notFound(pods, 'nginx').status).toMatchObject({
      code: 404,
      reason: 'NotFound',
      message: 'pods "nginx" not found',
      details: { name: 'nginx', kind: 'pods' },
    });
    expect(notFound(deployments, 'web').message).toBe('deployments.apps "web" not found');
    expect(notFound(deployments, 'web').status.details?.group).toBe('apps');
    expect(alreadyExists(pods, 'nginx').status).toMatchObject({ code: 409, reason: 'AlreadyExists', message: 'pods "nginx" already exists' });
    expect(conflict(pods, 'nginx').status.message).toBe(
      'Operation cannot be fulfilled on pods "nginx": the object has been modified; please apply your changes to the latest version and try again',
    );
    expect(gone('too old resource version: 1 (5)').status).toMatchObject({ code: 410, reason: 'Expired' });
    expect(internal('boom').status).toMatchObject({ code: 500, reason: 'InternalError', message: 'Internal error occurred: boom' });
  });

  it('formats 422 Invalid like Kubernetes, one cause without brackets', () => {
    const one = invalid('Pod', 'nginx', [required('spec.containers[0].image')]);
    expect(one.status.code).toBe(422);
    expect(one.status.reason).toBe('Invalid');
    expect(one.message).toBe('Pod "nginx" is invalid: spec.containers[0].image: Required value');
    expect(one.status.details).toEqual({
      name: 'nginx',
      kind: 'Pod',
      causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers[0].image' }],
    });
    const two = invalid('Pod', 'nginx', [required('spec.containers[0].image'), duplicate('spec.containers[1].name', 'web')]);
    expect(two.message).toBe(
      'Pod "nginx" is invalid: [spec.containers[0].image: Required value, spec.containers[1].name: Duplicate value: "web"]',
    );
    expect(invalid(deployments, 'web', [required('spec.selector')]).message).toBe(
      'Deployment.apps "web" is invalid: spec.selector: Required value',
    );
  });

  it('toStatus wraps foreign errors as 500 and keeps Status errors', () => {
    expect(toStatus(new Error('x')).code).toBe(500);
    const e = notFound(pods, 'a');
    expect(e).toBeInstanceOf(StatusError);
    expect(toStatus(e)).toBe(e.status);
  });
});

describe('field error text', () => {
  it.each([
    [required('spec.containers[0].image'), 'spec.containers[0].image: Required value'],
    [duplicate('spec.containers[1].name', 'web'), 'spec.containers[1].name: Duplicate value: "web"'],
    [
      notSupported('spec.restartPolicy', 'Sometimes', ['Always', 'Never', 'OnFailure']),
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "Never", "OnFailure"',
    ],
    [invalidValue('spec.replicas', -1, 'must be greater than or equal to 0'), 'spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
    [forbidden('spec', 'pod updates may not change fields'), 'spec: Forbidden: pod updates may not change fields'],
    [
      invalidValue('spec.template.metadata.labels', { app: 'web', b: 'x' }, '`selector` does not match template `labels`'),
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web", "b":"x"}: `selector` does not match template `labels`',
    ],
  ])('%#', (e, text) => {
    expect(formatFieldError(e)).toBe(text);
  });
});
