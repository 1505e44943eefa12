// BuildFailureWeigher (Zed): weight = builds that failed on the host since its last
// successful one; the multiplier is minus build_failure_weight_multiplier (1000000.0), so a
// host that keeps failing sinks below every healthy one until a build succeeds there.
import type { SchedulerWeigher } from './types.js';

export const buildFailureWeigher: SchedulerWeigher = {
  name: 'BuildFailureWeigher',
  multiplier: (opts) => -opts.build_failure_weight_multiplier,
  multiplierOption: 'build_failure_weight_multiplier',
  negatedMultiplier: true,
  weigh: (host) => host.failed_builds ?? 0,
};
