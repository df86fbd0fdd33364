// The plugins the scheduler runs by default, cheapest and most selective filters first.
import type { Profile } from './framework.js';
import { nodeReadyFilter } from './plugins/node-ready.js';
import { nodeAffinityFilter } from './plugins/node-affinity.js';
import { taintTolerationFilter } from './plugins/taint-toleration.js';
import { nodeResourcesFitFilter } from './plugins/node-resources-fit.js';
import { nodePortsFilter } from './plugins/node-ports.js';
import { leastAllocatedScore } from './plugins/least-allocated.js';
import { balancedAllocationScore } from './plugins/balanced-allocation.js';
import { preferredNodeAffinityScore } from './plugins/preferred-node-affinity.js';
import { ownerSpreadScore } from './plugins/owner-spread.js';
import { preferNoScheduleScore } from './plugins/prefer-no-schedule.js';

export function defaultProfile(percentageOfNodesToScore = 0): Profile {
  return {
    filters: [nodeReadyFilter, nodeAffinityFilter, taintTolerationFilter, nodeResourcesFitFilter, nodePortsFilter],
    scores: [leastAllocatedScore, balancedAllocationScore, preferredNodeAffinityScore, ownerSpreadScore, preferNoScheduleScore],
    percentageOfNodesToScore,
  };
}
