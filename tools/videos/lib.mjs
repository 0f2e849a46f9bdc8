// Helpers for `make videos`: the dev gateway, ffmpeg, signing in off camera, and the recorder
// that turns a guide's steps into frames with fixed durations (the same in both languages, so
// one caption file per language fits both recordings).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync, statSync } from "node:fs";
import net from "node:net";
import path from "node:path";

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");

export function fail(message) {
  console.error(`\nmake videos: ${message}`);
  process.exit(1);
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// --- tools -------------------------------------------------------------------------------

export function checkTools() {
  const gateway = path.join(ROOT, "target/debug/dev-gateway");
  if (!existsSync(gateway)) {
    fail("./target/debug/dev-gateway is missing: run make run or cargo build -p devstack first");
  }
  if (!existsSync(path.join(ROOT, "site/public/index.html"))) {
    fail("site/public is missing: run make site first");
  }
  if (spawnSync("ffmpeg", ["-version"], { stdio: "ignore" }).status !== 0) {
    fail("ffmpeg is missing: apt-get install -y ffmpeg (make videos does this for you)");
  }
  if (!existsSync("/usr/bin/chromium")) {
    fail("/usr/bin/chromium is missing: apt-get install -y chromium");
  }
  return gateway;
}

function portInUse(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

// --- the dev gateway ---------------------------------------------------------------------

/** Starts a fresh dev gateway (fresh moto, fresh demo data, fresh rate limits) and waits for it. */
export async function startGateway(binary, port, motoPort) {
  for (const p of [port, motoPort]) {
    if (await portInUse(p)) {
      fail(`port ${p} is in use (another dev gateway?). Stop it, or set VIDEO_PORT / VIDEO_MOTO_PORT.`);
    }
  }
  const child = spawn(binary, [], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), MOTO_PORT: String(motoPort) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  let exited = false;
  child.on("exit", () => (exited = true));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (exited) fail(`the dev gateway stopped while starting:\n${log}`);
    if (log.includes("Strg-C")) {
      try {
        const res = await fetch(`${base}/anmelden/`);
        if (res.ok) break;
      } catch {
        /* not yet */
      }
    }
    await sleep(250);
  }
  if (Date.now() >= deadline) {
    child.kill("SIGINT");
    fail(`the dev gateway did not come up within 90 s:\n${log}`);
  }
  return {
    base,
    async stop() {
      if (exited) return;
      child.kill("SIGINT"); // the gateway stops moto on Ctrl-C
      for (let i = 0; i < 60 && !exited; i++) await sleep(250);
      if (!exited) child.kill("SIGKILL");
    },
  };
}

// --- the dev mailbox ---------------------------------------------------------------------

export async function mailIds(base) {
  const res = await fetch(`${base}/_dev/mail.json`);
  return new Set((await res.json()).map((m) => m.id));
}

/** Waits for a mail to `email` that is not in `seen`; returns {body, subject, from, link, code}. */
export async function newMail(base, email, seen) {
  for (let i = 0; i < 80; i++) {
    const res = await fetch(`${base}/_dev/mail.json`);
    const mails = await res.json();
    const mail = mails.find(
      (m) => !seen.has(m.id) && m.to.some((to) => to.toLowerCase() === email.toLowerCase()),
    );
    if (mail) {
      const link = /href="([^"]+)"/.exec(mail.body);
      const code = /(?<!\d)(\d{4}) (\d{4})(?!\d)/.exec(mail.body);
      return {
        ...mail,
        link: link ? link[1].replace(/&amp;/g, "&") : null,
        code: code ? code[1] + code[2] : null,
      };
    }
    await sleep(250);
  }
  throw new Error(`no mail to ${email} arrived`);
}

/** Signs `email` in through the login page (off camera); the session cookie stays in `context`. */
export async function signIn(context, base, email, lang) {
  const page = await context.newPage();
  await page.goto(`${base}${lang === "en" ? "/en/login/" : "/anmelden/"}`);
  const seen = await mailIds(base);
  await page.fill("#email", email);
  await page.click('#email-form button[type="submit"]');
  await page.waitForSelector("#code-step:not([hidden])");
  const mail = await newMail(base, email, seen);
  await page.fill("#code", mail.code);
  await page.click('#code-form button[type="submit"]');
  await page.waitForURL(/\/portal\/$/);
  await page.close();
}

