// Filters beyond resources: a server group with the anti-affinity policy, the filter that
// keeps its members apart, and the question the course asks of every filter — when does the
// list of hosts run out?
import type { Lab } from '../lab-model';

export const serverGroupAntiAffinity: Lab = {
  id: 'server-group-anti-affinity',
  title: { en: 'Anti-affinity: one member per host', 'zh-CN': '反亲和：每台主机一个成员' },
  summary: {
    en: 'Put servers in an anti-affinity server group, see ServerGroupAntiAffinityFilter keep them on different hosts, and find out how many members the lab can place.',
    'zh-CN':
      '把实例放进一个反亲和服务器组，观察 ServerGroupAntiAffinityFilter 如何让它们分布在不同的主机上，并算出实验环境最多能放下多少个成员。',
  },
  steps: [
    {
      id: 'enable-filter',
      title: { en: 'Turn the filter on', 'zh-CN': '启用过滤器' },
      body: {
        en: "The course's filter list does not include ServerGroupAntiAffinityFilter. In Configuration add it to scheduler_default_filters, save, and restart nova-scheduler.",
        'zh-CN':
          '课程默认的过滤器列表里没有 ServerGroupAntiAffinityFilter。在“配置”中把它加入 scheduler_default_filters，保存并重启 nova-scheduler。',
      },
      check: { kind: 'config-includes', key: 'scheduler_default_filters', item: 'ServerGroupAntiAffinityFilter' },
      hint: {
        en: 'Append ",ServerGroupAntiAffinityFilter" to the comma-separated list.',
        'zh-CN': '在逗号分隔的列表末尾加上“,ServerGroupAntiAffinityFilter”。',
      },
      goto: 'config',
    },
    {
      id: 'create-group',
      title: { en: 'Create the group', 'zh-CN': '创建服务器组' },
      body: {
        en: "With the lab's openrc sourced: `openstack server group create --policy anti-affinity web`.",
        'zh-CN': '先执行实验环境的 `source openrc`，然后执行：`openstack server group create --policy anti-affinity web`。',
      },
      check: { kind: 'fact-at-least', fact: 'anti_affinity_groups', value: 1 },
    },
    {
      id: 'spread',
      title: { en: 'Launch members', 'zh-CN': '启动组成员' },
      body: {
        en: 'Launch servers with the group chosen in the wizard (the hint group=<id>). In the Scheduler view, the hosts that already hold a member are rejected by ServerGroupAntiAffinityFilter, with the reason.',
        'zh-CN':
          '在“创建实例”页面中选择这个服务器组来启动实例（调度提示 group=<id>）。在“调度器”页面中可以看到：已经有成员的主机被 ServerGroupAntiAffinityFilter 过滤掉，并给出原因。',
      },
      check: { kind: 'fact-at-least', fact: 'anti_affinity_hosts_used', value: 2 },
      hint: {
        en: 'Two ACTIVE members on two different hosts complete this step.',
        'zh-CN': '两个处于 ACTIVE 状态、位于不同主机上的成员即可完成这一步。',
      },
      goto: 'launch',
    },
    {
      id: 'run-out',
      title: { en: 'When do the hosts run out?', 'zh-CN': '主机什么时候会用完？' },
      body: {
        en: 'Each host that can run the image takes one member. How many members can the group place in this lab? Launch members until one goes to ERROR with "No valid host was found", naming the filter; then type how many the group placed.',
        'zh-CN':
          '每台能运行该镜像的主机只能放一个成员。这个服务器组在本实验环境中最多能放下多少个成员？一直启动成员，直到有一个进入 ERROR 状态（错误是 NoValidHost：没有找到有效主机，并指出是哪个过滤器）；然后填写服务器组实际放下的成员数。',
      },
      answer: { label: { en: 'Members the group can place', 'zh-CN': '服务器组最多能放下的成员数' } },
      check: {
        kind: 'all',
        checks: [
          { kind: 'answer-equals-fact', fact: 'anti_affinity_placed' },
          { kind: 'fact-at-least', fact: 'anti_affinity_refused', value: 1 },
        ],
      },
      hint: {
        en: 'Not every host that is up can take a member: in the Scheduler view of the refused member, see which filter rejected each host (an aarch64-only host cannot run an x86_64 image).',
        'zh-CN':
          '并不是每台运行中的主机都能放成员：在“调度器”页面中查看被拒绝的那个成员，看看每台主机是被哪个过滤器排除的（只支持 aarch64 的主机无法运行 x86_64 镜像）。',
      },
      goto: 'scheduler',
    },
  ],
};
