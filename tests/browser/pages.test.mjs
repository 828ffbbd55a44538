// The static pages' editor in real Chromium: an editor writes a page with a role, finds it on
// the site at its address and in the footer, edits it (a second revision), is told when someone
// else saved in between and when the address is one of the site's own; axe finds no serious or
// critical problem on the list and the editor, in light and dark.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { addUser, assertAccessible, newsroom, signIn, submit } from "./helpers.mjs";

let nz, editor;

before(async () => {
	nz = await newsroom({ setup: [["init"]] });
	editor = { login: "eve", password: addUser(nz.db, "eve", "editor") };
});

after(async () => {
	await nz?.stop();
});

test("an editor writes a page, finds it on the site and edits it", async () => {
	const ctx = await nz.context({ bypassCSP: true });
	const page = await ctx.newPage();
	await signIn(page, editor.login, editor.password);
	await page.goto("/admin");
	await Promise.all([page.waitForNavigation(), page.locator(".admin-nav a", { hasText: "Pages" }).click()]);
	assert.match(page.url(), /\/admin\/pages$/);
	await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "New page" }).click()]);
	await page.getByLabel("Title", { exact: true }).fill("Ethics policy");
	await page.getByLabel("Address").fill("ethics");
	await page.getByLabel("Role").selectOption({ label: "Ethics policy" });
	await page.getByLabel("Text (Markdown)").fill("We never pay **sources**.");
	await submit(page, "Save the page");
	assert.match(page.url(), /\/admin\/pages\/\d+\?done=saved$/);
	assert.match(await page.locator("body").innerText(), /The page was saved/);
	await assertAccessible(page, "page editor after a save");

	// On the site, at its address and in every page's footer.
	const site = await ctx.newPage();
	await site.goto("/ethics");
	assert.equal(await site.locator("h1").innerText(), "Ethics policy");
	assert.equal(await site.locator(".static-page-body strong").innerText(), "sources");
	await site.goto("/");
	await Promise.all([site.waitForNavigation(), site.locator("footer").getByRole("link", { name: "Ethics policy" }).click()]);
	assert.match(site.url(), /\/ethics$/);
	await site.waitForLoadState();

	// An edit is a second revision.
	await page.getByLabel("Text (Markdown)").fill("We never pay sources, and we say who they are.");
	await submit(page, "Save the page");
	assert.equal(await page.locator(".revisions li").count(), 2);
	await site.reload(); // a page the browser keeps for a minute (Cache-Control), asked again
	assert.match(await site.locator(".static-page-body").innerText(), /say who they are/);

	// Someone else's save in between: this form's save is refused and says so.
	const other = await (await nz.context()).newPage();
	await signIn(other, editor.login, editor.password);
	await other.goto(page.url().replace(/\?.*$/, ""));
	await page.getByLabel("Title", { exact: true }).fill("Our ethics");
	await other.getByLabel("Title", { exact: true }).fill("The ethics policy");
	await submit(other, "Save the page");
	await submit(page, "Save the page");
	assert.match(await page.getByRole("alert").innerText(), /someone else/);
	await site.reload();
	assert.equal(await site.locator("h1").innerText(), "The ethics policy");
	await ctx.close();
});

test("an address the site uses itself is refused with a message", async () => {
	const ctx = await nz.context({ bypassCSP: true });
	const page = await ctx.newPage();
	await signIn(page, editor.login, editor.password);
	await page.goto("/admin/pages/new");
	await page.getByLabel("Title", { exact: true }).fill("Search tips");
	await page.getByLabel("Address").fill("search");
	await submit(page, "Save the page");
	assert.match(await page.getByRole("alert").innerText(), /one of the site's own addresses/);
	assert.equal(await page.getByLabel("Title", { exact: true }).inputValue(), "Search tips"); // nothing lost
	await assertAccessible(page, "page editor with an error");
	await ctx.close();
});

for (const colorScheme of ["light", "dark"]) {
	test(`the pages list and the new page form pass axe (${colorScheme})`, async () => {
		const ctx = await nz.context({ bypassCSP: true, colorScheme });
		const page = await ctx.newPage();
		await signIn(page, editor.login, editor.password);
		for (const href of ["/admin/pages", "/admin/pages/new", "/ethics"]) {
			await page.goto(href);
			await assertAccessible(page, `${colorScheme} ${href}`);
		}
		await ctx.close();
	});
}