// --- the recorder ------------------------------------------------------------------------

/**
 * Draws a highlight frame around `locator` and a pointer dot at its centre. Only CSSOM
 * (`el.style.x = …`), which the pages' CSP (style-src 'self') allows.
 */
async function highlight(page, locator, { dot = true } = {}) {
  await locator.scrollIntoViewIfNeeded();
  await locator.evaluate((el) => el.scrollIntoView({ block: "center", inline: "nearest" }));
  const box = await locator.boundingBox();
  if (!box) return;
  await page.evaluate(
    ({ box, dot }) => {
      document.getElementById("video-highlight")?.remove();
      document.getElementById("video-pointer")?.remove();
      const frame = document.createElement("div");
      frame.id = "video-highlight";
      Object.assign(frame.style, {
        position: "fixed",
        left: `${box.x - 6}px`,
        top: `${box.y - 6}px`,
        width: `${box.width + 12}px`,
        height: `${box.height + 12}px`,
        border: "3px solid #d9480f",
        borderRadius: "8px",
        boxShadow: "0 0 0 4px rgba(217, 72, 15, 0.25)",
        pointerEvents: "none",
        zIndex: "2147483647",
        boxSizing: "border-box",
      });
      document.body.append(frame);
      if (dot) {
        const pointer = document.createElement("div");
        pointer.id = "video-pointer";
        Object.assign(pointer.style, {
          position: "fixed",
          left: `${box.x + Math.min(box.width / 2, 40) - 9}px`,
          top: `${box.y + box.height / 2 - 9}px`,
          width: "18px",
          height: "18px",
          borderRadius: "50%",
          background: "rgba(217, 72, 15, 0.85)",
          border: "2px solid #fff",
          pointerEvents: "none",
          zIndex: "2147483647",
        });
        document.body.append(pointer);
      }
    },
    { box, dot },
  );
}

async function unhighlight(page) {
  await page
    .evaluate(() => {
      document.getElementById("video-highlight")?.remove();
      document.getElementById("video-pointer")?.remove();
    })
    .catch(() => {});
}

/**
 * Records one guide in one language. `run(steps)` plays each step's `act(g)` and holds the
 * result on screen so that every step lasts exactly `step.seconds`.
 */
export class Recorder {
  constructor({ dir, context, base, lang }) {
    this.dir = dir;
    this.context = context;
    this.base = base;
    this.lang = lang;
    this.frames = [];
    this.clock = 0;
    this.stepUsed = 0;
    this.page = null;
    mkdirSync(dir, { recursive: true });
  }

  /** A path in the page's language: `p("/portal/", "/en/portal/")`. */
  p(de, en) {
    return this.base + (this.lang === "en" ? en : de);
  }

  t(de, en) {
    return this.lang === "en" ? en : de;
  }

  async use(page) {
    this.page = page;
    await page.bringToFront();
  }

