// Nova's instance_name template (instance-%08x of the instance's database id): the name the
// API shows as OS-EXT-SRV-ATTR:instance_name and the name nova-compute gives the guest.
export const instanceName = (seq: number): string => `instance-${seq.toString(16).padStart(8, '0')}`;
