// The desk's list of every article in real Chromium: an editor finds a draft by a word of its
// body with the search box, narrows the list with the filters, selects two drafts and publishes
// them with one bulk action, and reads what happened to each; the pages pass axe-core.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { addUser, assertAccessible, newsroom, signIn, writeArticle } from "./helpers.mjs";

let nz, editor;

before(async () => {
	nz = await newsroom({ setup: [["demo"]] });
	editor = { login: "ed", password: addUser(nz.db, "ed", "editor") };
});

after(async () => {
	await nz?.stop();
});

/** The headlines of the list's rows, in order. */
async function rows(page) {
	return page.locator("table.desk-list tbody tr td:nth-child(2) > a:first-child").allInnerTexts();
}

test("search and filters find drafts; a bulk publish reports on each article", async () => {
	const ctx = await nz.context({ bypassCSP: true });
	const page = await ctx.newPage();
	await signIn(page, editor.login, editor.password);
	await writeArticle(page, { headline: "Quarantine pier reopens", body: "The hovercraft terminal is back." });
	await writeArticle(page, { headline: "Lighthouse keepers retire", body: "Two hovercraft pilots too." });

	await page.getByRole("link", { name: "Articles", exact: true }).click();
	await page.waitForURL(/\/admin\/articles$/);
	assert.ok((await rows(page)).length > 2, "the demo newsroom's articles are listed too");
	await assertAccessible(page, "/admin/articles");

	// The search box finds both drafts by a word of their bodies, newest first.
	await page.getByLabel("Search", { exact: true }).fill("hovercraft");
	await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Show" }).click()]);
	assert.deepEqual(await rows(page), ["Lighthouse keepers retire", "Quarantine pier reopens"]);
	assert.match(await page.locator("#desk-count").innerText(), /^2 articles/);
	// A filter narrows it: published ones only, none of them.
	await page.getByLabel("Status", { exact: true }).selectOption("published");
	await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Show" }).click()]);
	assert.deepEqual(await rows(page), []);
	assert.match(await page.locator(".empty").innerText(), /No article matches/);
	assert.equal(await page.getByLabel("Search", { exact: true }).inputValue(), "hovercraft"); // kept
	await page.getByLabel("Status", { exact: true }).selectOption("draft");
	await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Show" }).click()]);
	assert.equal((await rows(page)).length, 2);

	// Both selected, published with one action; each gets its line.
	await page.getByLabel("Select “Quarantine pier reopens”").check();
	await page.getByLabel("Select “Lighthouse keepers retire”").check();
	await page.getByLabel("Action", { exact: true }).selectOption("publish");
	await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Apply to the selected" }).click()]);
	assert.match(await page.locator("[role=status]").innerText(), /Done for 2, refused for 0/);
	assert.equal(await page.locator("tr.bulk-ok").count(), 2);
	await assertAccessible(page, "bulk result");

	// Back to the same list: they are published now, so the draft filter shows none.
	await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "Back to the list" }).click()]);
	assert.match(page.url(), /q=hovercraft/);
	assert.deepEqual(await rows(page), []);
	await page.goto("/admin/articles?q=hovercraft&status=published");
	assert.equal((await rows(page)).length, 2);
	await ctx.close();
});

test("phones: the dashboard, the list and the editor never scroll sideways; sign-in stays narrow", async () => {
	const wide = await nz.context({ viewport: { width: 1280, height: 900 } });
	const login = await wide.newPage();
	await login.goto("/admin/login");
	const formWidth = await login.locator("form.login").evaluate((f) => f.getBoundingClientRect().width);
	assert.ok(formWidth <= 480, `the sign-in form is ${formWidth}px wide at 1280`);
	await wide.close();

	const ctx = await nz.context({ viewport: { width: 390, height: 844 }, isMobile: true, bypassCSP: true });
	const page = await ctx.newPage();
	await signIn(page, editor.login, editor.password);
	for (const path of ["/admin", "/admin/articles", "/admin/articles/1"]) {
		await page.goto(path);
		const [scroll, client] = await page.evaluate(() =>
			[document.documentElement.scrollWidth, document.documentElement.clientWidth]);
		assert.ok(scroll <= client + 1, `${path} scrolls sideways at 390px: ${scroll} > ${client}`);
	}
	await page.goto("/admin/articles");
	await assertAccessible(page, "/admin/articles at 390px");
	await ctx.close();
});
