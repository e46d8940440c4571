// Launches Debian's firefox-esr for the e2e tests (puppeteer-core over WebDriver BiDi).
// A fresh Firefox profile can take more than puppeteer's default 30 s to print its endpoint
// when both cores are busy with the other test files (one CI run timed out there), so the
// launch waits 90 s and is tried twice: a browser that fails to start is not what these tests
// check. A second failure is thrown with both causes.
import puppeteer, { type Browser, type LaunchOptions } from "puppeteer-core";

export async function launchFirefox(opts: Omit<LaunchOptions, "browser" | "executablePath" | "timeout"> = {}): Promise<Browser> {
  const launch = () => puppeteer.launch({ headless: true, ...opts, browser: "firefox", executablePath: "/usr/bin/firefox-esr", timeout: 90_000 });
  try {
    return await launch();
  } catch (first) {
    process.stderr.write(`firefox-esr did not start (${String(first).split("\n")[0]}); trying once more\n`);
    try {
      return await launch();
    } catch (second) {
      throw new Error(`firefox-esr did not start twice: ${String(first).split("\n")[0]} / ${String(second).split("\n")[0]}`);
    }
  }
}
