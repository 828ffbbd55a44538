// Accessibility of the back office in real Chromium: axe-core on every admin page (the ones the
// navigation links to, the editor in its states, the history with a comparison, the one-time
// password page, a password-reset link and its pages, the sign-in page), in the light and the dark colour scheme: no serious or
// critical violation. Keyboard basics too: the skip link is the first stop and leads to main.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { PNG, addUser, assertAccessible, newsroom, signIn, submit } from "./helpers.mjs";

let nz, admin;

before(async () => {
	nz = await newsroom({ setup: [["demo"]] });
	admin = { login: "root", password: addUser(nz.db, "root", "admin") };
});

after(async () => {
	await nz?.stop();
});

/** Every page to check, visited as the admin in a context that lets axe's script in. */
async function checkAll(colorScheme) {
	const ctx = await nz.context({ bypassCSP: true, colorScheme });
	const page = await ctx.newPage();
	await page.goto("/admin/login");
	await assertAccessible(page, `${colorScheme} /admin/login`);
	await signIn(page, admin.login, admin.password);

	// Everything the navigation links to (dashboard, review queue, new article, audit log,
	// users, tokens, sections, settings, account, and what other features add).
	const links = await page.locator(".admin-nav a").evaluateAll((as) =>
		as.map((a) => a.getAttribute("href")).filter((h) => h.startsWith("/admin")));
	assert.ok(links.length >= 9, `navigation: ${links}`);
	for (const href of links) {
		await page.goto(href);
		await assertAccessible(page, `${colorScheme} ${href}`);
	}
	assert.ok(links.includes("/admin/stats"), "the stats page is in the navigation");
	// The stats page with one article's views over time: its table and its SVG chart.
	await page.goto("/admin/stats?by=day&article=keystone-relay-cyber-drill");
	assert.equal(await page.locator("svg.stats-chart rect").count(), 30);
	await assertAccessible(page, `${colorScheme} stats of one article`);

	// The editor of an article with a photo, a refused save with a field error, a history page
	// comparing two revisions, and the page that shows a new user's password once.
	await page.goto("/admin/articles/1");
	await page.setInputFiles("#photo", { name: "p.png", mimeType: "image/png", buffer: PNG });
	await page.locator("#photo_alt").fill("Coloured test pattern");
	await page.getByLabel("Body (Markdown)").fill("An edited body for the history page.");
	await submit(page, "Save");
	await page.locator("[data-preview-target] article").waitFor();
	await assertAccessible(page, `${colorScheme} editor with preview`);
	await page.getByLabel("Headline").fill("  ");
	await submit(page, "Save");
	assert.equal(await page.locator("#headline").getAttribute("aria-invalid"), "true");
	await assertAccessible(page, `${colorScheme} editor with an error`);
	await page.goto("/admin/articles/1/history");
	assert.ok(await page.locator(".comparison .diff").count() > 0, "history shows a comparison");
	await assertAccessible(page, `${colorScheme} history`);
	await page.goto("/admin/users");
	await page.getByLabel("Login", { exact: true }).fill(`new-${colorScheme}`);
	await submit(page, "Add the user");
	assert.ok(await page.locator(".secret code").count() === 1, "the new password is shown");
	await assertAccessible(page, `${colorScheme} new user's password`);

	// A password-reset link for that user, shown once; its form (a refused password, then a
	// good one) and the page that says it is done, in a real browser's own form posts.
	await submit(page, `Reset link for new-${colorScheme}`);
	const link = await page.locator("#reset-url").innerText();
	await assertAccessible(page, `${colorScheme} reset link`);
	await page.goto(new URL(link).pathname);
	await assertAccessible(page, `${colorScheme} reset form`);
	await page.getByLabel("New password", { exact: true }).fill("short");
	await page.getByLabel("The new password again").fill("short");
	await page.locator("#reset-password").evaluate((el) => el.removeAttribute("minlength"));
	await page.locator("#reset-password2").evaluate((el) => el.removeAttribute("minlength"));
	await submit(page, "Set the new password");
	assert.match(await page.locator("#reset-error").innerText(), /at least 10/);
	await assertAccessible(page, `${colorScheme} reset form with an error`);
	await page.getByLabel("New password", { exact: true }).fill("quiet-orchard-meadow-81");
	await page.getByLabel("The new password again").fill("quiet-orchard-meadow-81");
	await submit(page, "Set the new password");
	assert.match(await page.locator("#reset-done").innerText(), /has been changed/);
	await assertAccessible(page, `${colorScheme} password reset done`);
	await ctx.close();
}

test("every admin page has no serious or critical axe violation (light)", async () => {
	await checkAll("light");
});

test("every admin page has no serious or critical axe violation (dark)", async () => {
	await checkAll("dark");
});

test("the skip link is the first thing the keyboard reaches and leads to the content", async () => {
	const ctx = await nz.context();
	const page = await ctx.newPage();
	await signIn(page, admin.login, admin.password);
	await page.keyboard.press("Tab");
	const focused = page.locator(":focus");
	assert.equal(await focused.innerText(), "Skip to content");
	// It is visible when focused (not only present for screen readers).
	assert.ok(await focused.isVisible());
	await page.keyboard.press("Enter");
	assert.match(page.url(), /#main$/);
	await ctx.close();
});
