// The messages that explain what happened (why a host was rejected, why a boot found no host,
// what the scheduler did), by code, each with its English template and {{parameters}}. The
// backend sends the code and the parameters beside the English text it derives from them here
// (the CLI, the API and the logs keep that text); the GUI renders the code in the learner's
// language (renderer/src/i18n/parts/messages.<lang>.json, checked against this catalogue).
//
// A template with a `one` form is plural on the `count` parameter (i18next's key_one/key_other).
// A parameter may itself be a message, or a list of them, so a reason can carry another
// (the NoValidHost fault lists every host's reason).

export const MESSAGES = {
  // RamFilter, CoreFilter, DiskFilter and their Aggregate* variants (backend/shared/capacity.ts).
  'filter.ram.overSelf': {
    text: '{{requested_mb}} MB requested > {{physical_mb}} MB physical RAM (an instance may not overcommit against itself)',
  },
  'filter.ram.insufficient': {
    text: '{{usable_mb}} MB usable RAM < {{requested_mb}} MB requested ({{physical_mb}} MB × ratio {{ratio}} − {{used_mb}} MB used)',
  },
  'filter.core.overSelf': {
    text: '{{count}} vCPUs requested > {{physical}} physical vCPUs (an instance may not overcommit against itself)',
    one: '{{count}} vCPU requested > {{physical}} physical vCPUs (an instance may not overcommit against itself)',
  },
  'filter.core.insufficient': {
    text: '{{count}} vCPUs × ratio {{ratio}} = {{usable}} usable, {{used}} used, {{requested}} requested',
    one: '{{count}} vCPU × ratio {{ratio}} = {{usable}} usable, {{used}} used, {{requested}} requested',
  },
  'filter.disk.overSelf': {
    text:
      '{{requested_mb}} MB requested (root {{root_gb}} GB + ephemeral {{ephemeral_gb}} GB + swap {{swap_mb}} MB) > ' +
      '{{total_mb}} MB disk before overcommit (an instance may not overcommit against itself)',
  },
  'filter.disk.insufficient': {
    text:
      '{{usable_mb}} MB usable disk < {{requested_mb}} MB requested (root {{root_gb}} GB + ephemeral {{ephemeral_gb}} GB + ' +
      'swap {{swap_mb}} MB; {{total_mb}} MB × ratio {{ratio}} − {{used_mb}} MB used)',
  },
  'filter.aggregateRatio': { text: '{{reason}}; ratio from {{source}}' },
  // Where a limit or ratio came from (backend/shared/aggregate-values.ts).
  'source.novaConf': { text: 'nova.conf' },
  'source.hostRatio': { text: "the host's own {{key}} {{ratio}}" },
  'source.aggregate': { text: 'aggregate metadata {{key}} ({{values}})' },
  'source.aggregateMin': { text: 'aggregate metadata {{key}} (minimum of {{values}})' },
  'source.aggregateInvalid': { text: '{{fallback}} (aggregate {{key}} {{values}} is not a number)' },
  // ComputeFilter.
  'filter.compute.disabled': { text: 'nova-compute on {{host}} is disabled (reason: "{{reason}}")' },
  'filter.compute.disabledNoReason': { text: 'nova-compute on {{host}} is disabled (reason: none given)' },
  'filter.compute.forcedDown': { text: 'nova-compute on {{host}} is down: forced down by an administrator' },
  'filter.compute.down': { text: 'nova-compute on {{host}} is down: no heartbeat within service_down_time' },
  'filter.retry.tried': { text: 'already tried for this instance and failed there (attempt {{attempt}}; hosts tried: {{hosts}})' },
  'filter.zone.aggregate': {
    text: 'host is in zone {{zones}} (aggregate availability_zone metadata), the request asks for zone "{{wanted}}"',
  },
  'filter.zone.default': { text: 'host is in zone "{{zone}}", the request asks for zone "{{wanted}}"' },
  'filter.sameHost': { text: 'scheduler hint same_host asks for the host of {{uuids}}; none of them is on this host' },
  'filter.differentHost': {
    text: 'scheduler hint different_host excludes the hosts of {{uuids}}; {{here}} are on this host',
    one: 'scheduler hint different_host excludes the hosts of {{uuids}}; {{here}} is on this host',
  },
  'filter.aggregateExtraSpecs.absent': {
    text: 'flavor extra spec {{spec}}="{{req}}": no aggregate of this host ({{aggregates}}) has metadata "{{key}}"',
  },
  'filter.aggregateExtraSpecs.mismatch': {
    text: 'flavor extra spec {{spec}}="{{req}}" matches none of the host\'s aggregate values {{key}}={{values}}',
  },
  'filter.aggregateImageProperties': {
    text: 'image property {{key}}="{{value}}" is not among the host\'s aggregate values {{key}}={{values}}',
  },
  'filter.aggregateTypeAffinity': { text: "flavor {{flavor}} is not in the host's aggregate instance_type {{values}}" },
  'filter.aggregateTenancy': { text: "project {{project}} is not in the host's aggregate filter_tenant_id {{tenants}}" },
  'filter.capabilities.absent': { text: 'flavor extra spec {{spec}}="{{req}}": the host has no capability "{{capability}}"' },
  'filter.capabilities.mismatch': { text: 'flavor extra spec {{spec}}="{{req}}" does not match the host\'s value "{{value}}"' },
  'filter.numInstances': { text: '{{num}} instances on the host, max_instances_per_host is {{max}} ({{source}})' },
  'filter.ioOps': {
    text: '{{num}} I/O operations under way (builds, resizes, snapshots…), max_io_ops_per_host is {{max}} ({{source}})',
  },
  'filter.json.notJson': { text: 'the query hint is not JSON ({{error}})' },
  'filter.json.invalid': { text: 'query {{query}}: {{error}}' },
  'filter.json.false': { text: 'query {{query}} is false for this host{{variables}}' },
  'filter.groupAffinity': { text: 'server group {{group}} has policy affinity and its members are on {{hosts}}, not on this host' },
  'filter.groupAntiAffinity': { text: 'server group {{group}} has policy anti-affinity and already has a member on {{host}}' },
  'filter.groupAntiAffinityMax': {
    text: 'server group {{group}} has policy anti-affinity with max_server_per_host={{max}} and {{host}} already holds {{count}} members',
    one: 'server group {{group}} has policy anti-affinity with max_server_per_host={{max}} and {{host}} already holds {{count}} member',
  },
  'filter.image.noneSupported': { text: 'image needs {{needs}} but the host advertises no supported instance types{{unknown}}' },
  'filter.image.offers': { text: 'image needs {{needs}}; the host offers {{offers}}{{unknown}}' },
  'filter.image.unknownName': { text: '; "{{name}}" is not a name Nova knows for {{prop}}' },
  'filter.image.unknownNameHint': { text: '; "{{name}}" is not a name Nova knows for {{prop}} (did you mean {{hint}}?)' },
  'filter.image.versionUnreadable': { text: 'image property hypervisor_version_requires: {{error}}' },
  'filter.image.version': { text: "image needs hypervisor version {{condition}}; the host's {{hv_type}} is {{version}} ({{packed}})" },
  // Steps of a move or a forced host, shown like filters.
  'filter.forcedHost': { text: 'not the forced host {{host}} (filters are skipped when a host is forced)' },
  'filter.rebuildHost': { text: "not the instance's host {{host}}: a rebuild checks the new image where the instance is" },
  'filter.move.alreadyHereMigrate': { text: 'the instance is already here: a cold migration moves it to another host' },
  'filter.move.alreadyHereResize': { text: 'the instance is already here (allow_resize_to_same_host = False)' },
  'filter.move.notRequested': { text: 'not the requested destination {{host}}' },
  // The NoValidHost fault and the other ends of a decision.
  'noValidHost.plain': { text: 'No valid host was found. There are not enough hosts available.' },
  'noValidHost.noHosts': {
    text: 'No valid host was found. There are not enough hosts available. No compute host is known to the scheduler.',
  },
  'noValidHost.emptied': {
    text: 'No valid host was found. There are not enough hosts available. {{filter}} rejected every remaining host: {{reasons}}.{{before}}',
  },
  'noValidHost.hostReason': { text: '{{host}}: {{reason}}' },
  'noValidHost.before': { text: ' Before it, {{removed}}.' },
  'noValidHost.removed': { text: '{{filter}} removed {{hosts}}' },
  'noValidHost.forcedHost': {
    text: 'No valid host was found. The forced host {{host}} is not one of the {{count}} compute hosts known to the scheduler.',
    one: 'No valid host was found. The forced host {{host}} is not one of the {{count}} compute host known to the scheduler.',
  },
  'noValidHost.claimsRefused': { text: 'No valid host was found. Every host that passed the filters refused the claim: {{refusals}}' },
  'noValidHost.allOrNone': {
    text: '{{error}} The request is for {{count}} instances, all or none: instance {{index}} of {{count}} found no host{{released}}',
  },
  'noValidHost.allOrNoneReleased': {
    text: ', so the {{count}} placed before it were released.',
    one: ', so the {{count}} placed before it was released.',
  },
  'noValidHost.allOrNoneNone': { text: '.' },
  'scheduler.released': {
    text: '{{host}} was released: the request is for {{count}} instances, all or none, and instance {{index}} of {{count}} found no host.',
  },
  'scheduler.claimMoved': { text: 'claim on {{chosen}} refused ({{refusals}}); placed on {{host}}' },
  'scheduler.weigherFailed': { text: '{{weigher}}: {{error}}' },
  'scheduler.metricMissing': {
    text:
      'Metric {{metric}} could not be found on the compute host node {{host}}.{{node}}. ' +
      '([metrics] required is true; set it to false to give such hosts [metrics] weight_of_unavailable instead.)',
  },
  // The scheduler's step summaries (the walkthrough's lines).
  'step.schedulerFiltering': {
    text: 'filtering {{count}} hosts with {{filters}}; weighing with {{weighers}}',
    one: 'filtering {{count}} host with {{filters}}; weighing with {{weighers}}',
  },
  'step.schedulerChose': {
    text: 'chose {{host}} (subset of {{subset}} from {{count}} weighed hosts)',
    one: 'chose {{host}} (subset of {{subset}} from {{count}} weighed host)',
  },
  'step.schedulerCall': { text: 'rpc.call scheduler.select_destinations for {{names}} (attempt {{attempt}})' },
  'step.schedulerCallMany': { text: 'rpc.call scheduler.select_destinations for {{count}} instances ({{names}}) (attempt {{attempt}})' },
  'step.computeCast': { text: 'rpc.cast compute.{{host}}.build_and_run_instance for {{name}}' },
  'step.identityCredentials': { text: 'POST {{path}} for user {{user}}, project {{project}}' },
  'step.identityCredentialsUnscoped': { text: 'POST {{path}} for user {{user}} (unscoped)' },
  'identity.tokenHolder': { text: 'the holder of a token (re-scoping)' },
  'step.identityRefused': { text: 'no token for user {{user}}: {{status}} {{error}}' },
  'step.identityToken': { text: 'token issued to {{user}} for project {{project}}, roles {{roles}}' },
  'step.identityTokenUnscoped': { text: 'token issued to {{user}} for no project (unscoped), roles {{roles}}' },
  'step.apiRequest': { text: 'POST /v2.1/servers (microversion {{microversion}})' },
  'step.apiPolicyAllowed': { text: 'token valid for {{user}}@{{project}}; {{rule}}: allowed' },
  'step.apiPolicyDenied': { text: 'token valid for {{user}}@{{project}}; {{rule}}: denied' },
  'step.conductorRecord': {
    text: 'rpc.call conductor.instance_create: {{count}} instance records for {{name}}, flavor {{flavor}}, image {{image}}',
    one: 'rpc.call conductor.instance_create: {{count}} instance record for {{name}}, flavor {{flavor}}, image {{image}}',
  },
  'step.conductorWrote': {
    text: 'nova-conductor wrote instance {{name}} ({{uuid}}) to the database: vm_state {{vm_state}}, task_state {{task_state}}',
  },
  'step.computeNetwork': {
    text: 'network for {{name}}: MAC {{mac}}, fixed IP {{ip}} (QEMU user-mode network, metadata at 169.254.169.254)',
  },
  'step.computeDriverPrepare': { text: '{{host}}: the {{driver}} driver prepares {{name}} ({{vcpus}} vCPU, {{ram_mb}} MB)' },
  'step.computeStarted': { text: 'started {{binary}} (pid {{pid}})' },
  'step.computeStartedNoProcess': { text: 'started {{name}} ({{driver}} driver)' },
  'step.computeImage': { text: '{{host}} fetches image {{image}} from glance into its cache' },
  // The compute driver's progress while it spawns a guest, and the guest's login banner; the
  // detail is data (a command line, a pid, what the guest printed).
  'progress.creatingDisk': { text: '{{name}}: creating-disk {{detail}}' },
  'progress.starting': { text: '{{name}}: starting {{detail}}' },
  'progress.started': { text: '{{name}}: started {{detail}}' },
  'progress.banner': { text: '{{name}}: banner {{line}}' },
  // nova-api answering the GUI's poll of the server it created.
  'step.apiPoll': { text: 'GET {{path}} → {{status}}' },
  'step.apiPollTask': { text: 'GET {{path}} → {{status}} ({{task_state}})' },
  'step.imageCached': { text: "{{name}}: already in {{host}}'s cache" },
  'step.imageBytes': { text: '{{name}}: {{bytes}} of {{total}} bytes' },
  // The noVNC console's steps (the course's 14), as the services live them.
  'console.whereUnix': { text: 'unix socket {{path}} (owner-only: only nova-novncproxy connects)' },
  'console.whereTcp': { text: '{{host}}:{{port}}' },
  'console.whereTcpPassword': { text: '{{host}}:{{port}} (VNC password: only nova-novncproxy gets it)' },
  'console.driverQuery': { text: "nova-compute on {{host}} asks the {{driver}} driver for {{uuid}}'s VNC console" },
  'console.readConfig': { text: "the driver reads the guest's VNC setting from its QEMU command line: {{where}}" },
  'console.driverConnectInfo': { text: "the driver returns the VNC server's address: {{where}}" },
  'console.token': { text: 'nova-compute hands back connect_info; nova-consoleauth mints the random token for it (step 8)' },
  'console.connectInfo': { text: "connect_info for nova-api: {{where}} (vncserver_proxyclient_address and the guest's display)" },
  'console.url': { text: 'console URL handed to the client ({{url}}?path=…)' },
  'console.authorized': { text: 'nova-consoleauth stored a console token for {{where}}, valid {{ttl}} s' },
  'console.validated': { text: 'nova-consoleauth validated the token: connect_info {{where}}' },
  'console.proxyConnect': { text: 'a browser ({{peer}}) opened a console WebSocket to nova-novncproxy' },
  'console.proxyCheckToken': { text: 'nova-novncproxy asks nova-consoleauth to check token {{key}}…' },
  'console.proxyRelay': { text: 'nova-novncproxy relays the console of {{uuid}} to {{where}}' },
  'console.proxyRelayPassword': {
    text: "nova-novncproxy relays the console of {{uuid}} to {{where}} (it answered the guest's VNC password challenge itself; the browser was offered security type None)",
  },
  // The bus's own lines for each RPC message it relays (backend/bus/broker.ts).
  'event.rpcCall': { text: 'rpc.call to {{target}}' },
  'event.rpcCast': { text: 'rpc.cast to {{target}}' },
  'event.rpcReply': { text: 'reply from {{target}}' },
  // How a list of messages is joined ("; " in English).
  'list.separator': { text: '; ' },
  // What the services say while they act on an instance after its boot (rebuild, resize,
  // snapshot, cold migration, a console), and the lab's own lines (HTTP, service life, step mode).
  'step.computeRebuilt': { text: '{{name}} rebuilt from image {{image}} (pid {{pid}})' },
  'step.computeRebuiltNoProcess': { text: '{{name}} rebuilt from image {{image}} ({{driver}} driver)' },
  'step.resizeCopy': { text: '{{host}}: the {{driver}} driver stops {{uuid}} and copies its instance directory to {{dest}}' },
  'step.resizeStarted': { text: '{{host}}: started {{binary}} (pid {{pid}}) with {{vcpus}} vCPU, {{ram_mb}} MB' },
  'step.resizeArrived': { text: '{{host}}: {{name}} is here with {{vcpus}} vCPU, {{ram_mb}} MB ({{driver}} driver)' },
  'step.schedulerCallResize': {
    text: 'rpc.call scheduler.select_destinations for the resize of {{name}} to flavor {{flavor}} (from {{host}})',
  },
  'step.schedulerCallMigrate': { text: 'rpc.call scheduler.select_destinations for the cold migration of {{name}} (from {{host}})' },
  'step.prepResizeCast': { text: 'rpc.cast compute.{{dest}}.prep_resize for {{name}} ({{host}} → {{dest}})' },
  'step.apiConsoleCall': { text: 'rpc.call compute.{{host}}.get_vnc_console({{uuid}})' },
  'progress.snapshotCopy': { text: '{{host}}: the {{driver}} driver copies the disk of {{uuid}} for image {{image}}' },
  'progress.snapshotUpload': { text: '{{host}} uploads {{bytes}} bytes ({{format}}) to glance image {{image}}' },
  'progress.imageUpload': { text: 'upload of image {{name}}: {{bytes}} bytes received' },
  'event.guestStopped': { text: '{{name}} on {{host}}: {{why}}; now {{status}}' },
  'powerSync.exitSignal': { text: "the guest's hypervisor process ended ({{reason}}, signal {{signal}})" },
  'powerSync.exitCode': { text: "the guest's hypervisor process ended ({{reason}}, exit code {{code}})" },
  'powerSync.vanished': { text: 'its hypervisor process vanished while nova-compute was down' },
  'powerSync.notFound': { text: 'no hypervisor process was found when nova-compute started' },
  'powerSync.labShutdown': { text: 'nova-compute stopped its guests as the lab shut down' },
  'event.http': { text: '{{method}} {{path}} → {{status}} ({{ms}} ms)' },
  'event.apiWorkerDied': { text: 'nova-api worker {{pid}} ({{role}}) died; restarting in {{delay_ms}} ms' },
  'event.serviceDied': { text: '{{service}} died ({{exit}}); {{next}}' },
  'event.serviceBack': { text: '{{service}} is back (pid {{pid}})' },
  'event.serviceRestarted': { text: '{{service}} restarted as asked (pid {{pid}})' },
  'event.serviceStartFailed': { text: '{{service}} failed to start again: {{error}}; {{next}}' },
  'event.exitSignal': { text: 'signal {{signal}}' },
  'event.exitCode': { text: 'exit code {{code}}' },
  'event.serviceRestarting': { text: 'restarting (restart #{{number}})' },
  'event.serviceFailing': {
    text: 'failing ({{count}} failures in a row); next try at {{at}}',
    one: 'failing ({{count}} failure in a row); next try at {{at}}',
  },
  'event.stepsHeld': { text: '{{count}} steps held', one: '{{count}} step held' },
  'event.stepModeOff': { text: 'step mode off' },
  'fault.migrationFailed': { text: 'Migration of instance {{uuid}} failed: {{error}}' },
  'fault.retriesExceeded': {
    text:
      'Exceeded maximum number of retries. Exhausted all hosts available for retrying build failures for instance {{uuid}}. ' +
      '{{tried}}; then: {{error}}',
  },
} as const satisfies Record<string, { text: string; one?: string }>;

