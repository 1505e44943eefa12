// The course's two questions, against the live lab: how many nova-api processes, and how
// many vCPUs a 4-core host gives at cpu_allocation_ratio = 2.
import type { Lab } from '../lab-model';

export const novaApiAndOvercommit: Lab = {
  id: 'nova-api-and-overcommit',
  title: { en: 'nova-api processes and CPU over-commit', 'zh-CN': 'nova-api 进程数与 CPU 超分' },
  summary: {
    en: "Answer the course's two questions against the running lab: how many nova-api processes are there, and how many vCPUs fit on a 4-core host at cpu_allocation_ratio = 2?",
    'zh-CN':
      '在正在运行的实验环境中回答课程的两个问题：有多少个 nova-api 进程？一台 4 核的物理机在 cpu_allocation_ratio = 2 时最多能分配多少个虚拟 CPU？',
  },
  steps: [
    {
      id: 'count-nova-api',
      title: { en: 'Count the nova-api processes', 'zh-CN': '数一数 nova-api 进程' },
      body: {
        en: 'Open the Overview. nova-api is one master process plus worker processes (like `ps aux | grep nova-api`). How many nova-api processes are running?',
        'zh-CN': '打开“总览”。nova-api 由一个主进程和若干工作进程组成（相当于 `ps aux | grep nova-api`）。现在一共有多少个 nova-api 进程？',
      },
      answer: { label: { en: 'Number of nova-api processes', 'zh-CN': 'nova-api 进程数' } },
      check: { kind: 'answer-equals-fact', fact: 'nova_api_processes' },
      hint: {
        en: 'Count the master and every worker PID in the nova-api row.',
        'zh-CN': '主进程加上 nova-api 那一行里的每个工作进程 PID。',
      },
      goto: 'overview',
    },
    {
      id: 'set-workers',
      title: { en: 'Who decides how many? nova.conf', 'zh-CN': '由谁控制进程数？nova.conf' },
      body: {
        en: 'The worker count comes from osapi_compute_workers, metadata_workers and ec2_workers (each ≥ 1). In Configuration set osapi_compute_workers = 1, save, and restart nova-api. Watch the process count change.',
        'zh-CN':
          '服务进程数由 osapi_compute_workers、metadata_workers 和 ec2_workers 决定（都必须 >= 1）。在“配置”中把 osapi_compute_workers 设为 1，保存并重启 nova-api，观察进程数的变化。',
      },
      check: {
        kind: 'all',
        checks: [
          { kind: 'config-equals', key: 'osapi_compute_workers', value: 1 },
          { kind: 'facts-equal', a: 'nova_api_processes', b: 'nova_api_expected_processes' },
        ],
      },
      hint: {
        en: 'Processes = 1 master + osapi_compute_workers + metadata_workers + ec2_workers, once nova-api has restarted.',
        'zh-CN': '重启 nova-api 之后：进程数 = 1 个主进程 + osapi_compute_workers + metadata_workers + ec2_workers。',
      },
      goto: 'config',
    },
    {
      id: 'cpu-ratio',
      title: { en: '4 cores at cpu_allocation_ratio 2', 'zh-CN': '4 核物理机，cpu_allocation_ratio = 2' },
      body: {
        en: 'CoreFilter lets a host hand out physical cores × cpu_allocation_ratio vCPUs. Set cpu_allocation_ratio = 2 in Configuration (restart nova-compute), then answer: how many vCPUs can a 4-core host give at most?',
        'zh-CN':
          'CoreFilter 允许一台物理机分配“物理核数 × cpu_allocation_ratio”个虚拟 CPU。在“配置”中把 cpu_allocation_ratio 设为 2（重启 nova-compute），然后回答：一台 4 核的物理机最多可以分配多少个虚拟 CPU？',
      },
      answer: { label: { en: 'vCPUs on a 4-core host', 'zh-CN': '4 核物理机可分配的虚拟 CPU 数' } },
      check: {
        kind: 'all',
        checks: [
          { kind: 'config-equals', key: 'cpu_allocation_ratio', value: 2 },
          { kind: 'answer-equals-fact', fact: 'four_core_vcpu_limit' },
        ],
      },
      hint: { en: '4 × 2.', 'zh-CN': '4 × 2。' },
      goto: 'config',
    },
  ],
};
