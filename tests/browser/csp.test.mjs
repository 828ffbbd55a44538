// The Content-Security-Policy in real Chromium: the public pages (front, article,
// search) and the back office (dashboard, editor, settings, users) load without a single CSP
// violation: the theme has no inline script or style that the policy would block.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { addUser, newsroom, signIn } from "./helpers.mjs";

let nz;
let admin;

before(async () => {
	nz = await newsroom({ setup: [["demo"]] });
	admin = { login: "ada", password: addUser(nz.db, "ada", "admin") };
});

after(async () => {
	await nz?.stop();
});

/** Collects the console's CSP complaints on page. */
function violations(page) {
	const seen = [];
	page.on("console", (m) => {
		if (/Content Security Policy/i.test(m.text())) seen.push(`${page.url()}: ${m.text()}`);
	});
	return seen;
}

test("public pages load with no CSP violation", async () => {
	const ctx = await nz.context();
	const page = await ctx.newPage();
	const seen = violations(page);
	const front = await page.goto("/");
	assert.match(front.headers()["content-security-policy"], /script-src 'self'/);
	const article = await page.locator("main a[href^='/article/']").first().getAttribute("href");
	for (const path of [article, "/search?q=drill"]) {
		await page.goto(path);
		await page.waitForLoadState("load");
	}
	assert.ok(await page.locator("main").count() > 0);
	assert.deepEqual(seen, []);
	await ctx.close();
});

test("back-office pages load with no CSP violation and are never cached", async () => {
	const ctx = await nz.context();
	const page = await ctx.newPage();
	const seen = violations(page);
	await signIn(page, admin.login, admin.password);
	for (const path of ["/admin", "/admin/articles/new", "/admin/settings", "/admin/users"]) {
		const r = await page.goto(path);
		assert.equal(r.status(), 200, path);
		assert.match(r.headers()["cache-control"], /no-store/, path);
		await page.waitForLoadState("load");
	}
	assert.deepEqual(seen, []);
	await ctx.close();
});
