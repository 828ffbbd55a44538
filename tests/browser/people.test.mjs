// The authors' and tags' pages in real Chromium: an editor opens an author from the back
// office's navigation, gives them a title and bio in English and Korean, a photo (uploaded with
// the form) and a link, and finds them on the public author page; a bad link is refused with a
// message and nothing typed is lost; merging one author into another (after the confirmation)
// leads the old address to the kept author; a tag gets a name and a new address, and the
// article's tag link shows the name and leads to it. axe finds no serious or critical problem
// on the lists and the forms, in light and dark.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { addUser, assertAccessible, newsroom, PNG, signIn, submit } from "./helpers.mjs";

const fixture = (name) =>
	fileURLToPath(new URL(`../fixtures/import/good/${name}`, import.meta.url));
let nz, editor;

before(async () => {
	nz = await newsroom({
		setup: [["init"], ["import", "--publish", fixture("en-dateline.txt"), fixture("en-reference-shape.txt"), fixture("front-matter.md")]],
	});
	editor = { login: "eve", password: addUser(nz.db, "eve", "editor") };
});

after(async () => {
	await nz?.stop();
});

test("an editor completes an author's profile and finds it on the author page", async () => {
	const ctx = await nz.context({ bypassCSP: true });
	const page = await ctx.newPage();
	await signIn(page, editor.login, editor.password);
	await page.goto("/admin");
	await Promise.all([page.waitForNavigation(), page.locator(".admin-nav a", { hasText: "Authors" }).click()]);
	await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "John Smith" }).click()]);
	assert.match(page.url(), /\/admin\/authors\/john-smith$/);

	await page.getByLabel("Job title (English)").fill("Science editor");
	await page.getByLabel("Bio (English)").fill("Writes about space and the sea.");
	await page.getByLabel("Job title (Korean)").fill("과학 에디터");
	await page.getByLabel("Links to the same person elsewhere").fill("not a link");
	await submit(page, "Save the author");
	assert.match(await page.getByRole("alert").innerText(), /not an absolute http\(s\) URL/);
	assert.equal(await page.getByLabel("Job title (English)").inputValue(), "Science editor");

	await page.getByLabel("Links to the same person elsewhere").fill("https://example.org/john");
	await page.getByLabel("Upload a photo (JPEG, PNG or WebP)").setInputFiles({
		name: "john.png",
		mimeType: "image/png",
		buffer: PNG,
	});
	await submit(page, "Save the author");
	assert.match(page.url(), /\?done=author-saved$/);
	assert.match(await page.locator("body").innerText(), /The author was saved/);
	assert.ok(await page.locator("img.author-photo").count(), "the form shows the photo");
	await assertAccessible(page, "author form after a save");

	const site = await ctx.newPage();
	await site.goto("/author/john-smith");
	assert.equal(await site.locator(".job-title").innerText(), "Science editor");
	assert.match(await site.locator(".list-head .description").innerText(), /space and the sea/);
	const photo = site.locator(".list-head img.author-photo");
	await photo.waitFor();
	assert.ok(await photo.evaluate((img) => img.complete && img.naturalWidth > 0), "the photo loads");
	assert.equal(await site.getByRole("link", { name: "example.org" }).getAttribute("href"), "https://example.org/john");
	await ctx.close();
});

test("merging an author leads their old address to the one kept", async () => {
	const ctx = await nz.context({ bypassCSP: true });
	const page = await ctx.newPage();
	await signIn(page, editor.login, editor.password);
	await page.goto("/admin/authors/seo-ha-neul");
	await page.getByLabel("Keep").selectOption("john-smith");
	page.once("dialog", (d) => d.accept());
	await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Merge" }).click()]);
	assert.match(page.url(), /\/admin\/authors\/john-smith\?done=author-merged$/);
	const site = await ctx.newPage();
	await site.goto("/author/seo-ha-neul");
	assert.match(site.url(), /\/author\/john-smith$/);
	assert.match(await site.locator("main").innerText(), /maritime security/i);
	await ctx.close();
});

test("an editor names a tag and gives it a new address", async () => {
	const ctx = await nz.context({ bypassCSP: true });
	const page = await ctx.newPage();
	await signIn(page, editor.login, editor.password);
	await page.goto("/admin");
	await Promise.all([page.waitForNavigation(), page.locator(".admin-nav a", { hasText: "Tags" }).click()]);
	const first = page.locator("table.list tbody th a").first();
	const slug = (await first.getAttribute("href")).replace("/admin/tags/", "");
	await Promise.all([page.waitForNavigation(), first.click()]);
	await page.getByLabel("Name", { exact: true }).fill("Sea Power");
	await page.getByLabel("Description (English)").fill("Navies and the sea.");
	await page.getByLabel("Address").fill("sea-power");
	await submit(page, "Save the tag");
	assert.match(page.url(), /\/admin\/tags\/sea-power\?done=tag-saved$/);
	await assertAccessible(page, "tag form after a save");

	const site = await ctx.newPage();
	await site.goto(`/tag/${slug}`);
	assert.match(site.url(), /\/tag\/sea-power$/);
	assert.equal(await site.locator("h1").innerText(), "Sea Power");
	assert.match(await site.locator(".list-head .description").innerText(), /Navies and the sea/);
	await ctx.close();
});

for (const colorScheme of ["light", "dark"]) {
	test(`the authors and tags lists and forms pass axe (${colorScheme})`, async () => {
		const ctx = await nz.context({ bypassCSP: true, colorScheme });
		const page = await ctx.newPage();
		await signIn(page, editor.login, editor.password);
		for (const href of ["/admin/authors", "/admin/authors/john-smith", "/author/john-smith", "/admin/tags", "/admin/tags/sea-power"]) {
			await page.goto(href);
			await assertAccessible(page, `${colorScheme} ${href}`);
		}
		await ctx.close();
	});
}
