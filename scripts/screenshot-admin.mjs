// Takes the README's back-office screenshots (dashboard, editor, the list of articles; the list
// and the editor on a phone too) in Debian's Chromium,
// with the browser tests' helpers: the demo newsroom, a user made with the CLI, a real sign-in.
// Usage: NZ_BIN=build/newszone node scripts/screenshot-admin.mjs   (scripts/screenshots.sh runs it)
import path from "node:path";
import { fileURLToPath } from "node:url";
import { addUser, newsroom, signIn } from "../tests/browser/helpers.mjs";

const out = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "docs", "screenshots");
const nr = await newsroom({ setup: [["demo"]] });
try {
	const password = addUser(nr.db, "editor", "editor");
	const ctx = await nr.context({ viewport: { width: 1280, height: 900 } });
	const page = await ctx.newPage();
	await signIn(page, "editor", password);
	await page.screenshot({ path: path.join(out, "admin-dashboard.png") });
	const list = await (await ctx.request.get("/api/v1/articles?limit=1")).json();
	const id = list.articles[0].id;
	await page.goto(`/admin/articles/${id}`);
	await page.screenshot({ path: path.join(out, "admin-editor.png") });
	await page.goto("/admin/articles");
	await page.screenshot({ path: path.join(out, "admin-articles.png") });
	const phone = await nr.context({ viewport: { width: 390, height: 844 }, isMobile: true });
	const small = await phone.newPage();
	await signIn(small, "editor", password);
	await small.goto("/admin/articles");
	await small.screenshot({ path: path.join(out, "admin-articles-phone.png") });
	await small.goto(`/admin/articles/${id}`);
	await small.screenshot({ path: path.join(out, "admin-editor-phone.png") });
	console.log("wrote docs/screenshots/admin-{dashboard,editor,articles,articles-phone,editor-phone}.png");
} finally {
	await nr.stop();
}
