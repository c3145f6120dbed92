/** `PORT` of the check-ins service when the environment has none (ARCHITECTURE.md, "Configuration"). */
export const CHECK_INS_DEFAULT_PORT = 3002;
