// The labels and annotations the kubelet puts on CRI sandboxes and containers. They are how a
// restarted kubelet recognises (adopts) what it created before: pod UID, container name, attempt.
export const LABEL_POD_UID = 'io.kubernetes.pod.uid';
export const LABEL_POD_NAME = 'io.kubernetes.pod.name';
export const LABEL_POD_NAMESPACE = 'io.kubernetes.pod.namespace';
export const LABEL_CONTAINER_NAME = 'io.kubernetes.container.name';
/** 'init' or 'app': lets the decision function tell init containers from app containers */
export const LABEL_CONTAINER_TYPE = 'io.skiff.container.type';
export const ANNOTATION_RESTART_COUNT = 'io.kubernetes.container.restartCount';
/** hash of the container's spec; a running container whose spec changed is restarted */
export const ANNOTATION_CONTAINER_HASH = 'io.kubernetes.container.hash';
/** the pod's terminationGracePeriodSeconds, so an orphan can be stopped with it */
export const ANNOTATION_GRACE_PERIOD = 'io.kubernetes.pod.terminationGracePeriod';
