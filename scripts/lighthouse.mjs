// `make lighthouse`: Lighthouse (pinned in tests/tools/package-lock.json) in Debian's Chromium on
// the demo newsroom's public pages, with the mobile and desktop presets. The demo is served on a
// free port of 127.0.0.1 by the browser tests' helper; the pages are found through the read API:
// the front pages of both editions, the English article with the most photos, a Korean article
// (one with a photo when there is one), that article's section and the live story (the article
// page whose JSON-LD is a LiveBlogPosting). Prints the four category scores per page and preset
// and the audits that did not pass, writes each report (HTML and JSON) to build/lighthouse/, and
// exits 1 unless every page scores 100 in performance, accessibility, best practices and SEO
// (SEO is not required on a page that asks not to be indexed) and no image audit fails.
// A performance score depends on the machine's load: a run under 100 is repeated (up to
// three runs in all) and the best kept. Not part of `make test` (3 to 7 minutes).
// Usage: NZ_BIN=build/newszone [PAGES=front,live] node scripts/lighthouse.mjs [mobile|desktop]
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { CHROMIUM_FLAGS, newsroom } from "../tests/browser/helpers.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const modules = path.join(root, "tests", "tools", "node_modules");
const load = (p) => import(pathToFileURL(path.join(modules, p)).href);
const { default: lighthouse } = await load("lighthouse/core/index.js");
const { default: desktopConfig } = await load("lighthouse/core/config/desktop-config.js");
const chromeLauncher = createRequire(path.join(modules, "x.js"))("chrome-launcher");

const OUT = path.join(root, "build", "lighthouse");
const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"];
// The image audits: each must pass (or not apply) on every page.
const IMAGE_AUDITS = [
	"image-delivery-insight",
	"lcp-discovery-insight",
	"uses-responsive-images",
	"modern-image-formats",
	"uses-optimized-images",
	"offscreen-images",
	"unsized-images",
	"prioritize-lcp-image",
	"lcp-lazy-loaded",
	"image-aspect-ratio",
	"image-size-responsive",
	"image-alt",
];
const PRESETS = { mobile: undefined, desktop: desktopConfig };

/** The pages to audit, as [name, path], found through the read API of the server at url. */
async function pages(url) {
	const list = [];
	for (let cursor = ""; ; ) {
		const r = await (await fetch(`${url}/api/v1/articles?limit=100${cursor}`)).json();
		list.push(...r.articles);
		if (!r.next_cursor)
			break;
		cursor = `&cursor=${encodeURIComponent(r.next_cursor)}`;
	}
	const at = (a) => new URL(a.url).pathname;
	// photos with a picture: a caption kept without its image (the demo's Korean articles have
	// some) is not a photo, and a page with one has no image to measure
	const photos = (a) => (a.media || []).filter((m) => m.url).length;
	const byPhotos = (a, b) => photos(b) - photos(a);
	let live = null;
	for (const a of list) {
		const html = await (await fetch(url + at(a))).text();
		if (html.includes('"LiveBlogPosting"')) {
			live = a;
			break;
		}
	}
	const others = list.filter((a) => a !== live).sort(byPhotos);
	const en = others.find((a) => a.language === "en");
	const ko = others.find((a) => a.language === "ko");
	if (!en || !ko || !live)
		throw new Error("the demo newsroom needs an English article, a Korean one and a live story");
	return [
		["front", "/"],
		["front-ko", "/ko/"],
		["article", at(en)],
		["article-ko", at(ko)],
		["section", new URL(en.section.url).pathname],
		["live", at(live)],
	];
}

// Lighthouse 12.8 gives its trace engine no host DPR, so image-delivery-insight's "larger than it
// needs to be" takes the displayed size in CSS pixels, as if the emulated phone (DPR 1.75) had
// DPR 1: an 800 px photo chosen by srcset for a 380 px slot (665 device pixels) counts as waste.
// Its size verdict is left to uses-responsive-images, which counts the DPR; its format and
// compression verdicts stand.
const SIZE_REASON = /larger than it needs to be/;
function onlySizeReasons(insight) {
	const reasons = (insight.details?.items || []).flatMap((i) => i.subItems?.items || []);
	return reasons.length > 0 && reasons.every((r) => SIZE_REASON.test(r.reason));
}

