// The public site on a phone (390 px wide, as an iPhone 12–15) in real Chromium: the header
// stays compact (the search box takes one short row above the section menu), nothing scrolls
// sideways, and every section of the menu is on screen and reachable, not clipped behind the
// edge of a sideways-scrolling strip. On the front page, a section page and an article page, in
// the light and the dark colour scheme, with axe-core finding no serious problem.
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

/** Header measures of the page open in page: what a reader on a phone would notice. */
async function measure(page) {
	return page.evaluate(() => {
		const r = (el) => el.getBoundingClientRect();
		const form = document.querySelector(".site-search");
		const nav = document.querySelector("nav.sections");
		const links = [...nav.querySelectorAll("a")].map((a) => {
			const b = r(a);
			// The point at the middle of the link must be the link itself (not clipped or covered).
			const hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
			return {
				name: a.textContent.trim(),
				left: b.left,
				right: b.right,
				onTop: hit === a || a.contains(hit),
			};
		});
		return {
			viewport: document.documentElement.clientWidth,
			scrollWidth: document.documentElement.scrollWidth,
			formHeight: form ? r(form).height : 0,
			navTop: r(nav).top,
			navBottom: r(nav).bottom,
			mastheadTop: r(document.querySelector(".masthead")).top,
			links,
		};
	});
}

for (const colorScheme of ["light", "dark"]) {
	test(`a 390 px phone sees a compact header and every section (${colorScheme})`, async () => {
		const ctx = await nz.context({
			viewport: { width: 390, height: 844 },
			deviceScaleFactor: 2,
			isMobile: true,
			hasTouch: true,
			bypassCSP: true,
			colorScheme,
		});
		const page = await ctx.newPage();
		await page.goto("/");
		const sections = await page.locator("nav.sections a").count();
		assert.ok(sections >= 5, `sections in the menu: ${sections}`);
		const article = await page.locator("main a[href^='/article/']").first().getAttribute("href");
		const section = await page.locator("nav.sections a[href^='/section/']").last().getAttribute("href");
		// A translated story too: its line of links to the other language must fit as well.
		for (const path of ["/", section, article, "/article/keystone-relay-cyber-drill"]) {
			await page.goto(path);
			const m = await measure(page);
			assert.equal(m.scrollWidth, m.viewport, `${path}: the page scrolls sideways`);
			assert.ok(m.formHeight > 0 && m.formHeight <= 48,
				`${path}: the search form is ${m.formHeight} px tall`);
			for (const l of m.links) {
				assert.ok(l.left >= 0 && l.right <= m.viewport, `${path}: "${l.name}" is off screen (${l.left}–${l.right})`);
				assert.ok(l.onTop, `${path}: "${l.name}" is hidden under something`);
			}
			// The whole header, section menu included, fits in the top quarter of the screen.
			assert.ok(m.navBottom - m.mastheadTop <= 844 / 4 + 40,
				`${path}: the header is ${m.navBottom - m.mastheadTop} px tall`);
			await assertAccessible(page, `${colorScheme} ${path} at 390 px`);
		}
		// The search still works from the compact box, and it has an accessible name.
		await page.goto("/");
		await page.getByRole("searchbox", { name: /search/i }).fill("winter");
		await Promise.all([page.waitForURL(/\/search\?q=winter/), page.getByRole("searchbox", { name: /search/i }).press("Enter")]);
		await ctx.close();
	});
}
