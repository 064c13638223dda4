// Headless Chromium for consumer tests and benchmarks, through puppeteer-core (no browser download).
import puppeteer from 'puppeteer-core';
import { CHROME_FLAGS, requireChrome } from './chrome.js';

/** Launches headless Chromium; `flags` are added to the project's usual ones. */
export function launchBrowser(flags = []) {
  return puppeteer.launch({
    executablePath: requireChrome(),
    headless: true,
    // Long benchmark steps can keep a page busy for minutes; do not give up on it.
    protocolTimeout: 30 * 60 * 1000,
    args: [...CHROME_FLAGS, ...flags],
  });
}

/**
 * Opens `url` in a new page and records what the page reports: console errors and warnings,
 * uncaught exceptions and failed requests, so a test can assert there were none.
 */
export async function openPage(
  browser,
  url,
  { viewport = { width: 1000, height: 800 }, setup = async () => {} } = {},
) {
  const page = await browser.newPage();
  await page.setViewport(viewport);
  // Before the first request: request interception, for instance.
  await setup(page);
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warn') {
      problems.push(`console.${message.type()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, problems };
}
