// Search in real Chromium: typing in the header's search box of any page leads to
// results with the matched words marked; the search page, its empty state and an article page
// with related articles have no serious or critical axe violation, light and dark.
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

test("the header's search box finds Korean and English with marked snippets", async () => {
	const ctx = await nz.context();
	const page = await ctx.newPage();
	await page.goto("/");
	await page.getByRole("search").getByLabel("Search articles").fill("국방");
	await page.getByRole("search").getByRole("button", { name: "Search" }).click();
	await page.waitForURL(/\/search\?q=/);
	assert.match(await page.locator(".search-count").innerText(), /results? for “국방”/);
	assert.ok(await page.locator(".search-results li[lang=ko]").count() > 0);
	assert.equal(await page.locator(".snippet mark").first().innerText(), "국방");
	await page.locator("#search-q").fill("exercises");
	await page.locator("#search-q").press("Enter");
	await page.waitForURL(/q=exercises/);
	assert.ok(await page.locator(".search-results .card").count() > 0);
	await ctx.close();
});

for (const colorScheme of ["light", "dark"]) {
	test(`search pages and related articles are accessible (${colorScheme})`, async () => {
		const ctx = await nz.context({ bypassCSP: true, colorScheme });
		const page = await ctx.newPage();
		for (const path of ["/search", "/search?q=drill", "/search?q=zzyzxquux&lang=en"]) {
			await page.goto(path);
			await assertAccessible(page, `${colorScheme} ${path}`);
		}
		await page.goto("/search?q=drill");
		await page.locator(".search-results a").first().click();
		assert.ok(await page.locator("aside.related li").count() >= 1, "related articles");
		await assertAccessible(page, `${colorScheme} article with related`);
		await ctx.close();
	});
}
