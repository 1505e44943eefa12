// The course's two architecture pictures (nova-notes.md, "Nova架构介绍") as data: the simple
// one (单点服务, 无负载均衡, 无高可靠: one controller node, compute nodes) and the complex one
// (负载均衡, 高可靠: a load balancer in front of several controllers, a replicated database and
// message queue, many compute nodes). Each box says what stands for it in this lab: one of its
// processes, a part of another process, or nothing. The lab's live state fills in the pids.
import type { ServiceBinary } from '../../../../contract/services';

/** What a course box is in this lab. */
export type LabPart =
  /** One of the lab's own processes (the pids come from the launcher). */
  | { kind: 'process'; binary: ServiceBinary }
  /** Part of another process: the embedded broker in the launcher, the database in nova-conductor. */
  | { kind: 'inside'; of: 'launcher' | 'nova-conductor'; what: 'broker' | 'database' }
  /** The guests' hypervisor: what nova-compute starts (QEMU processes, or nothing with the fake driver). */
  | { kind: 'hypervisor' }
  /** The nova-api master handing connections to its workers: the only balancing the lab does. */
  | { kind: 'balancer' }
  /** Not in this lab. */
  | { kind: 'absent' };

export interface CourseBox {
  id: string;
  /** A service's own name (kept Latin in both languages), or an i18n key under overview.course.box. */
  name?: string;
  labelKey?: string;
  lab: LabPart;
}

export interface CourseNode {
  id: string;
  /** i18n key under overview.course.node. */
  titleKey: string;
  /** The course draws several of this node (×N). */
  many: boolean;
  boxes: CourseBox[];
}

export interface CourseDiagram {
  id: 'simple' | 'complex';
  /** The notes' own bullet points for this picture (i18n keys under overview.course.trait). */
  traits: string[];
  /** Rows from top (clients' side) to bottom (compute nodes). */
  rows: CourseNode[][];
}

const svc = (name: ServiceBinary): CourseBox => ({ id: name, name, lab: { kind: 'process', binary: name } });
const database: CourseBox = { id: 'database', labelKey: 'database', lab: { kind: 'inside', of: 'nova-conductor', what: 'database' } };
const queue: CourseBox = { id: 'queue', labelKey: 'queue', lab: { kind: 'inside', of: 'launcher', what: 'broker' } };
const computeNode = (): CourseNode => ({
  id: 'compute',
  titleKey: 'compute',
  many: true,
  boxes: [svc('nova-compute'), { id: 'hypervisor', labelKey: 'hypervisor', lab: { kind: 'hypervisor' } }],
});
const controllerServices = (): CourseBox[] => [
  svc('keystone'),
  svc('glance-api'),
  svc('nova-api'),
  svc('nova-scheduler'),
  svc('nova-conductor'),
  svc('nova-consoleauth'),
  svc('nova-novncproxy'),
  // The notes' nova-cert (X509 for the EC2 API): the lab serves EC2 without it.
  { id: 'nova-cert', name: 'nova-cert', lab: { kind: 'absent' } },
];

export const SIMPLE: CourseDiagram = {
  id: 'simple',
  traits: ['single', 'noBalancing', 'noHa'],
  rows: [[{ id: 'controller', titleKey: 'controller', many: false, boxes: [...controllerServices(), database, queue] }], [computeNode()]],
};

export const COMPLEX: CourseDiagram = {
  id: 'complex',
  traits: ['balancing', 'ha'],
  rows: [
    [{ id: 'balancer', titleKey: 'balancer', many: true, boxes: [{ id: 'balancer', labelKey: 'balancer', lab: { kind: 'balancer' } }] }],
    [{ id: 'controllers', titleKey: 'controllers', many: true, boxes: controllerServices() }],
    [
      { id: 'db-cluster', titleKey: 'dbCluster', many: true, boxes: [database] },
      { id: 'mq-cluster', titleKey: 'mqCluster', many: true, boxes: [queue] },
    ],
    [computeNode()],
  ],
};

export const COURSE_DIAGRAMS: readonly CourseDiagram[] = [SIMPLE, COMPLEX];

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}
export interface LaidNode extends Rect {
  node: CourseNode;
  boxes: (Rect & { box: CourseBox })[];
}
export interface Layout {
  width: number;
  height: number;
  nodes: LaidNode[];
  /** Lines between consecutive rows, centre to centre. */
  links: { x1: number; y1: number; x2: number; y2: number }[];
}

export const BOX = { w: 124, h: 30, gap: 8, pad: 10, title: 22, perLine: 3, rowGap: 28, nodeGap: 16, minNodeW: 200 } as const;

/** Pure: where each node and box goes — nodes side by side in their row, boxes wrapped `perLine` to a line. */
export function layoutDiagram(d: CourseDiagram): Layout {
  const nodeSize = (n: CourseNode) => {
    const cols = Math.min(BOX.perLine, n.boxes.length);
    const lines = Math.ceil(n.boxes.length / BOX.perLine);
    // At least wide enough for the node's title.
    return {
      w: Math.max(BOX.minNodeW, BOX.pad * 2 + cols * BOX.w + (cols - 1) * BOX.gap),
      h: BOX.title + BOX.pad + lines * BOX.h + (lines - 1) * BOX.gap + BOX.pad,
    };
  };
  const rowWidths = d.rows.map((row) => row.reduce((s, n) => s + nodeSize(n).w, 0) + (row.length - 1) * BOX.nodeGap);
  const width = Math.max(...rowWidths) + 2 * BOX.pad;
  const nodes: LaidNode[] = [];
  const rowCentres: { x: number; top: number; bottom: number }[][] = [];
  let y = BOX.pad;
  d.rows.forEach((row, r) => {
    let x = (width - rowWidths[r]!) / 2;
    const height = Math.max(...row.map((n) => nodeSize(n).h));
    const centres: { x: number; top: number; bottom: number }[] = [];
    for (const node of row) {
      const size = nodeSize(node);
      const boxes = node.boxes.map((box, i) => ({
        box,
        x: x + BOX.pad + (i % BOX.perLine) * (BOX.w + BOX.gap),
        y: y + BOX.title + Math.floor(i / BOX.perLine) * (BOX.h + BOX.gap),
        w: BOX.w,
        h: BOX.h,
      }));
      nodes.push({ node, x, y, w: size.w, h: size.h, boxes });
      centres.push({ x: x + size.w / 2, top: y, bottom: y + size.h });
      x += size.w + BOX.nodeGap;
    }
    rowCentres.push(centres);
    y += height + BOX.rowGap;
  });
  const links = rowCentres
    .slice(1)
    .flatMap((row, i) =>
      row.flatMap((below) => rowCentres[i]!.map((above) => ({ x1: above.x, y1: above.bottom, x2: below.x, y2: below.top }))),
    );
  return { width, height: y - BOX.rowGap + BOX.pad, nodes, links };
}
