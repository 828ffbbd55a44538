// The editor without JavaScript: the basic save works with plain HTML forms (real Chromium with
// JavaScript turned off), and the JavaScript-only controls stay out of the way.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { addUser, newsroom, signIn, submit } from "./helpers.mjs";

let nz;

before(async () => {
	nz = await newsroom();
});

after(async () => {
	await nz?.stop();
});

test("without JavaScript a basic save still works", async () => {
	const password = addUser(nz.db, "nojs", "contributor");
	const ctx = await nz.context({ javaScriptEnabled: false });
	const page = await ctx.newPage();
	await signIn(page, "nojs", password);
	await page.goto("/admin/articles/new");
	// No script: the "Add a bullet" button is hidden, the empty bullet inputs are there.
	assert.equal(await page.getByRole("button", { name: "Add a bullet" }).isVisible(), false);
	await page.getByLabel("Headline").fill("Plain forms still publish the news");
	await page.getByLabel("Introduction line").fill("In short:");
	await page.getByLabel("Bullet 1", { exact: true }).fill("No script was needed");
	await page.getByLabel("Body (Markdown)").fill("First paragraph.\n\nSecond paragraph.");
	await submit(page, "Save");
	assert.match(await page.locator(".flash").innerText(), /created/i);
	assert.match(page.url(), /\/admin\/articles\/\d+\?done=created$/);

	// Edit and save again: a second revision, the text kept exactly (line breaks too).
	await page.getByLabel("Body (Markdown)").fill("First paragraph, edited.\n\nSecond paragraph.");
	await submit(page, "Save");
	assert.match(await page.locator(".flash").innerText(), /saved/i);
	await page.reload();
	assert.equal(await page.getByLabel("Body (Markdown)").inputValue(),
		"First paragraph, edited.\n\nSecond paragraph.");
	assert.equal(await page.getByLabel("Bullet 1", { exact: true }).inputValue(), "No script was needed");
	assert.match(await page.locator(".meta").innerText(), /revision 2/);

	// A refused save (no headline) keeps the rest of the input and says what is wrong.
	await page.getByLabel("Headline").fill("   "); /* passes `required`, blank for the server */
	await page.getByLabel("Body (Markdown)").fill("Kept after a refusal.");
	await submit(page, "Save");
	const err = page.locator("#headline-error");
	assert.match(await err.innerText(), /headline/i);
	assert.equal(await page.getByLabel("Headline").getAttribute("aria-describedby"), "headline-error");
	assert.equal(await page.getByLabel("Body (Markdown)").inputValue(), "Kept after a refusal.");
	await ctx.close();
});
