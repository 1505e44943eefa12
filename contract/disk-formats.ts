// The disk formats glance accepts (disk_format), shared by the image service that stores them
// and nova-compute that checks the bytes it fetched against them.
export const DISK_FORMATS = ['qcow2', 'raw', 'aki', 'ari', 'ami', 'vmdk', 'vdi', 'iso'] as const;
export type DiskFormat = (typeof DISK_FORMATS)[number];
