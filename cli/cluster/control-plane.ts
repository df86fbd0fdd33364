// The control-plane half of a cluster, shared by `skiff up` and `skiff server`.
import type { ClusterLayout } from './layout.js';
import {
  apiserverComponent,
  controllerManagerComponent,
  etcdComponent,
  schedulerComponent,
  type ServerSettings,
} from './components.js';
import type { Supervisor } from './supervisor.js';

export async function startControlPlane(sup: Supervisor, layout: ClusterLayout, s: ServerSettings): Promise<void> {
  await sup.start(etcdComponent(layout, s));
  await sup.start(apiserverComponent(layout, s));
  await sup.start(controllerManagerComponent(layout, s));
  await sup.start(schedulerComponent(layout));
}
