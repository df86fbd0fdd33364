import { describe, expect, it } from 'vitest';
import * as protoLoader from '@grpc/proto-loader';
import { CRI_LOADER_OPTIONS, criAddress, criProtoPath, loadCri } from '../../runtime/cri/proto-loader.js';

describe('CRI proto loader', () => {
  it('declares every RPC of both CRI services', () => {
    const { runtimeServiceDefinition, imageServiceDefinition } = loadCri();
    for (const rpc of ['Version', 'Status', 'RunPodSandbox', 'StopPodSandbox', 'RemovePodSandbox', 'PodSandboxStatus',
      'ListPodSandbox', 'CreateContainer', 'StartContainer', 'StopContainer', 'RemoveContainer', 'ListContainers',
      'ContainerStatus', 'UpdateContainerResources', 'ReopenContainerLog', 'ExecSync', 'Exec', 'Attach', 'PortForward',
      'ContainerStats', 'ListContainerStats', 'PodSandboxStats', 'ListPodSandboxStats', 'UpdateRuntimeConfig',
      'CheckpointContainer', 'GetContainerEvents', 'ListMetricDescriptors', 'ListPodSandboxMetrics', 'RuntimeConfig',
      'UpdatePodSandboxResources', 'StreamPodSandboxes', 'StreamContainers', 'StreamContainerStats']) {
      expect(runtimeServiceDefinition[rpc]?.path, rpc).toBe(`/runtime.v1.RuntimeService/${rpc}`);
    }
    for (const rpc of ['ListImages', 'ImageStatus', 'PullImage', 'RemoveImage', 'ImageFsInfo']) {
      expect(imageServiceDefinition[rpc]?.path, rpc).toBe(`/runtime.v1.ImageService/${rpc}`);
    }
  });

  it('uses the CRI field numbers on the wire', () => {
    const def = protoLoader.loadSync(criProtoPath(), CRI_LOADER_OPTIONS);
    const fields = (name: string): Record<string, number> => {
      const t = (def[`runtime.v1.${name}`] as { type: { field: { name: string; number: number }[] } }).type;
      return Object.fromEntries(t.field.map((f) => [f.name, f.number]));
    };
    expect(fields('PodSandboxConfig')).toMatchObject({ metadata: 1, hostname: 2, log_directory: 3, dns_config: 4, port_mappings: 5, labels: 6, annotations: 7, linux: 8 });
    expect(fields('LinuxSandboxSecurityContext')).toMatchObject({ namespace_options: 1, run_as_user: 3, run_as_group: 8, readonly_rootfs: 4, privileged: 6 });
    expect(fields('ContainerConfig')).toMatchObject({ metadata: 1, image: 2, command: 3, args: 4, working_dir: 5, envs: 6, mounts: 7, labels: 9, annotations: 10, log_path: 11, tty: 14, linux: 15, stop_signal: 18 });
    expect(fields('LinuxContainerSecurityContext')).toMatchObject({ capabilities: 1, privileged: 2, namespace_options: 3, run_as_user: 5, run_as_username: 6, readonly_rootfs: 7, no_new_privs: 11, run_as_group: 12 });
    expect(fields('ContainerStatus')).toMatchObject({ id: 1, state: 3, exit_code: 7, reason: 10, log_path: 15, image_id: 17 });
    expect(fields('ImageSpec')).toMatchObject({ image: 1, annotations: 2, user_specified_image: 18, runtime_handler: 19, image_ref: 20 });
    expect(fields('Namespace')).toMatchObject({ options: 2 });
  });

  it('turns endpoints into grpc addresses', () => {
    expect(criAddress('unix:///run/skiff/runtime.sock')).toBe('unix:///run/skiff/runtime.sock');
    expect(criAddress('/run/skiff/runtime.sock')).toBe('unix:///run/skiff/runtime.sock');
  });
});