export type MessageCode = keyof typeof MESSAGES;

/**
 * A parameter: a value shown as is, another message, a list of messages joined by `sep`, or raw
 * data (a command line, a path, a line the guest printed) that the GUI shows as code, never
 * translated.
 */
export type MessageParam = string | number | LabMessage | MessageList | RawParam | TermParam;
export interface RawParam {
  raw: string;
}
/** A value of one of Nova's vocabularies (a vm_state, a task_state, a server status): English as is, translated in the GUI. */
export interface TermParam {
  term: TermKind;
  value: string;
}
export const TERM_KINDS = ['vmState', 'taskState', 'status'] as const;
export type TermKind = (typeof TERM_KINDS)[number];
export interface MessageList {
  sep: string;
  items: LabMessage[];
}

/** A message by code: what the GUI translates, and what the English text is made from. */
export interface LabMessage {
  code: MessageCode;
  params: Record<string, MessageParam>;
}

export const isMessageCode = (code: unknown): code is MessageCode => typeof code === 'string' && Object.hasOwn(MESSAGES, code);

export const isLabMessage = (v: unknown): v is LabMessage =>
  typeof v === 'object' && v !== null && isMessageCode((v as LabMessage).code) && typeof (v as LabMessage).params === 'object';

export const isRawParam = (v: unknown): v is RawParam =>
  typeof v === 'object' && v !== null && typeof (v as RawParam).raw === 'string' && Object.keys(v).length === 1;

