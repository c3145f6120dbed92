/** `PORT` of the insights service when the environment has none (ARCHITECTURE.md, "Configuration"). */
export const INSIGHTS_DEFAULT_PORT = 3003;
