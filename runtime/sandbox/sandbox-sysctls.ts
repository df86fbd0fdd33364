// Pod sysctls (PodSandboxConfig.linux.sysctls): only namespaced ones, set inside the pod's
// namespaces — net.* in its network namespace, IPC ones (kernel.shm*, kernel.msg*, kernel.sem,
// fs.mqueue.*) in its IPC namespace — by a short `nsenter` into the pause process's namespaces.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

const IPC = [/^kernel\.shm(all|max|mni|_rmid_forced)$/, /^kernel\.msg(max|mnb|mni)$/, /^kernel\.sem$/, /^fs\.mqueue\.[a-z_]+$/];
const KEY = /^[a-z0-9_]+(\.[a-z0-9_-]+)+$/;

/** Pure: throws naming the sysctl when it is not namespaced or would reach the host's namespace. */
export function checkSysctls(sysctls: Record<string, string>, hostNetwork: boolean, hostIpc: boolean, field = 'config.linux.sysctls'): void {
  for (const [key, value] of Object.entries(sysctls)) {
    const f = `${field}[${JSON.stringify(key)}]`;
    if (!KEY.test(key)) throw new Error(`${f}: not a sysctl name`);
    if (/[\n\0]/.test(value)) throw new Error(`${f}: value ${JSON.stringify(value)} has a newline or NUL`);
    if (key.startsWith('net.')) {
      if (hostNetwork) throw new Error(`${f}: a net.* sysctl cannot be set for a pod on the host network`);
    } else if (IPC.some((re) => re.test(key))) {
      if (hostIpc) throw new Error(`${f}: an IPC sysctl cannot be set for a pod on the host IPC namespace`);
    } else {
      throw new Error(`${f}: not a namespaced sysctl (net.*, kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*)`);
    }
  }
}

export async function applySysctls(pausePid: number, sysctls: Record<string, string>): Promise<void> {
  for (const [key, value] of Object.entries(sysctls)) {
    const file = `/proc/sys/${key.replaceAll('.', '/')}`;
    try {
      await run('nsenter', [`--target=${pausePid}`, '--net', '--ipc', '--', 'sh', '-c', 'printf "%s\\n" "$1" > "$2"', 'sysctl', value, file]);
    } catch (err) {
      const msg = (err as { stderr?: string }).stderr?.trim() || (err as Error).message;
      throw new Error(`config.linux.sysctls[${JSON.stringify(key)}]: setting ${JSON.stringify(value)}: ${msg}`);
    }
  }
}