export const isTermParam = (v: unknown): v is TermParam =>
  typeof v === 'object' &&
  v !== null &&
  (TERM_KINDS as readonly unknown[]).includes((v as TermParam).term) &&
  typeof (v as TermParam).value === 'string';

/** A vm_state, task_state or server status inside a message (null is Nova's "no task"). */
export const term = (kind: TermKind, value: string | null): TermParam => ({ term: kind, value: String(value) });

/** Data inside a message: shown as code in the GUI, as is in English. */
export const raw = (text: string): RawParam => ({ raw: text });

export const isMessageList = (v: unknown): v is MessageList =>
  typeof v === 'object' && v !== null && typeof (v as MessageList).sep === 'string' && Array.isArray((v as MessageList).items);

/** Build a message; the parameters are typed loosely (the catalogue test checks their names). */
export const msg = (code: MessageCode, params: Record<string, MessageParam> = {}): LabMessage => ({ code, params });

/** The parameter names a template uses, sorted (for the catalogue and translation tests). */
export const templateParams = (text: string): string[] => [...new Set([...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!))].sort();

/** The English template of a code for these parameters (the `one` form when count is 1). */
function template(code: MessageCode, params: Record<string, MessageParam>): string {
  const entry: { text: string; one?: string } = MESSAGES[code];
  return entry.one !== undefined && params.count === 1 ? entry.one : entry.text;
}

/** One parameter as English text: a nested message or list rendered, anything else as is. */
export function paramText(p: MessageParam | undefined): string {
  if (p === undefined) return '';
  if (typeof p === 'string' || typeof p === 'number') return String(p);
  if (isRawParam(p)) return p.raw;
  if (isTermParam(p)) return p.value;
  if (isMessageList(p)) return p.items.map(messageText).join(p.sep);
  return messageText(p);
}

/** An event's summary in English and by code. */
export const summaryOf = (m: LabMessage): { summary: string; message: LabMessage } => ({ summary: messageText(m), message: m });

/** The English text of a message: what the API, the CLI and the logs say. */
export function messageText(m: LabMessage): string {
  return template(m.code, m.params).replace(/\{\{(\w+)\}\}/g, (_, name: string) => paramText(m.params[name]));
}
