// Vite's additions to import.meta (import.meta.glob for the i18n parts).
/// <reference types="vite/client" />
