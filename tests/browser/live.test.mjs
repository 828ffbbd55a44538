// Live coverage in real Chromium: a reader has a live story open; an update posted through the
// admin API appears on the page without a reload, newest first, a status line says it is new;
// when the coverage ends the badge goes. First through the story's event stream (EventSource,
// under the site's own Content-Security-Policy; the poll interval is set far beyond the test, so
// only the stream can bring the update), then through the fallback that asks for the page again
// with its ETag (window.nzLiveNoStream, window.nzLivePollMs: read once by the script), where axe
// finds no serious problem either.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { addUser, assertAccessible, cli, eventually, newsroom } from "./helpers.mjs";

let nz, token, slug, id;

async function call(method, path, body) {
	const r = await fetch(nz.url + "/api/v1/admin" + path, {
		method,
		headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
		body: JSON.stringify(body ?? {}),
	});
	const text = await r.text();
	assert.ok(r.ok, `${method} ${path}: ${r.status} ${text}`);
	return JSON.parse(text);
}

before(async () => {
	nz = await newsroom();
	addUser(nz.db, "eve", "editor");
	token = /^(nzt_\S+)$/m.exec(cli(nz.db, "token", "create", "eve"))[1];
	const a = await call("POST", "/articles", { headline: "Typhoon makes landfall", body_markdown: "What we know." });
	await call("POST", `/articles/${a.id}/publish`);
	await call("PUT", `/articles/${a.id}/live`, { live: true });
	await call("POST", `/articles/${a.id}/updates`, { body_markdown: "Winds reach 150 km/h." });
	slug = a.slug;
	id = a.id;
});

after(async () => {
	await nz?.stop();
});

test("an update reaches an open page through its event stream without reloading", async () => {
	const ctx = await nz.context();
	await ctx.addInitScript(() => {
		window.nzLivePollMs = 600000; // no poll within the test: only the stream
	});
	const page = await ctx.newPage();
	let loads = 0, streams = 0;
	page.on("load", () => loads++);
	page.on("request", (r) => r.url().includes(`/live/${id}/events`) && streams++);
	await page.goto(`/article/${slug}`);
	assert.equal(await page.locator("#live-updates > li").count(), 1);
	assert.ok(await eventually(async () => streams > 0, 5000, 100), "the page opened its stream");
	// Posted at once: an update that comes before the stream is registered is still sent (the
	// stream asks for what is newer than the page's newest update).

	await call("POST", `/articles/${id}/updates`, { body_markdown: "Trains are **stopped**." });
	assert.ok(await eventually(async () => (await page.locator("#live-updates > li").count()) === 2, 8000, 100));
	assert.match(await page.locator("#live-updates > li").first().innerText(), /Trains are stopped/);
	assert.match(await page.locator(".live-status").innerText(), /1 new update/);
	assert.equal(loads, 1, "the page was not reloaded");
	await ctx.close();
});

test("without the stream, the page asks again and an update appears without reloading", async () => {
	const ctx = await nz.context({ bypassCSP: true }); // for axe
	await ctx.addInitScript(() => {
		window.nzLiveNoStream = true;
		window.nzLivePollMs = 300;
	});
	const page = await ctx.newPage();
	let loads = 0;
	page.on("load", () => loads++);
	await page.goto(`/article/${slug}`);
	assert.equal(await page.locator(".live-badge").count(), 1);
	assert.equal(await page.locator("#live-updates > li").count(), 2);

	await call("POST", `/articles/${id}/updates`, { body_markdown: "Power is out in **three** districts." });
	assert.ok(await eventually(async () => (await page.locator("#live-updates > li").count()) === 3, 8000, 200));
	assert.match(await page.locator("#live-updates > li").first().innerText(), /Power is out in three districts/);
	assert.equal(await page.locator("#live-updates > li").first().locator("strong").innerText(), "three");
	assert.match(await page.locator(".live-status").innerText(), /1 new update/);
	assert.equal(loads, 1, "the page was not reloaded");
	await assertAccessible(page, "live story after an update");

	// The end of the coverage reaches the open page too, and the script stops asking.
	await call("PUT", `/articles/${id}/live`, { live: false });
	assert.ok(await eventually(async () => (await page.locator("#live[data-live-on]").count()) === 0, 8000, 200));
	assert.equal(await page.locator(".live-badge").count(), 0);
	assert.match(await page.locator(".live-ended").innerText(), /Live coverage ended/);
	assert.equal(loads, 1);
	await ctx.close();
});
