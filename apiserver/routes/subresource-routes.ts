// Subresources: status (get/update/patch), pods/binding, deployments|replicasets/scale, pods/log.
import { methodNotAllowed, pathNotFound } from '../../api/status.js';
import { bindingTarget, bindPod } from '../registry/binding.js';
import { decodeBody, parseAccept } from '../http/negotiation.js';
import { sendJson } from '../http/respond.js';
import { asObjectOf } from './body-checks.js';
import { dryRunParam, fieldValidationParam } from './query.js';
import type { HandlerArgs } from './resource-routes.js';
import { fieldManagerOf } from './resource-routes.js';
import { presentObject } from './presenter.js';
import { servePatch } from './patch-route.js';
import { scaleOf, SCALE_INFO, withScaleReplicas } from '../registry/scale.js';
import { servePodLog } from './pod-log.js';

export async function serveSubresource(a: HandlerArgs): Promise<void> {
  const { ctx, ri, req, reply, query } = a;
  const { info, namespace, name } = ri;
  const sub = ri.subresource!;
  if (name === undefined) throw pathNotFound();
  const writeOpts = () => ({ fieldManager: fieldManagerOf(query, a.userAgent), fieldValidation: fieldValidationParam(query), dryRun: dryRunParam(query), subresource: sub });

  if (sub === 'status') {
    if (ri.verb === 'get') return void sendJson(reply, 200, presentObject(info, await ctx.registry.get(info, namespace, name), parseAccept(req.headers.accept), query));
    if (ri.verb === 'update') {
      const body = asObjectOf(info, decodeBody(req.body as Buffer | undefined, req.headers['content-type']), namespace);
      const r = await ctx.registry.update(info, namespace, name, body, writeOpts());
      return void sendJson(reply, 200, r.object);
    }
    if (ri.verb === 'patch') return servePatch(a);
    throw methodNotAllowed();
  }

  if (sub === 'binding' && info.resource === 'pods') {
    if (ri.verb !== 'create') throw methodNotAllowed();
    const node = bindingTarget(decodeBody(req.body as Buffer | undefined, req.headers['content-type']), name);
    await ctx.registry.guaranteedUpdate(info, namespace, name, (live) => bindPod(live, node, new Date()), { ...writeOpts(), subresource: 'binding' });
    return void sendJson(reply, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
  }

  if (sub === 'scale' && (info.resource === 'deployments' || info.resource === 'replicasets')) {
    if (ri.verb === 'get') return void sendJson(reply, 200, scaleOf(await ctx.registry.get(info, namespace, name)));
    if (ri.verb === 'update') {
      const body = asObjectOf(SCALE_INFO, decodeBody(req.body as Buffer | undefined, req.headers['content-type'] ?? 'application/json'), namespace, 'Scale', 'autoscaling/v1');
      const replicas = (body.spec as { replicas?: unknown } | undefined)?.replicas;
      const rv = body.metadata.resourceVersion || undefined;
      const r = await ctx.registry.guaranteedUpdate(info, namespace, name, (live) => withScaleReplicas(info, live, replicas), { ...writeOpts(), subresource: undefined, preconditionRv: rv });
      return void sendJson(reply, 200, scaleOf(r.object));
    }
    if (ri.verb === 'patch') return servePatch(a);
    throw methodNotAllowed();
  }

  if (sub === 'log' && info.resource === 'pods') {
    if (ri.verb !== 'get') throw methodNotAllowed();
    return servePodLog(ctx, namespace!, name, query, reply);
  }
  throw methodNotAllowed(`the server does not allow this method on the requested resource (${ri.verb} ${info.resource}/${sub})`);
}
