import type { Lab } from '../lab-model';
import { novaApiAndOvercommit } from './nova-api-and-overcommit';
import { serverGroupAntiAffinity } from './server-group-anti-affinity';

export const LABS: Lab[] = [novaApiAndOvercommit, serverGroupAntiAffinity];
