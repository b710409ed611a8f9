export { createConfigClient, ConfigUnavailableError, type ConfigClient, type ConfigClientOptions } from './client';
export { ConfigServiceProvider, ConfigServiceError, type ConfigEntry } from './provider';
