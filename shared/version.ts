/** Agora's release version; reported by the health function and in every error body. A test keeps it equal to package.json's. */
export const AGORA_VERSION = '0.1.0';
