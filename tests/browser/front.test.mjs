// The front layout's page in real Chromium: an editor pins two stories (one with a front-page
// headline) and the front page leads with it at once; "Move down" (a plain form button, no
// script needed) swaps them; dragging a slot back to the top and saving restores the order;
// axe finds no serious or critical problem on the page.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { addUser, assertAccessible, newsroom, signIn, submit } from "./helpers.mjs";

let nz, editor;

before(async () => {
	nz = await newsroom({ setup: [["demo"]] });
	editor = { login: "eve", password: addUser(nz.db, "eve", "editor") };
});

after(async () => {
	await nz?.stop();
});

test("an editor pins stories, reorders them with the buttons and by dragging", async () => {
	const ctx = await nz.context({ bypassCSP: true }); // for axe
	const page = await ctx.newPage();
	const site = await ctx.newPage();
	const list = await (await site.request.get("/api/v1/articles?lang=en&limit=10")).json();
	const [x, y] = [list.articles[6], list.articles[8]];
	const lead = async () => {
		await site.goto("/");
		await site.reload(); // the browser keeps "/" for a while (Cache-Control): ask again
		return site.locator(".lead-story .lead-headline a");
	};
	assert.notEqual(await (await lead()).getAttribute("href"), new URL(x.url).pathname);

	await signIn(page, editor.login, editor.password);
	await Promise.all([page.waitForNavigation(), page.locator(".admin-nav a", { hasText: "Front page" }).click()]);
	await page.locator("#front-article-0").fill(x.slug);
	await page.locator("#front-headline-0").fill("Editors' pick of the day");
	await page.locator("#front-article-1").fill(String(y.id));
	await submit(page, "Save the layout");
	assert.match(await page.locator("body").innerText(), /The layout was saved/);
	let a = await lead();
	assert.equal(await a.innerText(), "Editors' pick of the day");
	assert.equal(await a.getAttribute("href"), new URL(x.url).pathname);
	await assertAccessible(page, "front layout page");

	// The buttons: the lead moves down, the other story leads.
	await Promise.all([page.waitForNavigation(), page.locator("[data-front-slot]").first().getByRole("button", { name: "Move down" }).click()]);
	assert.equal(await page.locator("#front-article-0").inputValue(), y.slug);
	a = await lead();
	assert.equal(await a.getAttribute("href"), new URL(y.url).pathname);

	// Dragging the second slot above the first, then saving.
	const slots = page.locator("[data-front-slot]");
	await slots.nth(1).dragTo(slots.nth(0), { targetPosition: { x: 20, y: 5 } });
	assert.equal(await page.locator('[name="article_0"]').inputValue(), x.slug);
	await submit(page, "Save the layout");
	assert.equal(await page.locator("#front-article-0").inputValue(), x.slug);
	a = await lead();
	assert.equal(await a.innerText(), "Editors' pick of the day");
	await ctx.close();
});
