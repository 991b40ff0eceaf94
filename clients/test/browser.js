// What the Chromium test files share: the browser (Debian's chromium, never a downloaded one, driven by
// playwright-core), the two window sizes, signing in through the login form, axe-core and the overflow check.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { chromium } from "playwright-core";

/** Where the tests write their screenshots (git-ignored). */
export const shots = join(import.meta.dirname, "..", "screenshots");
export const desktop = { viewport: { width: 1280, height: 800 } };
export const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/** Headless Chromium from CHROMIUM_PATH (scripts/js-tests.sh sets it), and the screenshots folder. */
export async function launchChromium() {
  mkdirSync(shots, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
}

/**
 * A new browser context signed in as `user` through the login form of the page at `url`, ready once its lists are
 * loaded and the socket is live. `prepare` runs on the page before it loads (e.g. to route its WebSocket).
 */
export async function signIn(browser, url, user, options = desktop, prepare = async () => {}) {
  const context = await browser.newContext({ locale: "en-GB", timezoneId: "Europe/Paris", ...options });
  const page = await context.newPage();
  await prepare(page);
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  await page.goto(url);
  await page.locator("#login-form input[name=email]").fill(user.email);
  await page.locator("#login-form input[name=password]").fill(user.password);
  await page.locator("#login-form button[type=submit]").click();
  await page.locator("body[data-ready=true] #connection[data-state=live]").waitFor();
  return { context, page, errors };
}

/** Runs axe-core in the page; fails on any serious or critical violation, naming the rule and the elements. */
export async function axe(page, where) {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ["violations"] })).violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`));
  assert.deepEqual(violations, [], `axe on ${where}`);
}

/** The page is no wider than its window (no sideways scrolling on a phone). */
export async function noOverflow(page, where) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${where}: the page is ${overflow}px wider than the window`);
}
