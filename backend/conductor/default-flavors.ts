// The flavors a new lab starts with: small enough that real guests fit on a laptop, varied
// enough that RamFilter and CoreFilter have something to say.
import type { Flavor } from '../../contract/model.js';

const flavor = (id: string, name: string, vcpus: number, ram: number, disk: number): Flavor => ({
  id,
  name,
  vcpus,
  ram,
  disk,
  ephemeral: 0,
  swap: 0,
  rxtx_factor: 1.0,
  is_public: true,
  disabled: false,
  description: null,
  extra_specs: {},
});

export const DEFAULT_FLAVORS: Flavor[] = [
  flavor('1', 'm1.tiny', 1, 256, 1),
  flavor('2', 'm1.small', 1, 512, 2),
  flavor('3', 'm1.medium', 2, 1024, 5),
  flavor('4', 'm1.large', 4, 2048, 10),
  flavor('5', 'm1.xlarge', 8, 4096, 20),
];

export const DEFAULT_QUOTAS = {
  instances: 20,
  cores: 40,
  ram: 51200,
  key_pairs: 100,
  metadata_items: 128,
  server_groups: 10,
  server_group_members: 10,
  injected_files: 5,
  injected_file_content_bytes: 10240,
  injected_file_path_bytes: 255,
};
