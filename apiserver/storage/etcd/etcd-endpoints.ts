// The etcd endpoints a client dials: the URLs of --etcd-servers, http:// (h2c) or https:// (HTTP/2
// over TLS). Anything else is refused with the value in the message.

export interface EtcdEndpoint {
  /** scheme://host:port, what http2.connect() dials */
  origin: string;
  secure: boolean;
}

export function parseEtcdEndpoint(value: string): EtcdEndpoint {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`etcd server URL (--etcd-servers) ${JSON.stringify(value)} is not a URL: use http://HOST:PORT or https://HOST:PORT`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`etcd server URL (--etcd-servers) ${JSON.stringify(value)}: scheme ${url.protocol} is not supported: use http:// or https://`);
  }
  if (!url.hostname) throw new Error(`etcd server URL (--etcd-servers) ${JSON.stringify(value)} has no host`);
  if (url.username || url.password) {
    throw new Error(`etcd server URL (--etcd-servers) ${JSON.stringify(value)}: credentials in the URL are not supported`);
  }
  return { origin: url.origin, secure: url.protocol === 'https:' };
}

export function parseEtcdEndpoints(values: readonly string[]): EtcdEndpoint[] {
  const list = values.map((v) => v.trim()).filter(Boolean);
  if (!list.length) throw new Error('etcd server URLs (--etcd-servers): none given');
  return list.map(parseEtcdEndpoint);
}
