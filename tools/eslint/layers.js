// The layering rule: which folder may import which. Each file belongs to one layer; an import
// is allowed when its target's layer is one the file's layer may use (or its own folder).
// Encodes docs/architecture.md: contract <- shared <- bus/rpc <- services <- launcher/cli;
// the renderer and Electron use the contract only.
import path from 'node:path';

const SERVICES = ['identity', 'image', 'compute-api', 'scheduler', 'conductor', 'compute', 'console'];

/** The layer of a repository-relative path, and the folder that is its own "room". */
export function layerOf(rel) {
  const parts = rel.split('/');
  if (parts[0] === 'contract') return { layer: 'contract', room: 'contract' };
  if (parts[0] === 'renderer') return { layer: 'renderer', room: 'renderer' };
  if (parts[0] === 'electron') return { layer: 'electron', room: 'electron' };
  if (parts[0] === 'bench') return { layer: 'bench', room: 'bench' };
  if (parts[0] === 'test') return { layer: 'test', room: 'test' };
  if (parts[0] === 'harness') return { layer: 'harness', room: 'harness' };
  if (parts.length === 1 || parts[0] === 'tools' || parts[0] === 'scripts')
    return { layer: 'tooling', room: parts.length === 1 ? '.' : parts[0] };
  if (parts[0] !== 'backend') return { layer: 'other', room: parts[0] };
  if (parts.length === 2) return { layer: 'launcher', room: 'backend' };
  const dir = parts[1];
  if (dir === 'common' || dir === 'config' || dir === 'shared') return { layer: 'shared', room: `backend/${dir}` };
  if (dir === 'bus' || dir === 'rpc') return { layer: 'bus', room: `backend/${dir}` };
  if (SERVICES.includes(dir)) return { layer: 'service', room: `backend/${dir}` };
  if (dir === 'launcher' || dir === 'cli' || dir === 'testing') return { layer: 'launcher', room: `backend/${dir}` };
  return { layer: 'other', room: `backend/${dir}` };
}

/** What each layer may import besides its own room. */
export const ALLOWED = {
  contract: [],
  shared: ['contract', 'shared'],
  bus: ['contract', 'shared', 'bus'],
  service: ['contract', 'shared', 'bus'],
  launcher: ['contract', 'shared', 'bus', 'service', 'launcher'],
  renderer: ['contract'],
  electron: ['contract'],
  harness: ['contract', 'shared', 'bus', 'service', 'launcher'],
  bench: ['contract', 'shared', 'bus', 'service', 'launcher', 'harness'],
  test: ['contract', 'shared', 'bus', 'service', 'launcher', 'harness'],
  tooling: ['contract', 'shared', 'bus', 'service', 'launcher', 'tooling'],
  other: ['contract', 'shared', 'bus', 'service', 'launcher', 'other'],
};

/** Why an import from `fromRel` of `toRel` breaks the layers, or null when it may. */
export function layerViolation(fromRel, toRel) {
  const from = layerOf(fromRel);
  const to = layerOf(toRel);
  if (from.room === to.room) return null;
  // Services meet only through the bus: one service never imports another's folder.
  if (from.layer === 'service' && to.layer === 'service')
    return `${from.room} may not import another service (${to.room}); share it below both or call it over the bus`;
  if (ALLOWED[from.layer].includes(to.layer)) return null;
  return `${from.room} (${from.layer}) may not import ${to.room} (${to.layer})`;
}

export const rule = {
  meta: { type: 'problem', docs: { description: 'imports follow the layers of docs/architecture.md' }, schema: [] },
  create(context) {
    const root = context.cwd;
    const file = context.filename;
    const check = (node) => {
      const spec = node.source && node.source.value;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = path.resolve(path.dirname(file), spec);
      const why = layerViolation(
        path.relative(root, file).split(path.sep).join('/'),
        path.relative(root, target).split(path.sep).join('/'),
      );
      if (why) context.report({ node: node.source, message: why });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};

export default { rules: { layers: rule } };
