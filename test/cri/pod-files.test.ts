import { describe, expect, it } from 'vitest';
import { renderHosts, renderResolvConf } from '../../runtime/sandbox/pod-files.js';
import { checkSysctls } from '../../runtime/sandbox/sandbox-sysctls.js';

describe('pod files', () => {
  it('renders hosts and resolv.conf (dropping loopback nameservers of the host)', () => {
    expect(renderHosts('web', '10.88.0.2')).toContain('10.88.0.2\tweb\n');
    expect(renderResolvConf(null, 'nameserver 127.0.0.53\nnameserver 10.0.0.2\nsearch corp\n')).toBe('nameserver 10.0.0.2\nsearch corp\n');
    expect(renderResolvConf({ servers: ['10.96.0.10'], searches: ['default.svc.cluster.local'], options: ['ndots:5'] }, '')).toBe('search default.svc.cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n');
  });

});

describe('pod sysctls', () => {
  it('accepts namespaced sysctls only, and none that would reach a host namespace', () => {
    expect(() => checkSysctls({ 'net.ipv4.ip_local_port_range': '1024 65000', 'kernel.shm_rmid_forced': '1', 'fs.mqueue.msg_max': '20' }, false, false)).not.toThrow();
    expect(() => checkSysctls({ 'kernel.panic': '1' }, false, false)).toThrow('config.linux.sysctls["kernel.panic"]: not a namespaced sysctl');
    expect(() => checkSysctls({ 'net.core.somaxconn': '100' }, true, false)).toThrow('host network');
    expect(() => checkSysctls({ 'kernel.sem': '1 2 3 4' }, false, true)).toThrow('host IPC');
    expect(() => checkSysctls({ '../../etc': 'x' }, false, false)).toThrow('not a sysctl name');
  });
});