  /** Holds the current screen for `seconds` (a frame of the video). */
  async frame(seconds) {
    const file = path.join(this.dir, `f${String(this.frames.length).padStart(4, "0")}.png`);
    // Two animation frames, so that a scroll has been painted completely before the shot.
    await this.page
      .evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))
      .catch(() => {});
    await this.page.waitForTimeout(60);
    await this.page.screenshot({ path: file, animations: "disabled", caret: "initial" });
    this.frames.push({ file, seconds });
    this.stepUsed += seconds;
  }

  async settle(ms = 350) {
    await this.page.waitForLoadState("load").catch(() => {});
    await this.page.waitForTimeout(ms);
  }

  async goto(url, waitFor) {
    await this.page.goto(url);
    if (waitFor) await this.page.waitForSelector(waitFor, { state: "visible" });
    await this.settle();
  }

  loc(target) {
    return typeof target === "string" ? this.page.locator(target).first() : target;
  }

  /** Highlights `target` for a moment without acting on it. */
  async point(target, seconds = 0.8) {
    await highlight(this.page, this.loc(target), { dot: false });
    await this.frame(seconds);
  }

  async click(target, { waitFor, pre = 0.8 } = {}) {
    const loc = this.loc(target);
    await highlight(this.page, loc);
    await this.frame(pre);
    await unhighlight(this.page);
    await loc.click();
    if (waitFor) await this.page.waitForSelector(waitFor, { state: "visible" });
    await this.settle();
  }

  async type(target, text, { clear = true, chunk = 4, each = 0.12 } = {}) {
    const loc = this.loc(target);
    await highlight(this.page, loc, { dot: false });
    await loc.click();
    if (clear) await loc.fill("");
    await this.frame(0.4);
    for (let i = 0; i < text.length; i += chunk) {
      await loc.pressSequentially(text.slice(i, i + chunk));
      await this.frame(each);
    }
    await unhighlight(this.page);
  }

  async select(target, value) {
    const loc = this.loc(target);
    await highlight(this.page, loc);
    await this.frame(0.6);
    await loc.selectOption(value);
    await unhighlight(this.page);
    await this.settle(200);
  }

  async scrollTo(target) {
    await this.loc(target).evaluate((el) => el.scrollIntoView({ block: "start" }));
    await this.page.waitForTimeout(200);
  }

  /** Plays the steps; returns the cues [{start, end, de, en}]. */
  async run(steps) {
    const cues = [];
    for (const [i, step] of steps.entries()) {
      this.stepUsed = 0;
      const start = this.clock;
      try {
        await step.act(this);
      } catch (err) {
        throw new Error(`step ${i + 1} (${step.de}): ${err.message}`, { cause: err });
      }
      const rest = +(step.seconds - this.stepUsed).toFixed(3);
      if (rest < 0.5) {
        throw new Error(
          `step ${i + 1} needs ${this.stepUsed.toFixed(2)} s of action but has ${step.seconds} s: raise its seconds`,
        );
      }
      await unhighlight(this.page);
      await this.frame(rest);
      this.clock = start + step.seconds;
      cues.push({ start, end: this.clock, de: step.de, en: step.en, step: step.step !== false });
      if (step.poster) this.poster = this.frames[this.frames.length - 1].file;
    }
    return cues;
  }
}

// --- encoding ----------------------------------------------------------------------------

function ffmpeg(args) {
  const result = spawnSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", ...args], {
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`ffmpeg ${args.join(" ")}\n${result.stderr}`);
}

/** Frames → H.264 MP4 (yuv420p, faststart, 8 fps, no audio). */
export function encode(frames, out, { crf = 30 } = {}) {
  const list = path.join(path.dirname(frames[0].file), "frames.txt");
  const lines = ["ffconcat version 1.0"];
  for (const f of frames) lines.push(`file '${path.basename(f.file)}'`, `duration ${f.seconds.toFixed(3)}`);
  lines.push(`file '${path.basename(frames[frames.length - 1].file)}'`);
  writeFileSync(list, lines.join("\n") + "\n");
  ffmpeg([
    "-f", "concat", "-safe", "0", "-i", list,
    "-vf", "fps=8,format=yuv420p",
    "-c:v", "libx264", "-preset", "veryslow", "-tune", "stillimage", "-crf", String(crf),
    "-g", "80", "-movflags", "+faststart", "-an", out,
  ]);
  return statSync(out).size;
}

/** A poster JPEG (960×540) from one frame, at most ~100 KB. */
export function poster(frame, out) {
  for (const q of [4, 6, 8, 10, 14]) {
    ffmpeg(["-i", frame, "-vf", "scale=960:-2", "-q:v", String(q), out]);
    if (statSync(out).size <= 100_000) break;
  }
  return statSync(out).size;
}

export function probeDuration(file) {
  const r = spawnSync(
    "ffprobe",
    ["-v", "error", "-show_entries", "format=duration", "-of", "default=nw=1:nk=1", file],
    { encoding: "utf8" },
  );
  return Number(r.stdout.trim());
}

// --- captions ----------------------------------------------------------------------------

function stamp(seconds) {
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n, w = 2) => String(n).padStart(w, "0");
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

export function vtt(cues, lang) {
  const blocks = cues.map((c, i) => `${i + 1}\n${stamp(c.start)} --> ${stamp(c.end)}\n${c[lang]}`);
  return `WEBVTT\n\n${blocks.join("\n\n")}\n`;
}

/** ISO 8601 duration for schema.org, e.g. PT1M12S. */
export function isoDuration(seconds) {
  const s = Math.round(seconds);
  return `PT${Math.floor(s / 60) ? `${Math.floor(s / 60)}M` : ""}${s % 60}S`;
}
