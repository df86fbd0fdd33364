// CNI spec 1.0.0 shapes: network configuration lists, results, errors.

export interface CniPluginConf {
  type: string;
  capabilities?: Record<string, boolean>;
  [key: string]: unknown;
}

export interface CniConfList {
  cniVersion: string;
  name: string;
  disableCheck?: boolean;
  plugins: CniPluginConf[];
}

export interface CniInterface {
  name: string;
  mac?: string;
  sandbox?: string;
}

export interface CniIpConfig {
  address: string; // CIDR, e.g. 10.88.0.5/16
  gateway?: string;
  interface?: number;
}

export interface CniResult {
  cniVersion: string;
  interfaces?: CniInterface[];
  ips?: CniIpConfig[];
  routes?: { dst: string; gw?: string }[];
  dns?: { nameservers?: string[]; domain?: string; search?: string[]; options?: string[] };
}

/** CNI `runtimeConfig.portMappings` entry (the portmap plugin's capability). */
export interface CniPortMapping {
  hostPort: number;
  containerPort: number;
  protocol: 'tcp' | 'udp' | 'sctp';
  hostIP?: string;
}

export type CniCommand = 'ADD' | 'DEL' | 'CHECK' | 'VERSION';

export interface CniAttachment {
  containerId: string;
  /** path of the pinned network namespace; may no longer exist on DEL */
  netns: string;
  ifName: string;
  /** CNI_ARGS pairs: K8S_POD_NAMESPACE, K8S_POD_NAME, ... */
  args?: Record<string, string>;
  portMappings?: CniPortMapping[];
}

/** A failed plugin call: the error JSON the plugin printed, or what went wrong running it. */
export class CniError extends Error {
  constructor(
    readonly plugin: string,
    readonly command: CniCommand,
    readonly cniCode: number | undefined,
    message: string,
  ) {
    super(`CNI ${command} ${plugin}: ${message}`);
    this.name = 'CniError';
  }
}
