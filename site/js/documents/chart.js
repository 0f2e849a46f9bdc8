// Monthly totals (invoices minus credit notes) of one year as a bar chart. The bars are plain
// elements whose height is set through the CSSOM (the CSP allows that, unlike style attributes);
// the chart is hidden from screen readers, which get the same numbers as a table.
import { $, el, request, isSuccess } from "../shared/api.js";
import { t, lang } from "../shared/i18n.js";
import { money, monthName } from "../shared/format.js";

const option = (value) => el("option", { value, textContent: value });
const cell = (tag, textContent) => el(tag, { textContent });

/** A short label above a bar: whole units ("6.880 €"), from a million on compact ("1,2 Mio. €"). */
function short(value, currency) {
  const big = Math.abs(value) >= 1e6;
  try {
    return new Intl.NumberFormat(lang, {
      style: "currency",
      currency,
      notation: big ? "compact" : "standard",
      minimumFractionDigits: 0,
      maximumFractionDigits: big ? 1 : 0,
    }).format(value);
  } catch {
    return String(Math.round(value));
  }
}

/**
 * `onProblem(result)` handles 401 / no company chosen and returns true then. `load()` fetches
 * and shows the statistics (errors in #stats-failed); the overview page fetches them itself
 * (with its own loading and retry) and hands the answer to `show(body)`.
 */
export function setupChart(onProblem) {
  const section = $("stats");
  const failed = $("stats-failed");
  const yearSelect = $("stats-year");
  const currencyField = $("stats-currency-field");
  const currencySelect = $("stats-currency");
  const total = $("stats-total");
  const chart = $("chart");
  const table = $("stats-table");
  const caption = $("stats-caption");
  const rows = $("stats-rows");
  let years = [];
  let generation = 0;

  async function load() {
    const mine = ++generation;
    failed.hidden = true;
    const result = await request("GET", "/api/documents/statistics");
    if (mine !== generation) return;
    if (!isSuccess(result) || !result.body || !Array.isArray(result.body.years)) {
      if (onProblem(result)) return;
      section.hidden = true;
      failed.textContent = t("stats_failed");
      failed.hidden = false;
      return;
    }
    show(result.body);
  }

  /** Shows an answer of GET /api/documents/statistics ({years: [...]}, newest year first). */
  function show(body) {
    years = body.years.filter((y) => y && Number.isInteger(y.year));
    section.hidden = years.length === 0;
    if (!years.length) return;
    const keep = yearSelect.value;
    yearSelect.replaceChildren(...years.map((y) => option(y.year)));
    if (years.some((y) => String(y.year) === keep)) yearSelect.value = keep;
    renderYear();
  }

  function currenciesOf(year) {
    const found = new Set();
    for (const entry of [...(year.totals || []), ...(year.months || [])]) {
      if (entry && typeof entry.currency === "string") found.add(entry.currency);
    }
    return [...found];
  }

  function renderYear() {
    const year = years.find((y) => String(y.year) === yearSelect.value) || years[0];
    const currencies = currenciesOf(year);
    const keep = currencySelect.value;
    currencySelect.replaceChildren(...currencies.map(option));
    if (currencies.includes(keep)) currencySelect.value = keep;
    currencyField.hidden = currencies.length < 2;
    render(year, currencySelect.value || null);
  }

  function render(year, currency) {
    if (!currency) {
      total.textContent = t("stats_empty", { year: year.year });
      chart.hidden = true;
      table.hidden = true;
      chart.replaceChildren();
      rows.replaceChildren();
      return;
    }
    chart.hidden = false;
    table.hidden = false;
    const months = Array.from({ length: 12 }, (_, i) => ({ month: i + 1, gross: "0.00", value: 0, count: 0 }));
    for (const m of year.months || []) {
      if (!m || m.currency !== currency || !(m.month >= 1 && m.month <= 12)) continue;
      const value = Number(m.gross);
      months[m.month - 1] = { month: m.month, gross: m.gross, value: Number.isFinite(value) ? value : 0, count: Number(m.count) || 0 };
    }
    const sum = (year.totals || []).find((x) => x && x.currency === currency);
    total.textContent = t("stats_total", { year: year.year, amount: money(sum ? sum.gross : "0.00", currency) });
    caption.textContent = t("stats_caption", { year: year.year, currency });

    const max = Math.max(...months.map((m) => Math.abs(m.value)));
    chart.replaceChildren(
      ...months.map((m) => {
        const bar = el("div", { className: m.value < 0 ? "bar bar-negative" : "bar" }, m.value !== 0 && el("span", { className: "bar-value", textContent: short(m.value, currency) }));
        // At least a sliver for small non-zero months, so they don't look empty.
        const share = max > 0 ? (Math.abs(m.value) / max) * 100 : 0;
        bar.style.height = `${m.value === 0 ? 0 : Math.max(share, 1.5)}%`;
        return el(
          "div",
          { className: "bar-col", title: t("stats_bar", { month: monthName(m.month), amount: money(m.gross, currency), n: m.count }) },
          el("div", { className: "bar-track" }, bar),
          el("span", { className: "bar-label", textContent: monthName(m.month, true) }),
        );
      }),
    );
    rows.replaceChildren(
      ...months.map((m) =>
        el("tr", {}, el("th", { scope: "row", textContent: monthName(m.month) }), cell("td", money(m.gross, currency)), cell("td", m.count)),
      ),
    );
  }

  yearSelect.addEventListener("change", renderYear);
  currencySelect.addEventListener("change", renderYear);

  return {
    load,
    show,
    /** Forget what is shown (another company was chosen). */
    reset() {
      generation++;
      years = [];
      section.hidden = true;
      if (failed) failed.hidden = true;
    },
  };
}
