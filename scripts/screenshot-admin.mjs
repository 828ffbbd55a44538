// Takes the README's back-office screenshots (dashboard and editor) in Debian's Chromium,
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
	console.log("wrote docs/screenshots/admin-{dashboard,editor}.png");
} finally {
	await nr.stop();
}
