// Help search: filters Zola's search index in the browser, without a search library. The index
// (search_index.<lang>.js, elasticlunr JSON that sets window.searchIndex) is loaded on first use
// with a plain <script src>, so the CSP needs nothing but 'self'. Only its document store is read:
// {title, body} per URL. Ranking: query words match the start of words in title (weighted) and
// body, rarer words count more; umlauts and ß are folded so "Rueck", "Ruck" and "Rück" match.
import { t, tn } from "../shared/i18n.js";
import { el } from "../shared/api.js";

const fold = (text) =>
  text
    .toLowerCase()
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/ß/g, "ss")
    .replace(/([aou])e/g, "$1");

const words = (text) => fold(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);

let loading = null;

const entry = (url, title, body) => ({ url, title, body, tw: words(title), bw: words(body) });

/** Zola's index for the page's language: its document store, {title, body} per URL. */
function fromIndex(src) {
  return new Promise((resolve, reject) => {
    document.head.append(el("script", { src, onload: () => (window.searchIndex ? resolve(window.searchIndex) : reject()), onerror: reject }));
  }).then((index) =>
    Object.entries(index.documentStore.docs)
      // Unrendered sections are in the index too, with an empty body: leave them out.
      .filter(([, doc]) => doc.body && doc.body.trim())
      .map(([id, doc]) => entry(new URL(id, location.href).pathname, doc.title || "", doc.body)),
  );
}

/** The page with all answers (article[data-url]): for an index without this language's pages. */
async function fromPage(url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(response.status);
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  return [...page.querySelectorAll("article[data-url]")].map((article) =>
    entry(article.dataset.url, article.querySelector("h3").textContent, article.querySelector("div").textContent),
  );
}

/** The documents to search, loaded once per page. Zola 0.17 writes the default language's
 *  index into every search_index.<lang>.js, so only pages under the language's prefix count. */
function load(form) {
  const { index, prefix, all } = form.dataset;
  loading ||= fromIndex(index)
    .then((docs) => docs.filter((doc) => doc.url.startsWith(prefix)))
    .then((docs) => (docs.length ? docs : fromPage(all)))
    .catch(() => {
      loading = null;
      return null;
    });
  return loading;
}

function rank(docs, terms) {
  // Whole word 1.5, word starting with the term 1, term starting with a word ("herunter" for
  // "herunterladen") 0.5.
  const score = (w, term) =>
    w.startsWith(term) ? (w === term ? 1.5 : 1) : w.length > 3 && term.startsWith(w) ? 0.5 : 0;
  const count = (list, term) => list.reduce((n, w) => n + score(w, term), 0);
  const weights = terms.map((term) => {
    const df = docs.filter((d) => count(d.tw, term) || count(d.bw, term)).length;
    return Math.log(1 + docs.length / (1 + df));
  });
  return docs
    .map((doc) => {
      let score = 0;
      let hits = 0;
      terms.forEach((term, i) => {
        const s = 4 * Math.min(count(doc.tw, term), 2) + 2 * Math.log2(1 + count(doc.bw, term));
        if (s) {
          hits++;
          score += s * weights[i];
        }
      });
      return { doc, score: score * (hits / terms.length + 0.5) };
    })
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, 8)
    .map((r) => r.doc);
}

/** About 30 words of the body around the first match, matches in <mark>. */
function excerpt(body, terms) {
  const raw = body.split(/\s+/).filter(Boolean);
  const hit = (token) => words(token).some((w) => terms.some((term) => w.startsWith(term)));
  const first = Math.max(0, raw.findIndex(hit));
  const start = Math.max(0, first - 8);
  const end = Math.min(raw.length, start + 30);
  return el(
    "p",
    { className: "search-excerpt" },
    start > 0 && "… ",
    ...raw.slice(start, end).flatMap((token, i) => [i && " ", hit(token) ? el("mark", { textContent: token }) : token]),
    end < raw.length && " …",
  );
}

export function initSearch(form) {
  const input = form.querySelector('input[type="search"]');
  const status = form.querySelector(".search-status");
  const list = form.querySelector(".search-results");
  let timer = 0;
  let shown = "";

  const links = () => [...list.querySelectorAll("a")];

  async function run() {
    const query = input.value.trim();
    const terms = [...new Set(words(query))].filter((w) => w.length > 1);
    if (!terms.length) {
      list.replaceChildren();
      status.textContent = "";
      shown = "";
      return;
    }
    if (query === shown) return;
    if (!loading) status.textContent = t("help_search_loading");
    const docs = await load(form);
    if (input.value.trim() !== query) return; // typed on meanwhile
    if (!docs) {
      status.textContent = t("help_search_failed");
      return;
    }
    shown = query;
    const found = rank(docs, terms);
    list.replaceChildren(
      ...found.map((doc) => el("li", {}, el("a", { href: doc.url, textContent: doc.title }), excerpt(doc.body, terms))),
    );
    status.textContent = found.length ? tn("help_search", found.length, { q: query }) : t("help_search_none", { q: query });
  }

  input.addEventListener("focus", () => load(form), { once: true });
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(run, 150);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    run();
  });
  // Arrow keys move between the input and the results; Escape clears the search.
  form.addEventListener("keydown", (event) => {
    const all = links();
    const i = all.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && all.length && i < all.length - 1) {
      all[i + 1].focus();
    } else if (event.key === "ArrowUp" && i >= 0) {
      (i ? all[i - 1] : input).focus();
    } else if (event.key === "Escape" && input.value) {
      input.value = "";
      input.focus();
      run();
    } else {
      return;
    }
    event.preventDefault();
  });

  // Arriving from a search form elsewhere (or without scripts): /hilfe/?q=…
  const q = new URLSearchParams(location.search).get("q");
  if (q && form.getAttribute("action") === location.pathname) {
    input.value = q;
    run();
  }
}
