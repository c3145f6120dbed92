export const GOALS_DEFAULT_PORT = 3001;
