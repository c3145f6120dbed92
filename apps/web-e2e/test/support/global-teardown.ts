/** Stops the platform's process group and removes its data folder, whatever the tests' outcome. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.webE2ePlatform?.stop();
  globalThis.webE2ePlatform = undefined;
}
