// core/v1 Service validation.
import { type FieldError, duplicate, forbidden, invalidValue, required } from '../field-errors.js';
import { isDNS1123Label, isValidIP } from '../names.js';
import type { Service } from '../types/core.js';
import { arrayOf, isObject, oneOf, validateLabels, validatePortNumber, validatePortNumOrName } from './checks.js';

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

export function validateService(svc: Service): FieldError[] {
  const spec = svc.spec;
  if (!isObject(spec)) return [required('spec')];
  const errs = oneOf('spec.type', spec.type, SERVICE_TYPES);
  errs.push(...oneOf('spec.sessionAffinity', spec.sessionAffinity, ['ClientIP', 'None']));
  const ports = arrayOf<Record<string, unknown>>(spec.ports);
  if (ports.length === 0 && spec.type !== 'ExternalName' && spec.clusterIP !== 'None') errs.push(required('spec.ports'));
  const names = new Set<string>();
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    const path = `spec.ports[${i}]`;
    if (typeof p.name !== 'string' || p.name === '') {
      if (ports.length > 1) errs.push(required(`${path}.name`));
    } else {
      for (const m of isDNS1123Label(p.name)) errs.push(invalidValue(`${path}.name`, p.name, m));
      if (names.has(p.name)) errs.push(duplicate(`${path}.name`, p.name));
      names.add(p.name);
    }
    errs.push(...validatePortNumber(`${path}.port`, p.port, true));
    errs.push(...oneOf(`${path}.protocol`, p.protocol, ['SCTP', 'TCP', 'UDP'], true));
    if (p.targetPort !== undefined && p.targetPort !== 0 && p.targetPort !== '') {
      errs.push(...validatePortNumOrName(`${path}.targetPort`, p.targetPort));
    }
    if (p.nodePort !== undefined && p.nodePort !== 0) {
      if (spec.type !== 'NodePort' && spec.type !== 'LoadBalancer') {
        errs.push(forbidden(`${path}.nodePort`, `may not be used when \`type\` is '${spec.type ?? 'ClusterIP'}'`));
      } else {
        errs.push(...validatePortNumber(`${path}.nodePort`, p.nodePort, false));
      }
    }
    const key = `${String(p.port)}/${String(p.protocol ?? 'TCP')}`;
    if (seen.has(key)) errs.push(duplicate(path, { port: p.port, protocol: p.protocol ?? 'TCP' }));
    seen.add(key);
  });
  errs.push(...validateLabels('spec.selector', spec.selector));
  const ip = spec.clusterIP;
  if (ip !== undefined && ip !== '' && ip !== 'None' && !(typeof ip === 'string' && isValidIP(ip))) {
    errs.push(invalidValue('spec.clusterIP', ip, 'must be empty, \'None\', or a valid IP address'));
  }
  return errs;
}

export function validateServiceUpdate(svc: Service, old: Service): FieldError[] {
  const errs = validateService(svc);
  const n = svc.spec?.clusterIP;
  const o = old.spec?.clusterIP;
  if (o && n && n !== o) errs.push(invalidValue('spec.clusterIP', n, 'field is immutable'));
  return errs;
}
