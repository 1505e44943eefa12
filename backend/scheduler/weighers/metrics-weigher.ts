// MetricsWeigher: weight = Σ ratio × host.metrics[name] over [metrics] weight_setting
// ("cpu.percent=-1.0, load=0.5"). A host missing a weighed metric gets
// [metrics] weight_of_unavailable instead (unless that metric's ratio × multiplier is 0) when
// [metrics] required is false; when it is true (Nova's default), the request fails with
// ComputeHostMetricNotFound naming the host and the metric.
import { ComputeHostMetricNotFound, type SchedulerWeigher } from './types.js';
import { weightMultiplier } from '../../shared/aggregate-values.js';
import { pyFloat } from '../extra-specs-ops.js';
import { sameList } from '../same-list.js';

export interface MetricsWeightSetting {
  setting: [name: string, ratio: number][];
  /** Items that are not "name=ratio"; Nova ignores them with a warning. */
  invalid: string[];
}

let lastItems: readonly string[] = [];
let lastParsed: MetricsWeightSetting = { setting: [], invalid: [] };

/**
 * Parse [metrics] weight_setting the way Nova's parse_options does. The last list parsed is
 * remembered (the weigher asks once per host).
 */
export function parseWeightSetting(items: readonly string[]): MetricsWeightSetting {
  if (sameList(items, lastItems)) return lastParsed;
  const parsed: MetricsWeightSetting = { setting: [], invalid: [] };
  for (const item of items) {
    const eq = item.indexOf('=');
    const name = eq < 0 ? '' : item.slice(0, eq).trim();
    const ratio = eq < 0 ? NaN : pyFloat(item.slice(eq + 1));
    if (name && !Number.isNaN(ratio)) parsed.setting.push([name, ratio]);
    else parsed.invalid.push(item);
  }
  lastItems = items.slice();
  lastParsed = parsed;
  return parsed;
}

export const metricsWeigher: SchedulerWeigher = {
  name: 'MetricsWeigher',
  multiplier: (opts) => opts.metrics_weight_multiplier,
  multiplierOption: 'metrics_weight_multiplier',
  weigh(host, _spec, opts) {
    const { setting } = parseWeightSetting(opts.metrics_weight_setting);
    let value = 0;
    for (let i = 0; i < setting.length; i++) {
      const [name, ratio] = setting[i]!;
      const metric = host.metrics[name]; // a number is never inherited: no own-property check needed
      if (typeof metric === 'number') value += metric * ratio;
      else if (opts.metrics_required) throw new ComputeHostMetricNotFound(host.host, host.nodename, name);
      else if (ratio * weightMultiplier(host, 'metrics_weight_multiplier', opts.metrics_weight_multiplier) !== 0)
        return opts.metrics_weight_of_unavailable;
    }
    return value;
  },
};
