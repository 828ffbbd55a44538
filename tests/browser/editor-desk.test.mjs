// The editor's desk tools in real Chromium: the copy kept in the browser is offered back after
// the page was closed with unsaved changes, and dropped once saved; leaving with unsaved
// changes asks first; Ctrl+S saves; the Markdown toolbar inserts a link around the selected
// words; the body's word count follows the typing. The editor passes axe-core with its tools.
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

test("unsaved words survive closing the page and are offered back", async () => {
	const ctx = await nz.context();
	let page = await ctx.newPage();
	await signIn(page, editor.login, editor.password);
	const id = await writeArticle(page, { headline: "Ferry timetable changes", body: "Ferries run hourly." });
	const body = page.getByLabel("Body (Markdown)");
	await body.fill("Ferries run hourly. From Monday they run every half hour.");
	await page.waitForTimeout(2500); // the copy is kept a moment after the typing stops
	await page.close(); // closed without saving (no prompt: runBeforeUnload is off)

	page = await ctx.newPage();
	await page.goto(`/admin/articles/${id}`);
	const notice = page.getByRole("region", { name: "Unsaved copy" });
	await notice.waitFor();
	assert.equal(await page.getByLabel("Body (Markdown)").inputValue(), "Ferries run hourly.");
	await notice.getByRole("button", { name: "Restore my changes" }).click();
	assert.equal(await page.getByLabel("Body (Markdown)").inputValue(),
		"Ferries run hourly. From Monday they run every half hour.");
	// Ctrl+S saves; the saved page no longer offers the copy.
	await Promise.all([page.waitForNavigation(), page.keyboard.press("Control+s")]);
	assert.match(await page.locator(".flash").innerText(), /saved/i);
	assert.equal(await page.getByLabel("Body (Markdown)").inputValue(),
		"Ferries run hourly. From Monday they run every half hour.");
	await page.reload();
	await page.locator(".word-count").waitFor();
	assert.equal(await page.getByRole("region", { name: "Unsaved copy" }).count(), 0);
	await ctx.close();
});

test("leaving with unsaved changes asks first", async () => {
	const ctx = await nz.context();
	const page = await ctx.newPage();
	await signIn(page, editor.login, editor.password);
	await writeArticle(page, { headline: "Harbour lights", body: "Lit at dusk." });
	let asked = null;
	page.on("dialog", async (d) => {
		asked = d.type();
		await d.dismiss();
	});
	await page.getByLabel("Headline").fill("Harbour lights, changed");
	await page.close({ runBeforeUnload: true });
	await new Promise((r) => setTimeout(r, 500));
	assert.equal(asked, "beforeunload");
	assert.equal(page.isClosed(), false); // dismissed: the page stays with the changes
	assert.equal(await page.getByLabel("Headline").inputValue(), "Harbour lights, changed");
	await ctx.close();
});

test("the toolbar puts a link around the selected words; the word count follows", async () => {
	const ctx = await nz.context({ bypassCSP: true });
	const page = await ctx.newPage();
	await signIn(page, editor.login, editor.password);
	await writeArticle(page, { headline: "Port authority", body: "Read the port notice today." });
	const body = page.getByLabel("Body (Markdown)");
	assert.match(await page.locator(".word-count").innerText(), /^5 words · about 1 min to read$/);
	// Select "port notice" and make it a link.
	await body.evaluate((el) => {
		const s = el.value.indexOf("port notice");
		el.focus();
		el.setSelectionRange(s, s + "port notice".length);
	});
	page.once("dialog", (d) => d.accept("https://port.example/notice"));
	await page.getByRole("toolbar", { name: "Formatting" }).getByRole("button", { name: "Link" }).click();
	assert.equal(await body.inputValue(), "Read the [port notice](https://port.example/notice) today.");
	await page.getByRole("button", { name: "Bold" }).click(); // the link text is still selected
	assert.equal(await body.inputValue(), "Read the [**port notice**](https://port.example/notice) today.");
	await body.fill("One two three four five six seven.");
	assert.match(await page.locator(".word-count").innerText(), /^7 words/);
	await assertAccessible(page, "editor with its tools");
	await ctx.close();
});
