// The Korean edition on a phone (390 px) in real Chromium: its front page, a section page and a
// Korean article in Korean chrome, nothing scrolling sideways, axe-core finding no serious
// problem, the language switch leading to the English edition; and the article's "Copy link",
// which copies the article's address with JavaScript and says so (without it, it is a plain link
// to that address: the href checked here is the page's canonical URL).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { assertAccessible, newsroom } from "./helpers.mjs";

let nz;

before(async () => {
	nz = await newsroom({ setup: [["demo"]] });
});

after(async () => {
	await nz?.stop();
});

test("the Korean edition on a 390 px phone", async () => {
	const ctx = await nz.context({
		viewport: { width: 390, height: 844 },
		deviceScaleFactor: 2,
		isMobile: true,
		hasTouch: true,
		bypassCSP: true,
	});
	const page = await ctx.newPage();
	await page.goto("/ko/", { waitUntil: "domcontentloaded" });
	const section = await page.locator("nav.sections a").first().getAttribute("href");
	assert.match(section, /^\/ko\/section\//);
	const article = "/article/" + encodeURIComponent("키스톤-릴레이-사이버-방어훈련");
	for (const path of ["/ko/", section, article, "/ko/about"]) {
		const r = await page.goto(path, { waitUntil: "domcontentloaded" });
		assert.equal(r.status(), 200, path);
		assert.equal(await page.locator("html").getAttribute("lang"), "ko", path);
		assert.equal(await page.locator(".skip-link").textContent(), "본문 바로가기", path);
		const { scroll, viewport } = await page.evaluate(() => ({
			scroll: document.documentElement.scrollWidth,
			viewport: document.documentElement.clientWidth,
		}));
		assert.equal(scroll, viewport, `${path}: the page scrolls sideways`);
		const sw = page.getByRole("navigation", { name: "언어판" }).getByRole("link", { name: "English" });
		assert.ok(await sw.isVisible(), `${path}: the language switch is on screen`);
		await assertAccessible(page, `/ko ${path} at 390 px`);
	}
	// On the front page the switch leads to the English front page.
	await page.goto("/ko/", { waitUntil: "domcontentloaded" });
	await Promise.all([page.waitForURL((u) => u.pathname === "/"),
		page.getByRole("navigation", { name: "언어판" }).getByRole("link", { name: "English" }).click()]);
	assert.equal(await page.locator("html").getAttribute("lang"), "en");
	// On a static page's Korean version it leads to the page in English.
	await page.goto("/ko/about", { waitUntil: "domcontentloaded" });
	await Promise.all([page.waitForURL((u) => u.pathname === "/about"),
		page.getByRole("navigation", { name: "언어판" }).getByRole("link", { name: "English" }).click()]);
	assert.equal(await page.locator("h1").textContent(), "About Newszone Daily");
	await ctx.close();
});

test("Copy link copies the article's address and says so", async () => {
	const ctx = await nz.context({ viewport: { width: 390, height: 844 } });
	await ctx.grantPermissions(["clipboard-read", "clipboard-write"]);
	const page = await ctx.newPage();
	await page.goto("/article/keystone-relay-cyber-drill");
	const link = page.getByRole("link", { name: "Copy link" });
	const href = await link.getAttribute("href");
	assert.equal(href, await page.locator("link[rel=canonical]").getAttribute("href"));
	await link.click();
	await page.getByRole("status").filter({ hasText: "Link copied" }).waitFor();
	assert.equal(new URL(page.url()).pathname, "/article/keystone-relay-cyber-drill", "no navigation");
	assert.equal(await page.evaluate(() => navigator.clipboard.readText()), href);
	await ctx.close();
});
