// Live coverage in real Chromium: a reader has a live story open; an update posted through the
// admin API appears on the page without a reload (live.js asks for the page again with its
// ETag), newest first, a status line says it is new, and axe finds no serious problem; when
// the coverage ends the badge goes. The poll interval is shortened for the test
// (window.nzLivePollMs, read once by the script) so it runs in seconds.
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

test("an update posted through the API appears on an open page without reloading", async () => {
	const ctx = await nz.context({ bypassCSP: true }); // for axe
	await ctx.addInitScript(() => {
		window.nzLivePollMs = 300;
	});
	const page = await ctx.newPage();
	let loads = 0;
	page.on("load", () => loads++);
	await page.goto(`/article/${slug}`);
	assert.equal(await page.locator(".live-badge").count(), 1);
	assert.equal(await page.locator("#live-updates > li").count(), 1);

	await call("POST", `/articles/${id}/updates`, { body_markdown: "Power is out in **three** districts." });
	assert.ok(await eventually(async () => (await page.locator("#live-updates > li").count()) === 2, 8000, 200));
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
