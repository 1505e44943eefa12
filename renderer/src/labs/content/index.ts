import type { Lab } from '../lab-model';
import { novaApiAndOvercommit } from './nova-api-and-overcommit';

export const LABS: Lab[] = [novaApiAndOvercommit];
