#!/usr/bin/env node
// `make videos`: records the video guides as real screen recordings of the portal.
//
// Starts its own dev gateway (fresh moto + demo data) on 127.0.0.1:8094 / moto 5594, drives
// headless Chromium through each guide in tools/videos/guides.mjs, once with the German pages
// and once with the English pages (a fresh gateway per language, so both start from the same
// demo data and rate limits), and encodes the step screenshots with ffmpeg. Writes to
// site/static/videos/:
//   <guide>-de.mp4, <guide>-en.mp4   H.264, 1280×720, 8 fps, no audio
//   <guide>-de.jpg, <guide>-en.jpg   poster images (960×540, ≤ 100 KB)
//   <guide>.de.vtt, <guide>.en.vtt   captions; the timings fit both recordings
//   <guide>.json                     steps, captions and duration for the guide pages
//
// Options: --only anmelden,team   record only these guides
//          --lang de|en           record only one language
//          --captions-only        write only the .vtt and .json files (no browser, no gateway)
//          --keep-frames          keep the screenshots in /tmp/kundenportal-videos
import { mkdirSync, rmSync, writeFileSync, statSync } from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import { guides } from "./guides.mjs";
import {
  ROOT, checkTools, startGateway, signIn, Recorder, encode, poster, probeDuration, vtt, isoDuration, fail,
} from "./lib.mjs";

const OUT = path.join(ROOT, "site/static/videos");
const FRAMES = "/tmp/kundenportal-videos";
const PORT = Number(process.env.VIDEO_PORT || 8094);
const MOTO_PORT = Number(process.env.VIDEO_MOTO_PORT || 5594);
const MAX_BYTES = 2 * 1024 * 1024;

function option(name) {
  const i = process.argv.indexOf(name);
  return i === -1 ? null : process.argv[i + 1];
}
const only = option("--only")?.split(",");
const langs = option("--lang") ? [option("--lang")] : ["de", "en"];
const captionsOnly = process.argv.includes("--captions-only");
const keepFrames = process.argv.includes("--keep-frames");
const selected = guides.filter((g) => !only || only.includes(g.slug));
if (only && selected.length !== only.length) fail(`unknown guide in --only; known: ${guides.map((g) => g.slug).join(", ")}`);
if (langs.some((l) => l !== "de" && l !== "en")) fail("--lang is de or en");

/** Cue timings come from the definitions alone, so they are the same for both recordings. */
function cuesOf(guide) {
  let clock = 0;
  return guide.steps.map((step) => {
    const cue = { start: clock, end: clock + step.seconds, de: step.de, en: step.en, step: step.step !== false };
    clock = cue.end;
    return cue;
  });
}

function writeCaptions(guide) {
  const cues = cuesOf(guide);
  for (const lang of ["de", "en"]) writeFileSync(path.join(OUT, `${guide.slug}.${lang}.vtt`), vtt(cues, lang));
  const duration = cues[cues.length - 1].end;
  const clock = (s) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;
  const data = {
    slug: guide.slug,
    duration_seconds: duration,
    duration_iso: isoDuration(duration),
    duration_text: clock(Math.round(duration)),
    steps: cues.map((c) => ({ start: c.start, at: clock(c.start), step: c.step, de: c.de, en: c.en })),
  };
  writeFileSync(path.join(OUT, `${guide.slug}.json`), JSON.stringify(data, null, 2) + "\n");
}

async function recordLanguage(lang, gatewayBinary) {
  const started = Date.now();
  console.log(`▸ ${lang}: starting a fresh dev gateway on 127.0.0.1:${PORT} (moto ${MOTO_PORT}) …`);
  const gateway = await startGateway(gatewayBinary, PORT, MOTO_PORT);
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--font-render-hinting=none"],
  });
  const sessions = new Map(); // one off-camera sign-in per address and language run
  try {
    for (const guide of selected) {
      const t0 = Date.now();
      const context = await browser.newContext({
        // 960×540 CSS pixels at 4/3 scale: 1280×720 frames with text large enough to read
        // when the video is shown at the width of the guide page.
        viewport: { width: 960, height: 540 },
        deviceScaleFactor: 4 / 3,
        locale: lang === "en" ? "en-GB" : "de-DE",
        timezoneId: "Europe/Berlin",
        acceptDownloads: true,
        reducedMotion: "reduce",
        storageState: guide.login ? sessions.get(guide.login[lang]) : undefined,
      });
      if (guide.login && !sessions.has(guide.login[lang])) {
        await signIn(context, gateway.base, guide.login[lang], lang);
        // Ben's session is not shared: his guide picks a company, which the session remembers.
        if (guide.slug !== "rundgang") sessions.set(guide.login[lang], await context.storageState());
      }
      const dir = path.join(FRAMES, `${guide.slug}-${lang}`);
      rmSync(dir, { recursive: true, force: true });
      const rec = new Recorder({ dir, context, base: gateway.base, lang });
      rec.who = guide.who?.[lang];
      await rec.run(guide.steps);
      await context.close();

      const mp4 = path.join(OUT, `${guide.slug}-${lang}.mp4`);
      let size = encode(rec.frames, mp4);
      for (const crf of [34, 38]) {
        if (size <= MAX_BYTES) break;
        size = encode(rec.frames, mp4, { crf });
      }
      const jpg = path.join(OUT, `${guide.slug}-${lang}.jpg`);
      const posterSize = poster(rec.poster || rec.frames[rec.frames.length - 1].file, jpg);
      const duration = probeDuration(mp4);
      console.log(
        `  ${guide.slug}-${lang}.mp4  ${(size / 1024).toFixed(0)} KB, ${duration.toFixed(1)} s` +
          `  (poster ${(posterSize / 1024).toFixed(0)} KB, recorded in ${((Date.now() - t0) / 1000).toFixed(0)} s)`,
      );
      if (size > MAX_BYTES) console.warn(`  ⚠ ${guide.slug}-${lang}.mp4 is larger than 2 MB`);
      if (!keepFrames) rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    await browser.close();
    await gateway.stop();
  }
  console.log(`  ${lang} done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

mkdirSync(OUT, { recursive: true });
for (const guide of selected) writeCaptions(guide);
if (captionsOnly) {
  console.log(`▸ Captions and step data written to ${path.relative(ROOT, OUT)}/`);
  process.exit(0);
}
const binary = checkTools();
try {
  for (const lang of langs) await recordLanguage(lang, binary);
} catch (err) {
  fail(err.stack || String(err));
}
const total = selected
  .flatMap((g) => langs.map((l) => path.join(OUT, `${g.slug}-${l}.mp4`)))
  .reduce((sum, f) => sum + statSync(f).size, 0);
console.log(`✔ make videos: ${selected.length} guide(s) × ${langs.length} language(s), ${(total / 1024 / 1024).toFixed(2)} MB of video in site/static/videos/`);
