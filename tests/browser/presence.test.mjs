// Who else is editing, in real Chromium with two browser contexts as two people: the second to
// open an article sees the first's name as soon as the editor opens (rendered by the server),
// and the first sees the second's after their next heartbeat (the page's clock is moved on by
// 15 s, so the editor's own timer sends it; nothing is faked on the server).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { addUser, assertAccessible, newsroom, signIn, writeArticle } from "./helpers.mjs";

let nz;

before(async () => {
	nz = await newsroom();
});

after(async () => {
	await nz?.stop();
});

test("two people on one article see each other's names", async () => {
	const ann = { login: "ann", password: addUser(nz.db, "ann", "editor") };
	const bob = { login: "bob", password: addUser(nz.db, "bob", "editor") };
	const ctxA = await nz.context();
	const ctxB = await nz.context({ bypassCSP: true }); /* lets axe in */
	const a = await ctxA.newPage();
	const b = await ctxB.newPage();
	await a.clock.install();
	await signIn(a, ann.login, ann.password);
	await signIn(b, bob.login, bob.password);
	const id = await writeArticle(a, {
		headline: "Ministers meet in Seoul",
		body: "The defense ministers met on Monday.",
	});

	await a.goto(`/admin/articles/${id}`);
	const noticeA = a.locator(".presence");
	assert.equal((await noticeA.innerText()).trim(), "", "alone: no notice");
	assert.equal(await noticeA.isVisible(), false);

	await b.goto(`/admin/articles/${id}`);
	const noticeB = b.locator(".presence");
	assert.match(await noticeB.innerText(), /^ann is editing since \d\d:\d\d\./);
	assert.equal(await noticeB.getAttribute("role"), "status");
	for (const colorScheme of ["light", "dark"]) {
		await b.emulateMedia({ colorScheme });
		await assertAccessible(b, `${colorScheme} editor with the presence notice`);
	}

	// Ann's page learns of Bob with its next heartbeat, 15 s on.
	const beat = a.waitForResponse(
		(r) => r.url().endsWith(`/api/v1/admin/articles/${id}/presence`) &&
			r.request().method() === "POST",
	);
	await a.clock.fastForward(15000);
	assert.equal((await beat).status(), 200);
	await noticeA.getByText(/bob is editing since \d\d:\d\d\./).waitFor();
	assert.match(await noticeA.innerText(), /If one of you saves first/);

	await ctxA.close();
	await ctxB.close();
});
