// Registers the Node and keeps its status current: checked every 10 s (every second until the Node
// first turns Ready, as the kubelet's fast start-up updates do), written when something other than
// the heartbeat changed and at least once a minute. Hands the Node's spec.podCIDR to the
// runtime (CRI UpdateRuntimeConfig) whenever it appears or changes.
import type { Logger } from 'pino';
import type { Node, NodeStatus } from '../../api/types/core.js';
import type { KubeObject } from '../../api/types/meta.js';
import { isAlreadyExists, isConflict, isNotFound } from '../../client/api-error.js';
import type { ResourceClient } from '../../client/types.js';
import type { RuntimeService } from '../cri/runtime-service.js';
import { buildNodeStatus, nodeStatusChanged } from './node-status.js';
import { pressuresFrom, readPressureSignals } from './pressure.js';
import type { MachineFacts } from './system-info.js';

export type NodeObject = Node & KubeObject;

export const NODE_STATUS_CHECK_MS = 10_000;
export const NODE_STATUS_MAX_AGE_MS = 60_000;
/** check interval until the Node is first Ready (waiting for its pod CIDR and the runtime's network) */
export const NODE_STATUS_STARTUP_CHECK_MS = 1_000;

export interface NodeStatusUpdaterOptions {
  nodes: ResourceClient<NodeObject>;
  runtime: RuntimeService;
  nodeName: string;
  nodeIP: string;
  kubeletPort: number;
  rootDir: string;
  facts: MachineFacts;
  labels: Record<string, string>;
  log: Logger;
}

export class NodeStatusUpdater {
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private lastWrittenAt = 0;
  private lastStatus?: NodeStatus;
  private podCidrSent?: string;
  private uid?: string;
  private wasReady = false;

  constructor(private readonly o: NodeStatusUpdaterOptions) {}

  nodeUid(): string | undefined {
    return this.uid;
  }

  private async computeStatus(previous: NodeStatus | undefined): Promise<NodeStatus> {
    let runtimeVersion = 'skiff://unknown';
    let runtimeProblem: string | undefined;
    try {
      const v = await this.o.runtime.version();
      runtimeVersion = `${v.runtime_name}://${v.runtime_version}`;
      const conds = await this.o.runtime.status();
      const down = conds.filter((c) => (c.type === 'RuntimeReady' || c.type === 'NetworkReady') && !c.status);
      if (down.length) runtimeProblem = down.map((c) => `${c.type}=false reason:${c.reason} message:${c.message}`).join('; ');
    } catch (err) {
      runtimeProblem = (err as Error).message;
    }
    return buildNodeStatus({
      facts: this.o.facts,
      nodeIP: this.o.nodeIP,
      kubeletPort: this.o.kubeletPort,
      runtimeVersion,
      runtimeProblem,
      pressures: pressuresFrom(readPressureSignals(this.o.rootDir)),
      previous: previous?.conditions,
      now: Date.now(),
    });
  }

  /** Creates the Node if missing (with its status), or takes over the existing one. */
  async register(): Promise<void> {
    const { nodes, nodeName } = this.o;
    let node: NodeObject;
    try {
      node = await nodes.get(undefined, nodeName);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      const fresh: NodeObject = {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name: nodeName,
          labels: {
            'kubernetes.io/hostname': nodeName,
            'kubernetes.io/os': 'linux',
            'kubernetes.io/arch': this.o.facts.info.architecture,
            ...this.o.labels,
          },
        },
        spec: {},
      };
      try {
        node = await nodes.create(undefined, fresh);
      } catch (e) {
        if (!isAlreadyExists(e)) throw e;
        node = await nodes.get(undefined, nodeName);
      }
    }
    this.uid = node.metadata.uid;
    await this.writeStatus(node);
  }

  private async writeStatus(node: NodeObject): Promise<void> {
    const status = await this.computeStatus(node.status ?? this.lastStatus);
    let base = node;
    for (let i = 0; i < 5; i++) {
      try {
        const written = await this.o.nodes.updateStatus(undefined, { ...base, status });
        this.lastStatus = status;
        this.lastWrittenAt = Date.now();
        if (status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) this.wasReady = true;
        await this.handPodCidr(written);
        return;
      } catch (err) {
        if (!isConflict(err)) throw err;
        base = await this.o.nodes.get(undefined, this.o.nodeName);
      }
    }
  }

  private async handPodCidr(node: NodeObject): Promise<void> {
    const cidr = node.spec?.podCIDR;
    if (!cidr || cidr === this.podCidrSent) return;
    await this.o.runtime.updateRuntimeConfig(cidr);
    this.podCidrSent = cidr;
    this.o.log.info({ podCIDR: cidr }, 'pod CIDR handed to the runtime');
  }

  /** One check: write when changed or stale; always pass the pod CIDR along. */
  async tick(): Promise<void> {
    let node: NodeObject;
    try {
      node = await this.o.nodes.get(undefined, this.o.nodeName);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await this.register(); // the Node was deleted: register again
      return;
    }
    this.uid = node.metadata.uid;
    await this.handPodCidr(node);
    const status = await this.computeStatus(node.status);
    if (nodeStatusChanged(node.status, status) || Date.now() - this.lastWrittenAt >= NODE_STATUS_MAX_AGE_MS) {
      await this.writeStatus(node);
    }
  }

  start(): void {
    const loop = async () => {
      if (this.stopped) return;
      try {
        await this.tick();
      } catch (err) {
        this.o.log.warn({ err: (err as Error).message }, 'node status update failed');
      }
      if (!this.stopped) this.timer = setTimeout(() => void loop(), this.checkInterval());
    };
    this.timer = setTimeout(() => void loop(), this.checkInterval());
  }

  private checkInterval(): number {
    return this.wasReady ? NODE_STATUS_CHECK_MS : NODE_STATUS_STARTUP_CHECK_MS;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
