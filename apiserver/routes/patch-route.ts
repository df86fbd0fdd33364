// PATCH on an object or its status/scale subresource: merge, json, strategic and server-side apply.
import { badRequest, conflict } from '../../api/status.js';
import { apiVersionOf } from '../../api/resources.js';
import type { KubeObject } from '../../api/types/meta.js';
import { decodeBody, parseAccept, patchKindOf } from '../http/negotiation.js';
import { sendJson } from '../http/respond.js';
import { applyPatchDocument } from '../registry/patcher.js';
import { scaleOf, SCALE_INFO, withScaleReplicas } from '../registry/scale.js';
import { asObjectOf } from './body-checks.js';
import { dryRunParam, fieldValidationParam } from './query.js';
import { fieldManagerOf, type HandlerArgs } from './resource-routes.js';
import { presentObject } from './presenter.js';
import { serveApply } from './apply-route.js';

export async function servePatch(a: HandlerArgs): Promise<void> {
  const { ctx, ri, req, reply, query } = a;
  const { info, namespace, name } = ri;
  const kind = patchKindOf(req.headers['content-type']);
  const patch = decodeBody(req.body as Buffer | undefined, req.headers['content-type']);
  if (kind === 'apply') return serveApply(a, patch);
  const opts = {
    fieldManager: fieldManagerOf(query, a.userAgent),
    fieldValidation: fieldValidationParam(query),
    dryRun: dryRunParam(query),
    subresource: ri.subresource,
  };
  if (ri.subresource === 'scale') {
    const r = await ctx.registry.guaranteedUpdate(info, namespace, name!, (live) => {
      const scale = applyPatchDocument(kind, scaleOf(live), patch, { apiVersion: 'autoscaling/v1', kind: 'Scale' });
      asObjectOf(SCALE_INFO, scale, namespace, 'Scale', 'autoscaling/v1');
      return withScaleReplicas(info, live, (scale.spec as { replicas?: unknown } | undefined)?.replicas);
    }, { ...opts, subresource: undefined });
    return void sendJson(reply, 200, scaleOf(r.object));
  }
  const r = await ctx.registry.guaranteedUpdate(info, namespace, name!, (live: KubeObject) => {
    const next = applyPatchDocument(kind, live, patch, { apiVersion: apiVersionOf(info), kind: info.kind });
    const checked = asObjectOf(info, next, namespace);
    if (checked.metadata.name !== live.metadata.name) throw badRequest(`the name of the object (${String(checked.metadata.name)}) does not match the name on the URL (${name})`);
    const rv = checked.metadata.resourceVersion;
    if (rv && rv !== live.metadata.resourceVersion) throw conflict(info, name!);
    return checked;
  }, opts);
  sendJson(reply, 200, presentObject(info, r.object, parseAccept(req.headers.accept), query), r.warnings);
}
