// The reason phrases that OpenStack services put in their error bodies (Keystone's "title",
// Glance's status line), for the statuses they answer with.
const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const statusTitle = (status: number): string => TITLES[status] ?? 'Error';