/** One Lighthouse run: the page's scores (0–100), its noindex flag and the audits that failed. */
async function audit(port, url, preset) {
	const result = await lighthouse(
		url,
		{ port, output: ["html", "json"], logLevel: "error" },
		PRESETS[preset],
	);
	const lhr = result.lhr;
	const scores = Object.fromEntries(
		CATEGORIES.map((c) => [c, Math.round((lhr.categories[c]?.score ?? 0) * 100)]),
	);
	// Failed: under Lighthouse's own pass mark, or not run at all (an error in the audit).
	const failed = Object.values(lhr.audits)
		.filter(
			(a) =>
				a.scoreDisplayMode === "error" ||
				(a.score !== null &&
					a.score < (a.scoreDisplayMode === "binary" ? 1 : 0.9) &&
					!["informative", "manual", "notApplicable"].includes(a.scoreDisplayMode)),
		)
		.filter((a) => !(a.id === "image-delivery-insight" && onlySizeReasons(a)))
		.map((a) => (a.scoreDisplayMode === "error" ? `${a.id}(error)` : a.id));
	const noindex = lhr.audits["is-crawlable"]?.score === 0;
	if (lhr.runtimeError)
		failed.push(`runtime error: ${lhr.runtimeError.code}`);
	return { scores, failed, noindex, report: result.report };
}

/** What keeps a run from passing: the categories under 100 and the failed image audits. */
function shortfalls(run) {
	const low = CATEGORIES.filter((c) => run.scores[c] < 100 && !(c === "seo" && run.noindex));
	const image = run.failed.filter((id) => IMAGE_AUDITS.includes(id.replace("(error)", "")));
	return [...low, ...image, ...run.failed.filter((id) => id.startsWith("runtime"))];
}

/** Runs the page up to three times while its performance score alone is under 100; the best. */
async function bestOf(port, url, preset) {
	let best = null;
	for (let attempt = 1; attempt <= 3; attempt++) {
		const run = await audit(port, url, preset);
		if (!best || run.scores.performance > best.scores.performance)
			best = { ...run, attempts: attempt };
		if (run.scores.performance === 100 || shortfalls(run).some((s) => s !== "performance"))
			break;
	}
	return best;
}

const only = process.argv[2];
if (only && !(only in PRESETS)) {
	console.error(`usage: node scripts/lighthouse.mjs [${Object.keys(PRESETS).join("|")}]`);
	process.exit(2);
}
fs.mkdirSync(OUT, { recursive: true });
const nr = await newsroom({ setup: [["demo"]] });
const chrome = await chromeLauncher.launch({
	chromePath: process.env.CHROME_PATH || "/usr/bin/chromium",
	chromeFlags: CHROMIUM_FLAGS,
});
const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(" ");
const loadBefore = loadAverage();
let failures = 0;
try {
	const rows = [];
	const wanted = process.env.PAGES ? process.env.PAGES.split(",") : null;
	for (const [name, at] of (await pages(nr.url)).filter(([n]) => !wanted || wanted.includes(n))) {
		for (const preset of Object.keys(PRESETS).filter((p) => !only || p === only)) {
			const best = await bestOf(chrome.port, nr.url + at, preset);
			fs.writeFileSync(path.join(OUT, `${name}-${preset}.html`), best.report[0]);
			fs.writeFileSync(path.join(OUT, `${name}-${preset}.json`), best.report[1]);
			const bad = shortfalls(best);
			failures += bad.length > 0;
			const verdict = bad.length ? `FAIL: ${bad.join(" ")}` : "ok";
			const scores = CATEGORIES.map((c) => best.scores[c]);
			const noindex = best.noindex ? "yes" : "no";
			const row = [name, preset, ...scores, noindex, best.attempts, verdict, best.failed.join(" ")];
			rows.push(row);
			console.log(`${decodeURI(at)} ${preset}: ${row.slice(2, 6).join(" / ")} ${row[8]}`);
		}
	}
	console.log(`\nLighthouse on the demo newsroom (load average ${loadBefore} before, ${loadAverage()} after;`);
	console.log("reports in build/lighthouse/)\n");
	const head = ["page", "preset", "perf", "a11y", "best practices", "SEO", "noindex", "runs", "verdict"];
	head.push("audits not passed");
	for (const r of [head, head.map(() => "---"), ...rows])
		console.log(`| ${r.join(" | ")} |`);
} finally {
	await chrome.kill();
	await nr.stop();
}
console.log(failures ? `lighthouse: ${failures} page runs below the bar` : "lighthouse: every page passes");
process.exit(failures ? 1 : 0);
