// A container whose spec cannot be turned into a CRI config on this node: the kubelet shows it as
// `waiting: CreateContainerConfigError` with this message and records a Warning event.
export class ContainerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContainerConfigError';
  }
}
