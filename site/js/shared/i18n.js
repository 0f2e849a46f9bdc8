// UI strings that the scripts put on the page. Text that is on the page from the start lives
// in config.toml ([translations] / [languages.en.translations]); these are the dynamic bits.
// PAGE_LANG is set per bundle by `make site` (esbuild --define), so each language's bundle
// carries only its own strings.
import de from "./strings-de.js";
import en from "./strings-en.js";

const strings = PAGE_LANG === "en" ? en : de;

export const lang = PAGE_LANG === "en" ? "en" : "de";

/** The string `key` in the page's language, with `{name}` placeholders filled from `vars`. */
export function t(key, vars = {}) {
  const text = strings[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
}

/**
 * The string `prefix + value` (e.g. "kind_invoice"), or `fallback` for values without one.
 * Only for prefixes that no other key starts with.
 */
export const labelOr = (prefix, value, fallback) => strings[prefix + value] ?? fallback;

/** `key` with {n}, or `key_one` when n is 1. */
export const tn = (key, n, vars) => (n === 1 ? t(`${key}_one`, vars) : t(key, { ...vars, n }));
