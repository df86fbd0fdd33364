// Server-side apply (`application/apply-patch+yaml`): creates or updates, tracking field managers in
// managedFields; conflicts with other managers answer 409 unless force=true.
import { apiVersionOf } from '../../api/resources.js';
import { badRequest, StatusError } from '../../api/status.js';
import { applyConflictError, serverSideApply } from '../../api/server-side-apply.js';
import { parseAccept } from '../http/negotiation.js';
import { sendJson } from '../http/respond.js';
import { timestamp } from '../registry/object-rules.js';
import { asObjectOf } from './body-checks.js';
import { boolParam, dryRunParam, fieldValidationParam } from './query.js';
import { presentObject } from './presenter.js';
import type { HandlerArgs } from './resource-routes.js';

export async function serveApply(a: HandlerArgs, raw: unknown): Promise<void> {
  const { ctx, ri, req, reply, query } = a;
  const { info, namespace, name } = ri;
  if (ri.subresource) throw badRequest(`server-side apply is not supported on the ${ri.subresource} subresource`);
  const manager = query.get('fieldManager');
  if (!manager) throw badRequest('PATCH with application/apply-patch+yaml requires the fieldManager parameter: fieldManager: Required value: is required for apply patch');
  const force = boolParam(query, 'force');
  const applied = asObjectOf(info, raw, namespace);
  if (applied.metadata.name === undefined) applied.metadata.name = name;
  if (applied.metadata.name !== name) throw badRequest(`the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`);
  if (info.namespaced) applied.metadata.namespace = namespace;
  const opts = { fieldValidation: fieldValidationParam(query), dryRun: dryRunParam(query) };
  const accept = parseAccept(req.headers.accept);
  const apply = (live: Parameters<typeof serverSideApply>[0]) => {
    const r = serverSideApply(live, applied, manager, force, timestamp(new Date()));
    if (r.conflicts.length) throw applyConflictError(r.conflicts);
    return r.object;
  };

  let exists = true;
  try {
    await ctx.registry.get(info, namespace, name!);
  } catch (e) {
    if (!(e instanceof StatusError && e.code === 404)) throw e;
    exists = false;
  }
  if (!exists) {
    try {
      const obj = apply(undefined);
      obj.apiVersion = apiVersionOf(info);
      obj.kind = info.kind;
      const r = await ctx.registry.create(info, namespace, obj, opts);
      return void sendJson(reply, 201, presentObject(info, r.object, accept, query), r.warnings);
    } catch (e) {
      // created meanwhile by someone else: apply as an update below
      if (!(e instanceof StatusError && e.reason === 'AlreadyExists')) throw e;
    }
  }
  const r = await ctx.registry.guaranteedUpdate(info, namespace, name!, (live) => apply(live), opts);
  sendJson(reply, 200, presentObject(info, r.object, accept, query), r.warnings);
}
